"""The four graded exercises in the nbgrader course folder ``exercises/``.

Checks on the sources (a MyST file per assignment whose notebook is committed in sync with it, no
outputs, valid nbgrader metadata, rubric per reflection question, the modules in grading/config.yml),
then a real nbgrader run on a temporary copy of the course: ``generate_assignment`` must strip every
solution and hidden test and leave the MyST source behind, the instructor's solution must score full
marks on the autograded parts, and the blank student version handed in as-is must score zero.
Nothing is written in the repository (no gradebook).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from activering.grading.config import Course, load_config
from activering.grading.sources import out_of_sync, read_source
from activering.paths import REPO_ROOT

COURSE = REPO_ROOT / "exercises"
RUBRICS = REPO_ROOT / "grading" / "rubrics"
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
CITATION = re.compile(r"\(Van der Aa, 2012, §\d+(\.\d+)*")
#: a visible test checks something: an assert of its own, or a shape test from the package
CHECKS = re.compile(r"\bassert\b|^\s*(per_gemeente_vorm|percentage_vorm)\(", re.M)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "Voorbeeldantwoord")
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())


def _source(name: str) -> Path:
    """The committed notebook nbgrader reads (made from, and kept in sync with, ``<name>.md``)."""
    return COURSE / "source" / name / f"{name}.ipynb"


def _nb(path: Path):
    return nbformat.read(str(path), as_version=4)


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _is_test(cell) -> bool:
    m = _meta(cell)
    return cell.cell_type == "code" and m.get("grade") and not m.get("solution")


def _is_answer(cell) -> bool:
    m = _meta(cell)
    return cell.cell_type == "code" and m.get("solution") and not m.get("grade")


def _is_manual(cell) -> bool:
    m = _meta(cell)
    return cell.cell_type == "markdown" and m.get("solution") and m.get("grade")


# --------------------------------------------------------------------------------------------
# the source notebooks
# --------------------------------------------------------------------------------------------


def test_every_assignment_is_a_myst_source_with_its_notebook_in_sync():
    assert ASSIGNMENTS == ["caseload-verkennen", "contact-en-uitstroom", "diagnose-en-trede", "sancties-in-cijfers"]
    for name in ASSIGNMENTS:
        folder = COURSE / "source" / name
        assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [f"{name}.ipynb", f"{name}.md"]
        assert not out_of_sync(folder), (
            f"{name}: {name}.ipynb past niet bij {name}.md; maak hem opnieuw (uv run python -m activering.grading.sources)"
        )
        assert read_source(folder / f"{name}.md") == _nb(_source(name))


def test_modules_of_each_assignment_in_config():
    """grading/config.yml names the module folder(s) of every assignment; the intro says the same."""
    settings = load_config(REPO_ROOT / "grading")
    assert sorted(settings.opdrachten) == ASSIGNMENTS
    for name in ASSIGNMENTS:
        modules = settings.opdrachten[name].modules
        assert modules and all((REPO_ROOT / "modules" / m / "index.md").exists() for m in modules), name
        intro = _nb(_source(name)).cells[0].source
        said = re.search(r"^\*Hoort bij (module.*?)\.\*$", intro, flags=re.M)
        assert said, f"{name}: de inleiding noemt niet bij welke module(s) de opdracht hoort"
        assert sorted(re.findall(r"module (\d+)", said.group(1))) == sorted(str(int(m[:2])) for m in modules), name


def test_shape_helpers_say_what_is_wrong(capsys):
    """The package's shape tests fail with the same Dutch messages the test cells always had."""
    from activering.vormtoetsen import per_gemeente_vorm, percentage_vorm

    clients = pd.DataFrame({"gemeente": ["Lindeveen", "Havenmonde", "Duinwijck", "Lindeveen"]})
    good = pd.Series([10.0, 55.5, 100.0], index=["Lindeveen", "Havenmonde", "Duinwijck"])
    percentage_vorm(good, "kansrijk_pct", clients)
    assert capsys.readouterr().out == "Vorm in orde.\n"
    cases = [
        (lambda: percentage_vorm(good.to_frame(), "kansrijk_pct", clients), "kansrijk_pct moet een pandas Series zijn"),
        (lambda: percentage_vorm(good.iloc[:2], "kansrijk_pct", clients), "verwacht één percentage per gemeente"),
        (lambda: percentage_vorm(good / 100 - 0.5, "kansrijk_pct", clients), "een percentage ligt tussen 0 en 100"),
        (lambda: percentage_vorm(good * 2, "kansrijk_pct", clients), "een percentage ligt tussen 0 en 100"),
        (
            lambda: per_gemeente_vorm(
                good - 50, "sanctiegraad", clients, minimum=0, melding="een sanctiegraad kan niet negatief zijn"
            ),
            "een sanctiegraad kan niet negatief zijn",
        ),
        (
            lambda: per_gemeente_vorm(good.iloc[:1], "gem_contact", clients, minimum=0, melding="x"),
            "verwacht één waarde per gemeente",
        ),
    ]
    for call, message in cases:
        with pytest.raises(AssertionError) as failed:
            call()
        assert str(failed.value) == message
    assert capsys.readouterr().out == ""
    # a missing value (a gemeente without data) is left out, as before
    per_gemeente_vorm(
        pd.concat([good, pd.Series([None], index=["Elders"])]), "gem_contact", clients, minimum=0, melding="x"
    )


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_has_no_outputs_and_valid_metadata(name):
    from nbgrader.nbgraderformat import MetadataValidator, ValidationError

    nb = _nb(_source(name))
    nbformat.validate(nb)
    try:
        MetadataValidator().validate_nb(nb)
    except ValidationError as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"{name}: ongeldige nbgrader-metadata: {exc}")
    assert nb.metadata["kernelspec"]["name"] == "python3"

    ids = []
    for cell in nb.cells:
        m = _meta(cell)
        assert m, f"{name}: cel zonder nbgrader-metadata: {cell.source[:60]!r}"
        assert m.get("schema_version") == 3
        ids.append(m["grade_id"])
        assert cell.id == m["grade_id"], "cel-id en grade_id horen gelijk te zijn (reproduceerbaar)"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}/{m['grade_id']}: uitvoer opgeslagen"
        if m.get("grade"):
            assert m.get("points", 0) > 0, f"{name}/{m['grade_id']}: punten moeten > 0 zijn"
        if not m.get("solution"):
            assert m.get("locked"), f"{name}/{m['grade_id']}: instructie- en testcellen horen read-only te zijn"
    assert len(ids) == len(set(ids)), f"{name}: grade_ids zijn niet uniek"

    intro = nb.cells[0]
    assert intro.cell_type == "markdown" and intro.source.startswith("# Opdracht")
    assert CITATION.search(intro.source), f"{name}: de inleiding verwijst niet naar de bron met vindplaats"
    setup = [
        c for c in nb.cells if c.cell_type == "code" and not _meta(c).get("solution") and not _meta(c).get("grade")
    ]
    assert setup and re.search(r"^from activering\.data import (\w+, )*load_table\b", setup[0].source, flags=re.M)
    # The data cell also imports beschikbaar: tests that need a column a trainer's own export lacks skip with a message.
    assert re.search(r"^from activering\.data import .*\bbeschikbaar\b", setup[0].source, flags=re.M)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_answers_tests_and_rubric(name):
    nb = _nb(_source(name))
    cells = nb.cells
    answers = [i for i, c in enumerate(cells) if _is_answer(c)]
    assert 4 <= len(answers) <= 6, f"{name}: verwacht 4 tot 6 automatisch nagekeken antwoordcellen"
    graded_tests = [c for c in cells if _is_test(c)]
    assert len(graded_tests) >= 2 * len(answers) - 1, f"{name}: te weinig testcellen voor deelpunten"

    for i in answers:
        answer = cells[i]
        assert len(SOLUTION.findall(answer.source)) == 1, f"{name}/{answer.id}: oplossing zonder markeringen"
        following = []
        for cell in cells[i + 1 :]:
            if not _is_test(cell):
                break
            following.append(cell)
        assert following, f"{name}/{answer.id}: geen testcel direct na het antwoord"
        assert any(HIDDEN.search(c.source) for c in following), f"{name}/{answer.id}: geen verborgen tests"
        for test in following:
            visible = HIDDEN.sub("", test.source)
            assert CHECKS.search(visible), f"{name}/{test.id}: de zichtbare test controleert niets"
            compile(visible, f"{name}/{test.id}", "exec")  # what students get must still be valid Python
            # Visible tests check form and sanity, never the answer itself or a hash of it.
            assert not re.search(r"hashlib|sha\d|md5|\.hexdigest", test.source), f"{name}/{test.id}: hash in test"
            assert not re.search(r"==\s*-?\d+\.\d+", visible), f"{name}/{test.id}: vergelijkt met een vast getal"
            for hidden in HIDDEN.findall(test.source):
                # Expected values are recomputed from the data, never typed in.
                assert "load_table(" in hidden, f"{name}/{test.id}: verborgen test rekent niet na uit de data"
                assert not re.search(r"==\s*-?\d+\.\d+|[<>]=?\s*\d{2,}", hidden), f"{name}/{test.id}: vaste uitkomst"

    # The points announced in each question heading are the points of the graded cells under it.
    headings = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## Vraag")]
    for start, end in zip(headings, headings[1:] + [len(cells)]):
        announced = re.search(r"\((\d+) punten", cells[start].source)
        assert announced, f"{name}: vraag zonder puntenaantal: {cells[start].source[:40]!r}"
        graded = sum(_meta(c).get("points", 0) for c in cells[start:end] if _meta(c).get("grade"))
        assert int(announced.group(1)) == graded, (
            f"{name}: {cells[start].source[:30]!r} noemt {announced.group(1)}, cellen geven {graded}"
        )

    manual = [c for c in cells if _is_manual(c)]
    assert manual, f"{name}: geen met de hand nagekeken reflectievraag"
    rubric_path = RUBRICS / f"{name}.yml"
    assert rubric_path.exists(), f"rubric ontbreekt: {rubric_path}"
    rubric = yaml.safe_load(rubric_path.read_text(encoding="utf-8"))
    assert rubric["opdracht"] == name
    for cell in manual:
        gid = _meta(cell)["grade_id"]
        assert gid in rubric["vragen"], f"{name}: geen rubric voor {gid}"
        criteria = rubric["vragen"][gid]["criteria"]
        assert criteria and all(len(c["niveaus"]) >= 2 for c in criteria)
        for criterion in criteria:
            for level in criterion["niveaus"]:
                assert len(level["omschrijving"]) >= 15
        top = sum(max(level["punten"] for level in c["niveaus"]) for c in criteria)
        assert top == _meta(cell)["points"], (
            f"{name}/{gid}: rubric ({top}) en cel ({_meta(cell)['points']}) verschillen"
        )


