"""The one module that writes nbgrader's gradebook for ``activering docent``.

Everything the docent's steps put in a gradebook goes through here, each write in one
``Gradebook`` session with one commit:

* :func:`record_student` — after a grading worker ran nbgrader's own ``Autograde`` on a private
  copy of the gradebook, put what nbgrader wrote there for the student (submission, notebooks,
  grades and comments, read with :func:`read_rows`) in place of the student's old rows in the real
  gradebook, together with this tool's own scores: 0 for every test of a submission that could
  not be graded, and manual score 0 for tests whose locked cells were tampered with. One session
  and one commit per student: a crash leaves the student's previous state, never half of it.
* :func:`clear_overrides` — undo last run's tampering zeros in a worker's private copy before
  nbgrader grades the student again.
* :func:`apply_rubric_scores` — the explicit docent step ``beoordelingen``: the rubric scores of
  ``grading/beoordelingen/<opdracht>.csv`` become nbgrader's manual scores and comments, all
  rows in one commit.

Nothing else in :mod:`activering.grading` writes a gradebook (``tests/test_grading_record.py``
checks that). Rows are moved with SQLAlchemy on nbgrader's own tables, so the real gradebook
ends up as if nbgrader had graded the student on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import (
    Comment,
    Grade,
    MissingEntry,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
)
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from activering.grading.config import Course, DocentError
from activering.grading.nbapi import gradebook

# Tables nbgrader's Autograde writes for one student, parents first.
TABLES = ("submitted_assignment", "submitted_notebook", "grade", "comment")
Rows = dict[str, tuple[list[str], list[tuple]]]  # table (and "student") -> (column names, rows)


class GradebookWriteError(DocentError):
    """The gradebook could not be written; nothing of this write was kept."""


class ScoreTooHighError(DocentError):
    """A rubric score above what the cell allows; nothing of this write was kept."""


def _table(name: str):
    return SubmittedAssignment.metadata.tables[name]


def _where(name: str, assignment: str, student: str):
    """A condition selecting the rows of table ``name`` that belong to (student, assignment)."""
    sa, a = _table("submitted_assignment"), _table("assignment")
    submission = (
        select(sa.c.id).join(a, sa.c.assignment_id == a.c.id).where(sa.c.student_id == student, a.c.name == assignment)
    )
    table = _table(name)
    if name == "submitted_assignment":
        return table.c.id.in_(submission)
    sn = _table("submitted_notebook")
    notebooks = select(sn.c.id).where(sn.c.assignment_id.in_(submission))
    if name == "submitted_notebook":
        return table.c.id.in_(notebooks)
    return table.c.notebook_id.in_(notebooks)


def read_rows(db: Path, assignment: str, student: str, course: Course) -> Rows:
    """The student's row and all autograde rows of one submission in ``db``, as nbgrader stored them."""
    rows: Rows = {}
    with gradebook(course, f"sqlite:///{db}") as gb:
        for name in TABLES:
            table = _table(name)
            result = gb.db.execute(select(table).where(_where(name, assignment, student)))
            rows[name] = (list(result.keys()), [tuple(r) for r in result])
        student_table = _table("student")
        result = gb.db.execute(select(student_table).where(student_table.c.id == student))
        rows["student"] = (list(result.keys()), [tuple(r) for r in result])
    return rows


def _replace_rows(gb, assignment: str, student: str, rows: Rows) -> None:
    for name in reversed(TABLES):  # children first
        gb.db.execute(delete(_table(name)).where(_where(name, assignment, student)))
    columns, values = rows["student"]
    if values and gb.db.get(Student, student) is None:
        gb.db.execute(insert(_table("student")), [dict(zip(columns, v)) for v in values])
    for name in TABLES:
        columns, values = rows[name]
        if values:
            gb.db.execute(insert(_table(name)), [dict(zip(columns, v)) for v in values])


def _find_grade(gb, notebook: str, grade_id: str, assignment: str, student: str) -> Grade | None:
    try:
        return gb.find_grade(grade_id, notebook, assignment, student)
    except MissingEntry:
        return None


def _clear(gb, assignment: str, student: str, overrides: list[list[str]]) -> None:
    for notebook, grade_id in overrides:
        grade = _find_grade(gb, notebook, grade_id, assignment, student)
        if grade is not None and grade.manual_score == 0:
            grade.manual_score = None


def _is_test_grade(grade) -> bool:
    """Autograded tests are code grade cells that are not also solution (answer) cells."""
    cell = grade.cell
    return cell.cell_type == "code" and cell.name not in {c.name for c in cell.notebook.solution_cells}


def _submission(gb, assignment: str, student: str) -> SubmittedAssignment:
    """The student's submission; a new one shaped like nbgrader's ``add_submission`` (uncommitted)."""
    try:
        return gb.find_submission(assignment, student)
    except MissingEntry:
        pass
    row = gb.db.get(Student, student)
    if row is None:
        row = Student(id=student)
        gb.db.add(row)
    with gb.db.no_autoflush:  # build the whole submission before SQLAlchemy writes any of it
        submission = SubmittedAssignment(assignment=gb.find_assignment(assignment), student=row)
        for notebook in submission.assignment.notebooks:
            nb = SubmittedNotebook(notebook=notebook, assignment=submission)
            for cell in notebook.grade_cells:
                Grade(cell_id=cell.id, notebook=nb)
            for cell in [*notebook.solution_cells, *notebook.task_cells]:
                Comment(cell_id=cell.id, notebook=nb)
            for cell in notebook.task_cells:
                Grade(cell_id=cell.id, notebook=nb)
        gb.db.add(submission)
    gb.db.flush()
    return submission


