"""Issue 16, knot 4: one writer of the gradebook, specific errors, nbgrader's plugin points.

* Only :mod:`activering.grading.record` writes a gradebook (checked on the source, and on a
  snippet of the old code so the check itself is known to bite).
* No ``except Exception`` in the library: only the command-line guard catches anything.
* :func:`record_student` writes one student in one commit: a failing write leaves the student's
  previous state, and a broken gradebook gives one Dutch line naming the file.
* The LMS file-name parsing is nbgrader's ``FileNameCollectorPlugin``, used by ``verzamel``
  and by nbgrader's own ``zip_collect``.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys

import pytest

from activering.paths import REPO_ROOT

GRADING = REPO_ROOT / "src" / "activering" / "grading"
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "grading"
sys.path.insert(0, str(FIXTURE))
import synthetic  # noqa: E402

ASSIGNMENT = "oefening"

# Gradebook writes: SQLAlchemy session calls, nbgrader's Gradebook mutators, grade fields, raw SQL.
SESSION_WRITES = {"commit", "flush", "add", "add_all", "delete", "merge", "execute", "executemany", "bulk_save_objects"}
GRADEBOOK_MUTATORS = ("add_", "update_or_create_", "remove_")
GRADE_FIELDS = {"manual_score", "auto_score", "manual_comment", "needs_manual_grade", "extra_credit"}
WRITE_SQL = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "BEGIN")


def gradebook_writes(source: str) -> list[str]:
    """Every place in ``source`` that writes, or could write, a gradebook."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = ast.unparse(node.func.value)
            name = node.func.attr
            text = ast.unparse(node.args[0]) if node.args else ""
            if name == "commit":
                found.append(f"{node.lineno}: {receiver}.commit()")
            elif name in SESSION_WRITES and (receiver.endswith("db") or "session" in receiver):
                found.append(f"{node.lineno}: {receiver}.{name}()")
            elif name.startswith(GRADEBOOK_MUTATORS) and receiver in ("gb", "gradebook", "self.gradebook"):
                found.append(f"{node.lineno}: {receiver}.{name}()")
            elif name in ("execute", "executemany") and any(w in text.upper() for w in WRITE_SQL):
                found.append(f"{node.lineno}: SQL {text[:40]}")
            elif receiver == "sqlite3" and name == "connect" and "mode=ro" not in ast.unparse(node):
                found.append(f"{node.lineno}: sqlite3.connect without mode=ro")
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in GRADE_FIELDS:
                    found.append(f"{node.lineno}: {ast.unparse(target)} = …")
    return found


OLD_STYLE = """
def _record(course, gb, con, rows):
    con.execute("BEGIN IMMEDIATE")
    con.executemany(f"INSERT INTO {table} VALUES (?)", rows)
    gb.update_or_create_student(student)
    grade.manual_score = 0
    gb.db.commit()
"""


def test_the_checker_finds_the_old_kinds_of_writes():
    assert len(gradebook_writes(OLD_STYLE)) == 5


def test_only_record_writes_the_gradebook():
    offenders = {}
    for path in sorted(GRADING.glob("*.py")):
        if path.name == "record.py":
            continue
        found = gradebook_writes(path.read_text(encoding="utf-8"))
        if found:
            offenders[path.name] = found
    assert offenders == {}, offenders
    assert not (GRADING / "submission_rows.py").exists()
    assert gradebook_writes((GRADING / "record.py").read_text(encoding="utf-8"))  # the writer is found too