# --------------------------------------------------------------------------------------------
# a real nbgrader run on a temporary course
# --------------------------------------------------------------------------------------------


def _nbgrader(course: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    # nbgrader's Gradebook runs the `alembic` script when it creates a database: it must be on PATH.
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True, timeout=timeout, env=env
    )
    assert result.returncode == 0, (
        f"nbgrader {' '.join(args)} faalde:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    return result


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory) -> Path:
    """Release every assignment, hand in the instructor's solution and the blank version, autograde.

    One ``generate_assignment`` and one ``autograde`` run cover all assignments (the name is a
    glob), which keeps nbgrader's start-up cost out of the loop.
    """
    from activering.grading.nbconfig import course_config

    course = tmp_path_factory.mktemp("cursus")
    shutil.copytree(COURSE / "source", course / "source")
    # The course's own list of files nbgrader never copies (the MyST sources among them); no sandbox here.
    ignore = list(course_config(Course.default()).CourseDirectory.ignore)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'toets'\n"
        f"c.CourseDirectory.db_url = {('sqlite:///' + str(course / 'gradebook.db'))!r}\n"
        f"c.CourseDirectory.ignore = {ignore!r}\n"
        "c.Execute.timeout = 120\n",
        encoding="utf-8",
    )
    _nbgrader(course, "generate_assignment", "*", "--force")
    for name in ASSIGNMENTS:
        assert (course / "release" / name / f"{name}.ipynb").exists(), f"{name}: geen studentversie gemaakt"
        for student, origin in (("docent", course / "source"), ("leeg", course / "release")):
            target = course / "submitted" / student / name
            target.mkdir(parents=True)
            shutil.copy(origin / name / f"{name}.ipynb", target / f"{name}.ipynb")
    _nbgrader(course, "autograde", "*", "--force")
    return course


