"""The docent's workflow end to end on a temporary course with the fixture assignment ``oefening``.

release → synthetic submissions → Brightspace-style zip → collect → parallel autograde →
feedback → grades, plus: equality with plain ``nbgrader autograde``, the sandbox, idempotent
re-runs, resuming after an interruption, and the LMS file-name parsers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from activering.grading.config import Cesuur, Course
from activering.paths import REPO_ROOT

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "grading"
sys.path.insert(0, str(FIXTURE))
import synthetic  # noqa: E402

# Every test here grades with nbgrader in the sandbox (module fixtures start kernels): not for the fast suite.
pytestmark = pytest.mark.slow

ASSIGNMENT = "oefening"
HIDDEN_MARKERS = ["('C', 4)", "BEGIN HIDDEN", "aantal_per_trede([])"]
SOLUTION_MARKERS = ["telling[trede] = telling.get(trede, 0) + 1", "BEGIN SOLUTION"]


make_course = synthetic.make_course


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    from activering.grading.release import vrijgeven

    root = tmp_path_factory.mktemp("cursus")
    course = make_course(root)
    result = vrijgeven(ASSIGNMENT, course)
    pristine = root / "gradebook-na-vrijgeven.db"
    shutil.copy2(course.db_path, pristine)
    return course, result, pristine


KINDS = {kind: kind for kind in synthetic.EXPECTED}


def brightspace_zip(course: Course, staging: Path, zip_path: Path) -> dict[str, str]:
    """Submissions with Brightspace names; returns the class list (lms id -> student)."""
    release_nb = course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source_nb = course.folder("source") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    files = synthetic.write_submissions(KINDS, release_nb, staging, course.course_dir)
    oplossing = staging / "oplossing" / f"{ASSIGNMENT}.ipynb"
    oplossing.parent.mkdir(parents=True)
    shutil.copy(source_nb, oplossing)  # the instructor's own solution, hidden tests and all
    files["oplossing"] = oplossing
    roster = {}
    with zipfile.ZipFile(zip_path, "w") as zf:
        zf.writestr("index.html", "<html>Brightspace</html>")
        zf.writestr("notities.txt", "los bestand zonder student")
        for i, (sid, path) in enumerate(sorted(files.items())):
            uid = str(204500 + i)
            roster[uid] = sid
            name = f"Student {sid.replace('-', ' ').title()}"
            zf.write(path, f"{148700 + i}-{uid} - {name} - 12 sep. 2025 1402 - {path.name}")
        zf.writestr("999-777 - Onbekende Student - 12 sep. 2025 1402 - oefening.ipynb", "{}")
    return roster


@pytest.fixture(scope="module")
def graded(released, tmp_path_factory):
    from activering.grading.autograde import nakijken
    from activering.grading.collect import verzamel

    course, _, _ = released
    work = tmp_path_factory.mktemp("lms")
    roster = brightspace_zip(course, work / "staging", work / "export.zip")
    klaslijst = work / "klaslijst.csv"
    klaslijst.write_text(
        "studentnummer;naam;lms_id\n" + "".join(f"{sid};Naam {sid};{uid}\n" for uid, sid in roster.items()),
        encoding="utf-8-sig",
    )
    collected = verzamel(ASSIGNMENT, work / "export.zip", course, klaslijst=klaslijst)
    run = nakijken(ASSIGNMENT, course, workers=2)
    return course, collected, run


def test_release_has_no_solutions_or_hidden_tests(released):
    from activering.grading.release import scan_release

    course, result, _ = released
    assert result.zip_path.exists()
    assert scan_release(course, ASSIGNMENT) == []
    with zipfile.ZipFile(result.zip_path) as zf:
        names = zf.namelist()
        assert f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb" in names
        text = "".join(zf.read(n).decode("utf-8", "ignore") for n in names)
    for marker in HIDDEN_MARKERS + SOLUTION_MARKERS:
        assert marker not in text, marker
    nb = json.loads((course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    assert all(not c.get("outputs") for c in nb["cells"])


def test_scan_catches_a_leaking_release(released, tmp_path):
    from activering.grading.release import scan_release

    course, _, _ = released
    copy = Course.at(tmp_path / "exercises", course.grading_dir)
    shutil.copytree(course.folder("source"), copy.folder("source"))
    leaked = copy.folder("release") / ASSIGNMENT
    leaked.mkdir(parents=True)
    nb = json.loads((course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    nb["cells"][3]["source"] = (
        "def aantal_per_trede(caseload):\n    telling = {}\n    for _klant, trede in caseload:\n        telling[trede] = telling.get(trede, 0) + 1"
    )
    (leaked / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(nb))
    problems = scan_release(copy, ASSIGNMENT)
    assert any("oplossingscode" in p for p in problems)


def test_collect_maps_brightspace_zip(graded):
    _, collected, _ = graded
    assert set(collected.placed) == set(KINDS) | {"oplossing"}
    assert collected.lms == "brightspace"
    reasons = dict(collected.unplaced)
    assert "notities.txt" in reasons
    assert any("Onbekende Student" in path and "klaslijst" in why for path, why in collected.unplaced)
    assert "index.html" not in reasons


def test_each_student_scored_with_reason(graded):
    course, _, run = graded
    by_student = {s.student: s for s in run.graded}
    assert set(by_student) == set(KINDS) | {"oplossing"}
    assert not run.interrupted and run.workers == 2
    for kind, (score, reason, signal) in synthetic.EXPECTED.items():
        st = by_student[kind]
        assert st.autoscore == score, (kind, st)
        assert st.max_autoscore == 3.0 or st.status == "mislukt"
        if reason:
            assert st.status == "mislukt" and reason in st.reden, (kind, st)
        else:
            assert st.status == "nagekeken", (kind, st)
        if signal:
            assert any(signal in s for s in st.signalen), (kind, st.signalen)
    # the instructor's solution scores full marks on the autograded part, the blank release zero
    assert by_student["oplossing"].autoscore == by_student["oplossing"].max_autoscore == 3.0
    assert by_student["blanco"].autoscore == 0.0 and by_student["blanco"].status == "nagekeken"


def test_student_code_cannot_read_hidden_tests(graded):
    course, _, run = graded
    nb = json.loads((course.folder("autograded") / "spiekt" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    printed = "".join(
        "".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []) if o.get("name") == "stdout"
    )
    assert "gevonden: []" in printed, printed
    assert {s.student: s for s in run.graded}["spiekt"].autoscore == 0.0


def test_equal_to_plain_nbgrader_autograde(released, graded, tmp_path):
    """Plain `nbgrader autograde` (serial, same config) on the same submissions: same auto scores."""
    from nbgrader.api import Gradebook

    course, _, pristine = released
    plain = tmp_path / "exercises"
    plain.mkdir()
    for name in ("source", "release", "submitted", "nbgrader_config.py"):
        src = course.course_dir / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, plain / name)
    shutil.copytree(course.grading_dir, tmp_path / "grading")
    shutil.copy2(pristine, plain / "gradebook.db")
    nbgrader = Path(sys.executable).with_name("nbgrader")
    subprocess.run([str(nbgrader), "autograde", ASSIGNMENT], cwd=plain, capture_output=True, timeout=600)

    def scores(db: Path) -> dict:
        with Gradebook(f"sqlite:///{db}") as gb:
            return {
                (s.student_id, nb.name, g.name): g.auto_score
                for s in gb.assignment_submissions(ASSIGNMENT)
                for nb in s.notebooks
                for g in nb.grades
            }

    def records(db: Path) -> dict:
        """Everything nbgrader stores per graded cell and per submission, not only the score."""
        with Gradebook(f"sqlite:///{db}") as gb:
            out = {}
            for s in gb.assignment_submissions(ASSIGNMENT):
                out[s.student_id] = (
                    str(s.timestamp),
                    s.extension,
                    [
                        (
                            nb.name,
                            nb.flagged,
                            nb.late_submission_penalty,
                            sorted(
                                (g.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade)
                                for g in nb.grades
                            ),
                            sorted((c.name, c.auto_comment, c.manual_comment) for c in nb.comments),
                        )
                        for nb in s.notebooks
                    ],
                )
            return out

    ours, theirs = scores(course.db_path), scores(plain / "gradebook.db")
    failed = {s.student for s in graded[2].graded if s.status == "mislukt"}
    tampered = {s.student for s in graded[2].graded if s.overrides}
    for key, value in theirs.items():
        if key[0] in failed:  # plain nbgrader leaves nothing; we record 0 for autograded tests
            assert (value or 0) == (ours[key] or 0), key
        else:
            assert ours[key] == value, key
    ours_full, theirs_full = records(course.db_path), records(plain / "gradebook.db")
    compared = set(theirs_full) - failed - tampered
    assert len(compared) >= 5
    for student in compared:
        assert ours_full[student] == theirs_full[student], student
    for kind, expected in synthetic.PLAIN_NBGRADER.items():
        assert (theirs[(kind, ASSIGNMENT, "test_telling")] or 0) == expected, kind
    # the same submissions failed (nbgrader removes the autograded folder of a failed one)
    assert {p.name for p in (plain / "autograded").iterdir()} == {p.name for p in course.folder("autograded").iterdir()}


def test_rerun_is_idempotent(graded):
    from activering.grading.autograde import nakijken
    from activering.grading.nbapi import gradebook

    course, _, first = graded
    with gradebook(course) as gb:
        before = {s.student_id: s.score for s in gb.assignment_submissions(ASSIGNMENT)}
    again = nakijken(ASSIGNMENT, course, workers=2)
    assert again.graded == [] and set(again.skipped) == set(before)
    with gradebook(course) as gb:
        assert {s.student_id: s.score for s in gb.assignment_submissions(ASSIGNMENT)} == before


def test_regrading_keeps_the_docents_manual_grades(graded):
    """As with plain nbgrader, grading again never wipes a rubric score the docent already gave."""
    from activering.grading.autograde import nakijken
    from activering.grading.nbapi import gradebook

    course, _, _ = graded
    with gradebook(course) as gb:
        grade = gb.find_grade("reflectie", ASSIGNMENT, ASSIGNMENT, "correct")
        grade.manual_score = 1.5
        gb.db.commit()
    try:
        again = nakijken(ASSIGNMENT, course, students=["correct"], opnieuw=True, workers=1)
        assert [s.student for s in again.graded] == ["correct"] and again.graded[0].autoscore == 3.0
        with gradebook(course) as gb:
            assert gb.find_grade("reflectie", ASSIGNMENT, ASSIGNMENT, "correct").manual_score == 1.5
            assert gb.find_submission(ASSIGNMENT, "correct").score == 4.5
    finally:
        with gradebook(course) as gb:
            gb.find_grade("reflectie", ASSIGNMENT, ASSIGNMENT, "correct").manual_score = None
            gb.db.commit()


def test_interrupted_run_resumes(graded):
    from activering.grading.autograde import nakijken
    from activering.grading.nbapi import gradebook
    from activering.grading.status import load_report

    course, _, _ = graded
    release_nb = course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    new = [f"later-{i}" for i in range(3)]
    for sid in new:
        synthetic.make_submission("correct", release_nb, course.folder("submitted") / sid / ASSIGNMENT)

    def stop_after_first(status, done, total):
        if done == 1:
            raise KeyboardInterrupt

    first = nakijken(ASSIGNMENT, course, workers=2, on_progress=stop_after_first)
    assert first.interrupted and len(first.graded) == 1
    report = load_report(course, ASSIGNMENT)
    assert sum(sid in report for sid in new) == 1
    second = nakijken(ASSIGNMENT, course, workers=2)
    assert sorted(s.student for s in second.graded) == sorted(set(new) - {first.graded[0].student})
    with gradebook(course) as gb:
        for sid in new:
            assert gb.find_submission(ASSIGNMENT, sid).score == 3.0


def test_feedback_and_grades(graded):
    from activering.grading.feedback_html import feedback
    from activering.grading.grades import cijfers
    from activering.grading.rubrics import apply_assessments, assessments_path, check_rubric

    course, _, _ = graded
    assert check_rubric(course, ASSIGNMENT) == []
    sheet = assessments_path(course, ASSIGNMENT)
    sheet.parent.mkdir(parents=True, exist_ok=True)
    sheet.write_text(
        "student;vraag;criterium;punten;opmerking\n"
        "correct;reflectie;Wat de telling laat zien;1;Helder\n"
        "correct;reflectie;Grenzen van de cijfers;1;Goed: duur ontbreekt\n"
        "gedeeltelijk;reflectie;Wat de telling laat zien;1;\n",
        encoding="utf-8-sig",
    )
    assert apply_assessments(course, ASSIGNMENT) == 2  # the docent step ``beoordelingen``
    pages = feedback(ASSIGNMENT, course)
    page = pages["correct"].read_text()
    assert "5 van 5 punten" in page and "Grenzen van de cijfers" in page and "Goed: duur ontbreekt" in page
    for sid, path in pages.items():
        text = path.read_text()
        for marker in HIDDEN_MARKERS:
            assert marker not in text, (sid, marker)
    assert "tijdslimiet" in pages["oneindige-lus"].read_text()
    assert "testcel gewijzigd" in pages["testcel-gewijzigd"].read_text()

    result = cijfers(course)
    table = result.table.set_index("student")
    assert table.loc["correct", "cijfer"] == 10.0
    assert table.loc["gedeeltelijk", f"{ASSIGNMENT} punten"] == 3.0
    assert table.loc["blanco", "cijfer"] == 1.0
    raw = result.excel_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = raw.decode("utf-8-sig").splitlines()
    assert header.split(";")[0] == "student" and ";" in header
    assert any(",0;" in row or ",0" in row for row in rows)
    assert "," in result.csv.read_text().splitlines()[0] and result.svg.read_text().startswith("<svg")


def test_cesuur():
    from activering.grading.grades import grade_from_fraction

    cesuur = Cesuur(percentage_voldoende=55)
    assert grade_from_fraction(0.55, cesuur) == 5.5
    assert grade_from_fraction(1.0, cesuur) == 10.0
    assert grade_from_fraction(0.0, cesuur) == 1.0
    assert grade_from_fraction(0.775, cesuur) == 7.8


@pytest.mark.parametrize(
    "name, student, filename",
    [
        ("jansenjan_12345_67890_oefening-1.ipynb", "jansenjan", "oefening.ipynb"),  # Canvas resubmission
        ("jansenjan_LATE_12345_67890_oefening.ipynb", "jansenjan", "oefening.ipynb"),
        ("Jan Jansen_123456_assignsubmission_file_/oefening.ipynb", "jan-jansen", "oefening.ipynb"),  # Moodle
        ("Jan Jansen_123456_assignsubmission_file_oefening.ipynb", "jan-jansen", "oefening.ipynb"),
        ("1-2 - Jan Jansen - 12 sep. 2025 1402 - oefening.ipynb", "jan-jansen", "oefening.ipynb"),  # Brightspace
        ("jan/oefening/oefening.ipynb", "jan", "oefening.ipynb"),  # plain folder
    ],
)
def test_lms_naming(tmp_path, name, student, filename):
    from activering.grading.collect import verzamel

    course = Course.at(tmp_path / "exercises", tmp_path / "grading")
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr(name, "{}")
    result = verzamel(ASSIGNMENT, export, course, notebooks=["oefening.ipynb"])
    assert result.placed == {student: [filename]}, result
    assert (course.folder("submitted") / student / ASSIGNMENT / filename).exists()


@pytest.mark.slow
def test_hard_time_limit_kills_one_student_and_grades_the_rest(tmp_path):
    """A kernel that sleeps past the hard limit per student: worker killed, 0 points, next student graded."""
    import nbformat
    import yaml

    from activering.grading.autograde import nakijken
    from activering.grading.release import vrijgeven

    course = make_course(tmp_path)
    config_file = course.grading_dir / "config.yml"
    settings = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    # generous enough for the correct student on a machine with both cores busy
    settings["nakijken"].update(tijdslimiet_per_cel=120, tijdslimiet_per_student=30)
    config_file.write_text(yaml.safe_dump(settings), encoding="utf-8")
    course = Course.at(course.course_dir, course.grading_dir)
    vrijgeven(ASSIGNMENT, course)
    release_nb = course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    sleeper = synthetic.make_submission("correct", release_nb, course.folder("submitted") / "a-slaapt" / ASSIGNMENT)
    nb = nbformat.read(str(sleeper), as_version=4)
    synthetic._by_id(nb, "antwoord_telling").source += "\nimport time\ntime.sleep(600)"
    nbformat.write(nb, str(sleeper))
    synthetic.make_submission("correct", release_nb, course.folder("submitted") / "b-correct" / ASSIGNMENT)

    run = nakijken(ASSIGNMENT, course, workers=1)
    by_student = {s.student: s for s in run.graded}
    assert by_student["a-slaapt"].status == "mislukt" and "Harde tijdslimiet" in by_student["a-slaapt"].reden
    assert by_student["a-slaapt"].autoscore == 0.0
    assert by_student["b-correct"].status == "nagekeken" and by_student["b-correct"].autoscore == 3.0
    assert not (course.folder("autograded") / "a-slaapt" / ASSIGNMENT).exists()
    assert run.seconds < 200


# --------------------------------------------------------------------------- issue 15: reasons, orphans, locks


def _fresh_course(root: Path) -> Course:
    from activering.grading.release import vrijgeven

    course = make_course(root)
    vrijgeven(ASSIGNMENT, course)
    return course


def test_nested_folder_and_zip_get_a_dutch_reason(tmp_path):
    """A notebook in a subfolder or a zip inside the export: a Dutch reason, no internal text anywhere."""
    from activering.grading.autograde import nakijken
    from activering.grading.feedback_html import feedback
    from activering.grading.grades import cijfers

    course = _fresh_course(tmp_path / "c")
    release_nb = course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    # placed as a plain copy or the hub's exchange would leave them (verzamel may unpack such exports)
    submitted = course.folder("submitted")
    good = synthetic.make_submission("correct", release_nb, submitted / "goed" / ASSIGNMENT)
    nested = submitted / "genest" / ASSIGNMENT / "map"
    nested.mkdir(parents=True)
    shutil.copy(good, nested / good.name)
    (submitted / "ingepakt" / ASSIGNMENT).mkdir(parents=True)
    with zipfile.ZipFile(submitted / "ingepakt" / ASSIGNMENT / f"{ASSIGNMENT}.zip", "w") as zf:
        zf.write(good, f"{ASSIGNMENT}.ipynb")
    run = nakijken(ASSIGNMENT, course, workers=2)
    by = {s.student: s for s in run.graded}
    assert by["goed"].autoscore == 3.0
    assert (
        by["genest"].status == "mislukt"
        and "submap" in by["genest"].reden
        and "map/oefening.ipynb" in by["genest"].reden
    )
    assert (
        by["ingepakt"].status == "mislukt"
        and "ingepakt" in by["ingepakt"].reden
        and "oefening.zip" in by["ingepakt"].reden
    )
    internal = ["/tmp", str(tmp_path), "NbGrader", "Exception", "Traceback", "activering-nakijken", "No notebooks"]
    pages = feedback(ASSIGNMENT, course)
    grades = cijfers(course)
    texts = {"reden " + s: by[s].reden for s in by} | {"pagina " + s: pages[s].read_text() for s in pages}
    texts["cijfers"] = grades.csv.read_text(encoding="utf-8") + grades.excel_csv.read_text(encoding="utf-8-sig")
    for where, text in texts.items():
        for word in internal:
            assert word not in text, (where, word)
    assert "submap" in texts["cijfers"] and "ingepakt" in texts["cijfers"]


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _owned_tempdirs(pids: set[int]) -> list[Path]:
    import tempfile

    found = []
    for folder in Path(tempfile.gettempdir()).glob("activering-*"):
        try:
            owner = int((folder / ".eigenaar").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if owner in pids:
            found.append(folder)
    return found


def test_kill_9_second_run_lock_orphans_and_rerun(tmp_path):
    """kill -9 of `nakijken`: workers and kernels end with it; a second run meanwhile is refused with
    a Dutch line; the rerun removes what the killed run left, grades everyone exactly once, and the
    gradebook is intact. No SQLAlchemy warnings on the terminal."""
    import sqlite3
    import time

    import nbformat

    from activering.grading.nbapi import gradebook
    from activering.grading.status import load_report

    course = _fresh_course(tmp_path / "c")
    release_nb = course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    # Enough students (3 s each, below the 5 s cell limit) that the first run is still grading when the
    # second one has started and been refused, however busy the machine is.
    students = [f"s{i:02d}" for i in range(16)]
    for sid in students:
        path = synthetic.make_submission("correct", release_nb, course.folder("submitted") / sid / ASSIGNMENT)
        nb = nbformat.read(str(path), as_version=4)
        synthetic._by_id(nb, "antwoord_telling").source += "\nimport time\ntime.sleep(3)"
        nbformat.write(nb, str(path))
    cli = [
        str(Path(sys.executable).with_name("activering")),
        "docent",
        "nakijken",
        ASSIGNMENT,
        "-j",
        "2",
        "--cursus",
        str(course.course_dir),
        "--instellingen",
        str(course.grading_dir),
    ]
    log = (tmp_path / "eerste.log").open("w")
    first = subprocess.Popen(cli, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while not load_report(course, ASSIGNMENT) and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.1)
        assert first.poll() is None and load_report(course, ASSIGNMENT), "first run did not start grading"
        second = subprocess.run(cli, capture_output=True, text=True, timeout=300)
        assert second.returncode != 0
        assert "Er loopt al een nakijkronde" in second.stdout + second.stderr, second.stdout + second.stderr
        assert "Traceback" not in second.stdout + second.stderr
        family = _descendants(first.pid)
        left = _owned_tempdirs(family | {first.pid})
        assert family and left, (family, left)
        graded_before = set(load_report(course, ASSIGNMENT))
        os.kill(first.pid, 9)
        first.wait(60)
    finally:
        if first.poll() is None:
            first.kill()
        log.close()
    deadline = time.monotonic() + 120
    while any(_alive(p) for p in family) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in family if _alive(p)] == [], "workers or kernels outlived the killed run"

    rerun = subprocess.run(cli, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "Warning" not in rerun.stdout + rerun.stderr, rerun.stderr
    assert [p for p in left if p.exists()] == [], "leftovers of the killed run were not removed"
    report = load_report(course, ASSIGNMENT)
    assert set(report) == set(students)
    regraded = {line.split()[1] for line in rerun.stdout.splitlines() if line.startswith("│ s")}
    assert regraded and not (regraded & graded_before) and regraded | graded_before >= set(students) - graded_before
    with gradebook(course) as gb:
        subs = gb.assignment_submissions(ASSIGNMENT)
        assert sorted(s.student_id for s in subs) == sorted(students)
        assert all(s.score == 3.0 for s in subs)
    with sqlite3.connect(course.db_path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = con.execute("SELECT student_id, COUNT(*) FROM submitted_assignment GROUP BY student_id").fetchall()
    assert all(n == 1 for _, n in counts) and len(counts) == len(students)


def test_emptied_renamed_repointed_and_unlocked_test_cells(tmp_path):
    """Test cells emptied, renamed, re-pointed to another cell or unlocked: 0 points, flagged, and a
    Dutch reason when nbgrader refuses the notebook (never 'beschadigd JSON' or an internal message)."""
    import copy

    import nbformat

    from activering.grading.autograde import nakijken

    course = _fresh_course(tmp_path / "c")
    release_nb = course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    def emptied(nb):
        synthetic._by_id(nb, "test_telling").source = ""

    def renamed(nb):
        synthetic._by_id(nb, "test_telling").metadata.nbgrader["grade_id"] = "iets_anders"

    def repointed(nb):
        test = synthetic._by_id(nb, "test_telling")
        test.metadata.nbgrader["grade_id"] = "iets_anders"
        fake = nbformat.v4.new_code_cell("punten = 3\npunten")
        fake.metadata = copy.deepcopy(test.metadata)
        fake.metadata.nbgrader["grade_id"] = "test_telling"
        nb.cells.append(fake)

    def unlocked(nb):
        test = synthetic._by_id(nb, "test_telling")
        test.metadata.nbgrader.update(grade=False, locked=False)

    kinds = {"geleegd": emptied, "hernoemd": renamed, "omgeleid": repointed, "ontgrendeld": unlocked}
    for sid, change in kinds.items():
        path = synthetic.make_submission("correct", release_nb, course.folder("submitted") / sid / ASSIGNMENT)
        nb = nbformat.read(str(path), as_version=4)
        change(nb)
        nbformat.write(nb, str(path))
    synthetic.make_submission("correct", release_nb, course.folder("submitted") / "correct" / ASSIGNMENT)
    by = {s.student: s for s in nakijken(ASSIGNMENT, course, workers=2).graded}
    assert by["correct"].autoscore == 3.0 and not by["correct"].signalen
    for sid in kinds:
        status = by[sid]
        assert status.autoscore == 0.0, status
        assert any("test_telling" in s and "geen punten" in s for s in status.signalen), status
        if status.status == "mislukt":
            assert "nbgrader-gegevens van een cel zijn aangepast" in status.reden, status
            assert "JSON" not in status.reden and "Error" not in status.reden