def _zero_tests(gb, assignment: str, student: str) -> None:
    """A failed submission gets 0 for every autograded test (as nbgrader does for a missing file)."""
    for nb in _submission(gb, assignment, student).notebooks:
        for grade in nb.grades:
            if _is_test_grade(grade):
                grade.auto_score = 0
                grade.needs_manual_grade = False


@dataclass
class StudentRecord:
    """What to write for one graded student."""

    student: str
    rows: Rows | None = None  # nbgrader's rows from the worker's gradebook copy
    clear: list[list[str]] = field(default_factory=list)  # last run's tampering zeros to undo first
    failed: bool = False  # 0 for every autograded test
    penalties: list[tuple[str, str]] = field(default_factory=list)  # (notebook, grade_id): manual score 0


@dataclass
class Recorded:
    overrides: list[list[str]]  # the penalties that found their grade
    autoscore: float
    max_autoscore: float


def record_student(course: Course, assignment: str, what: StudentRecord) -> Recorded:
    """Write one student's grading result in one gradebook session with one commit."""
    student = what.student
    try:
        with gradebook(course) as gb:
            _clear(gb, assignment, student, what.clear)
            if what.rows is not None:
                _replace_rows(gb, assignment, student, what.rows)
            if what.failed:
                _zero_tests(gb, assignment, student)
            overrides = []
            for notebook, grade_id in what.penalties:
                grade = _find_grade(gb, notebook, grade_id, assignment, student)
                if grade is not None:
                    grade.manual_score = 0
                    overrides.append([notebook, grade_id])
            gb.db.commit()
            score, maximum = _autograde_totals(gb, assignment, student)
    except (SQLAlchemyError, MissingEntry) as exc:
        raise GradebookWriteError(
            f"Kan het cijferboek {course.db_path} niet bijwerken voor student {student} "
            f"({type(exc).__name__}); er is voor deze student niets veranderd."
        ) from exc
    return Recorded(overrides, score, maximum)


def _autograde_totals(gb, assignment: str, student: str) -> tuple[float, float]:
    """Points of the autograded test cells (after overrides) and their maximum."""
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return 0.0, 0.0
    score = maximum = 0.0
    for nb in submission.notebooks:
        for grade in nb.grades:
            if _is_test_grade(grade):
                score += grade.score or 0.0
                maximum += grade.max_score or 0.0
    return score, maximum


def clear_overrides(course: Course, assignment: str, student: str, overrides: list[list[str]], db_url: str) -> None:
    """Undo the zero scores this tool gave for tampering last time (in a worker's private copy)."""
    if not overrides:
        return
    with gradebook(course, db_url) as gb:
        _clear(gb, assignment, student, overrides)
        gb.db.commit()


def expected_rubric_scores(scores: dict) -> dict[tuple[str, str], tuple[float, str | None]]:
    """(student, grade_id) -> (manual score, manual comment) as the sheet ``scores`` gives them."""
    out = {}
    for sid, questions in scores.items():
        for gid, rows in questions.items():
            remarks = [f"{r['criterium']}: {r['opmerking']}" for r in rows if r["opmerking"]]
            out[(sid, gid)] = (sum(r["punten"] for r in rows), "\n".join(remarks) or None)
    return out


def rubric_cells(gb, assignment: str, scores: dict):
    """Each graded answer cell the sheet ``scores`` scores, as (student, grade_id, points, comment text,
    nbgrader Grade, nbgrader Comment). Students or questions without such a cell are left out."""
    notebooks = [nb.name for nb in gb.find_assignment(assignment).notebooks]
    for (sid, gid), (points, comment_text) in expected_rubric_scores(scores).items():
        for nb in notebooks:
            try:
                grade = gb.find_grade(gid, nb, assignment, sid)
                comment = gb.find_comment(gid, nb, assignment, sid)
            except MissingEntry:
                continue
            yield sid, gid, points, comment_text, grade, comment


def apply_rubric_scores(course: Course, assignment: str, scores: dict, rubric) -> int:
    """Write checked rubric scores (see :func:`activering.grading.rubrics.read_assessments`) as
    nbgrader's manual score and comment of the answer cells, all in one commit. Students or
    questions without a graded cell are skipped (the caller reports them). Returns the count."""
    count = 0
    try:
        with gradebook(course) as gb:
            for sid, gid, points, comment_text, grade, comment in rubric_cells(gb, assignment, scores):
                maximum = rubric.vragen[gid].max_punten if rubric and gid in rubric.vragen else grade.max_score
                # every value was checked against the rubric's levels when the sheet was read
                if points > maximum + 1e-9:
                    raise ScoreTooHighError(
                        f"Vraag {gid}: {points:g} punten voor student {sid}, maar de cel geeft maximaal {maximum:g}."
                    )
                grade.manual_score = points
                grade.needs_manual_grade = False
                comment.manual_comment = comment_text
                count += 1
            gb.db.commit()
    except SQLAlchemyError as exc:
        raise GradebookWriteError(
            f"Kan de beoordelingen van '{assignment}' niet in het cijferboek {course.db_path} "
            f"zetten ({type(exc).__name__}); er is niets veranderd."
        ) from exc
    return count