@pytest.mark.slow  # nbgrader runs the notebooks in kernels
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_contains_no_solutions_or_hidden_tests(graded_course, name):
    folder = graded_course / "release" / name
    # Only the student notebook: the MyST source (with every solution) stays behind, also when grading.
    assert sorted(p.name for p in folder.rglob("*")) == [f"{name}.ipynb"], f"{name}: meer dan het notebook vrijgegeven"
    for student in ("docent", "leeg"):
        graded = graded_course / "autograded" / student / name
        assert not list(graded.rglob("*.md")), f"{name}: de bron staat in de nakijkmap waar studentcode draait"
    release = _nb(folder / f"{name}.ipynb")
    source = _nb(_source(name))
    text = nbformat.writes(release)
    for marker in MARKERS:
        assert marker not in text, f"{name}: '{marker}' staat in de studentversie"
    released = {c.id: c for c in release.cells}
    for cell in source.cells:
        secrets = SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source)
        if _is_manual(cell):
            secrets.append(cell.source)
        for block in secrets:
            for line in block.splitlines():
                line = line.strip()
                if len(line) > 12 and not line.startswith("#"):
                    assert line not in released[cell.id].source, (
                        f"{name}/{cell.id}: geheime regel vrijgegeven: {line!r}"
                    )
    for cell in release.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
        if _is_test(cell):
            assert CHECKS.search(cell.source), f"{name}/{cell.id}: zichtbare test is leeg"