def broad_handlers(source: str) -> list[int]:
    """Lines of handlers that catch everything and swallow it; a clean-up that re-raises is fine."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler):
            names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            if node.type is None or any(
                isinstance(n, ast.Name) and n.id in ("Exception", "BaseException") for n in names
            ):
                reraises = isinstance(node.body[-1], ast.Raise) and node.body[-1].exc is None
                if not reraises:
                    lines.append(node.lineno)
    return lines


def test_no_broad_except_outside_the_command_line_guard():
    found = {p.name: broad_handlers(p.read_text(encoding="utf-8")) for p in sorted(GRADING.glob("*.py"))}
    found = {name: lines for name, lines in found.items() if lines}
    assert list(found) == ["cli.py"] and len(found["cli.py"]) == 1, found  # cli.guarded, the one boundary


# --------------------------------------------------------------------------- record_student


@pytest.fixture(scope="module")
def released_template(tmp_path_factory):
    from activering.grading.release import vrijgeven

    root = tmp_path_factory.mktemp("vrijgegeven")
    vrijgeven(ASSIGNMENT, synthetic.make_course(root))
    return root


@pytest.fixture
def course(released_template, tmp_path):
    from activering.grading.config import Course

    shutil.copytree(released_template, tmp_path / "cursus")
    return Course.at(tmp_path / "cursus" / "exercises", tmp_path / "cursus" / "grading")


def grades_of(course, student):
    from activering.grading.nbapi import gradebook

    with gradebook(course) as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return {(nb.name, g.name): (g.auto_score, g.manual_score) for nb in sub.notebooks for g in nb.grades}


def test_a_failed_submission_is_recorded_in_one_commit(course):
    from activering.grading import record

    written = record.record_student(course, ASSIGNMENT, record.StudentRecord("jan", failed=True))
    assert written.autoscore == 0 and written.max_autoscore == 3.0
    grades = grades_of(course, "jan")
    assert grades[(ASSIGNMENT, "test_telling")] == (0, None)
    # a tampered test: manual score 0, recorded as an override that the next run undoes
    written = record.record_student(
        course,
        ASSIGNMENT,
        record.StudentRecord("jan", penalties=[(ASSIGNMENT, "test_telling"), (ASSIGNMENT, "bestaat-niet")]),
    )
    assert written.overrides == [[ASSIGNMENT, "test_telling"]]
    assert grades_of(course, "jan")[(ASSIGNMENT, "test_telling")] == (0, 0)
    record.record_student(course, ASSIGNMENT, record.StudentRecord("jan", clear=written.overrides))
    assert grades_of(course, "jan")[(ASSIGNMENT, "test_telling")] == (0, None)


def test_a_failing_write_keeps_the_previous_state(course):
    from activering.grading import record
    from activering.grading.nbapi import gradebook

    record.record_student(course, ASSIGNMENT, record.StudentRecord("jan", failed=True))
    before = grades_of(course, "jan")
    rows = record.read_rows(course.db_path, ASSIGNMENT, "jan", course)
    columns, values = rows["grade"]
    rows["grade"] = (columns, values + values[:1])  # a duplicate primary key: the insert fails halfway
    with pytest.raises(record.GradebookWriteError, match="jan.*niets veranderd"):
        record.record_student(course, ASSIGNMENT, record.StudentRecord("jan", rows=rows, failed=True))
    assert grades_of(course, "jan") == before
    with gradebook(course) as gb:
        assert [s.student_id for s in gb.assignment_submissions(ASSIGNMENT)] == ["jan"]


def test_a_broken_gradebook_is_one_dutch_line(course):
    from activering.grading import record
    from activering.grading.config import DocentError

    course.db_path.write_bytes(b"geen SQLite" * 200)
    before = course.db_path.read_bytes()
    with pytest.raises(DocentError, match="gradebook.db is beschadigd"):
        record.record_student(course, ASSIGNMENT, record.StudentRecord("jan", failed=True))
    assert course.db_path.read_bytes() == before


# --------------------------------------------------------------------------- FileNameCollectorPlugin


@pytest.mark.parametrize(
    "path, expected",
    [
        ("148701-204501 - Jan Jansen - 12 sep. 2025 1402 - oefening.ipynb", ("brightspace", "Jan Jansen", "204501")),
        ("jansenjan_204501_5550501_oefening.ipynb", ("canvas", "jansenjan", "204501")),
        ("jansenjan_LATE_204501_5550501_oefening-1.ipynb", ("canvas", "jansenjan", "204501")),
        ("Jan Jansen_204501_assignsubmission_file_/oefening.ipynb", ("moodle", "Jan Jansen", "204501")),
        ("jan/oefening.ipynb", None),
    ],
)
def test_lms_names_through_the_collector_plugin(path, expected):
    from nbgrader.plugins import FileNameCollectorPlugin

    from activering.grading.collect import LmsFileNameCollector

    plugin = LmsFileNameCollector()
    assert isinstance(plugin, FileNameCollectorPlugin)
    info = plugin.collect(path)
    if expected is None:
        assert info is None
    else:
        assert (info["lms"], info["name"], info["uid"]) == expected
        assert info["student_id"] == "204501" and info["file_id"].startswith("oefening")


def test_nbgrader_zip_collect_uses_the_plugin(course, tmp_path):
    """nbgrader's own ``zip_collect`` with ``--collector`` puts a Brightspace export in submitted/."""
    downloaded = course.course_dir / "downloaded" / ASSIGNMENT / "archive"
    downloaded.mkdir(parents=True)
    release_nb = course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = synthetic.make_submission("correct", release_nb, tmp_path / "jan")
    import zipfile

    with zipfile.ZipFile(downloaded / "export.zip", "w") as zf:
        zf.write(notebook, f"148701-204501 - Jan Jansen - 12 sep. 2025 1402 - {notebook.name}")
        zf.writestr("index.html", "<html></html>")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            "zip_collect",
            ASSIGNMENT,
            "--collector=activering.grading.collect.LmsFileNameCollector",
        ],
        cwd=course.course_dir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    placed = course.folder("submitted") / "204501" / ASSIGNMENT / notebook.name
    assert json.loads(placed.read_text(encoding="utf-8"))["cells"] == json.loads(notebook.read_text())["cells"]
