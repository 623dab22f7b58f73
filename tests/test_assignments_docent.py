"""The four real assignments through the docent's own pipeline, sandbox and limits included.

`test_assignments.py` checks them with plain nbgrader; here they go through `vrijgeven` and
`nakijken` as a docent runs them: the instructor's solution must score full marks and the blank
release zero, inside bubblewrap with the course's memory limit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from activering.grading.config import Course
from activering.paths import REPO_ROOT

ASSIGNMENTS = sorted(path.name for path in (REPO_ROOT / "exercises" / "source").iterdir() if path.is_dir())


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    root = tmp_path_factory.mktemp("docent")
    shutil.copytree(REPO_ROOT / "exercises" / "source", root / "exercises" / "source")
    shutil.copy(REPO_ROOT / "exercises" / "nbgrader_config.py", root / "exercises")
    shutil.copytree(REPO_ROOT / "grading", root / "grading", ignore=shutil.ignore_patterns("beoordelingen"))
    return Course.at(root / "exercises", root / "grading")


def hand_in(course: Course, student: str, assignment: str, notebook: Path) -> None:
    target = course.folder("submitted") / student / assignment / f"{assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, target)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_full_marks_blank_zero_in_the_sandbox(course, assignment):
    from activering.grading.autograde import nakijken
    from activering.grading.release import vrijgeven

    vrijgeven(assignment, course)
    hand_in(course, "docent", assignment, course.folder("source") / assignment / f"{assignment}.ipynb")
    hand_in(course, "leeg", assignment, course.folder("release") / assignment / f"{assignment}.ipynb")
    run = nakijken(assignment, course, workers=2)
    scores = {status.student: status for status in run.graded}
    solution, blank = scores["docent"], scores["leeg"]
    assert solution.status == "nagekeken", solution
    assert solution.max_autoscore > 0 and solution.autoscore == solution.max_autoscore, solution
    assert blank.status == "nagekeken" and blank.autoscore == 0.0, blank