def _grades(course: Path, name: str, student: str):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(name, student)
        rows = [(g.name, g.cell_type, g.auto_score, g.max_score) for nb in submission.notebooks for g in nb.grades]
        return rows, submission.score, submission.max_score


@pytest.mark.slow  # nbgrader runs the notebooks in kernels
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_instructor_solution_scores_full_marks(graded_course, name):
    rows, _score, _max = _grades(graded_course, name, "docent")
    code = [r for r in rows if r[1] == "code"]
    assert code, f"{name}: geen automatisch nagekeken cellen in het cijferboek"
    failed = [gid for gid, _t, auto, top in code if auto != top]
    assert not failed, f"{name}: de docentuitwerking haalt niet alle punten voor {failed}"
    manual = [r for r in rows if r[1] == "markdown"]
    assert manual and all(auto is None for _g, _t, auto, _m in manual), "reflectie hoort handmatig nagekeken te worden"


@pytest.mark.slow  # nbgrader runs the notebooks in kernels
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_blank_release_scores_zero(graded_course, name):
    rows, score, max_score = _grades(graded_course, name, "leeg")
    assert max_score > 0
    assert all((auto or 0) == 0 for _g, _t, auto, _m in rows), f"{name}: lege inzending krijgt punten: {rows}"
    assert score == 0
