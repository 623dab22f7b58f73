"""The assignments through the docent's own pipeline.

`test_assignments.py` checks the four real ones with plain nbgrader; here they go through `vrijgeven`
and `nakijken` as a docent runs them: the instructor's solution must score full marks and the blank
release zero, inside bubblewrap with the course's memory limit. Then a docent adds an assignment of
their own (a folder with a MyST source) and releases it with `activering docent vrijgeven`; broken
sources and config entries are refused in one Dutch line.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
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


@pytest.mark.slow  # kernels in the bubblewrap sandbox
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
    # The MyST source (with every solution) is in no folder where student code ran or that students get back.
    for kind in ("release", "autograded", "feedback"):
        assert not list(course.folder(kind).rglob(f"{assignment}.md")), kind


# --------------------------------------------------------------------------------------------
# a docent adds an assignment: a folder with a MyST source, then `activering docent vrijgeven`
# --------------------------------------------------------------------------------------------

NEW = "nieuwe-opdracht"
SECRETS = ("GEHEIM-OPLOSSING", "GEHEIM-VERBORGEN-TEST", "GEHEIM-MODELANTWOORD")
MYST = """---
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

+++ {"nbgrader": {"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}}

# Opdracht: tellen per trede

Tel hoeveel cliënten er op elke trede staan.

```{code-cell} ipython3
---
nbgrader: {grade: false, grade_id: antwoord, locked: false, schema_version: 3, solution: true, task: false}
---
treden = [1, 2, 2, 3]
### BEGIN SOLUTION
telling = {t: treden.count(t) for t in set(treden)}  # GEHEIM-OPLOSSING
### END SOLUTION
```

```{code-cell} ipython3
---
nbgrader: {grade: true, grade_id: test_telling, locked: true, points: 2, schema_version: 3, solution: false, task: false}
---
assert isinstance(telling, dict), "telling moet een dict zijn"
### BEGIN HIDDEN TESTS
assert telling == {1: 1, 2: 2, 3: 1}, "GEHEIM-VERBORGEN-TEST"
### END HIDDEN TESTS
```

+++ {"nbgrader": {"grade": true, "grade_id": "reflectie", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}}

Voorbeeldantwoord: GEHEIM-MODELANTWOORD over de verdeling van de treden.
"""

#: (what, change to the source, words the one Dutch line must hold)
HOSTILE = [
    (
        "testcel zonder nbgrader-gegevens",
        lambda s: s.replace(
            "---\nnbgrader: {grade: true, grade_id: test_telling, locked: true, points: 2, schema_version: 3, "
            "solution: false, task: false}\n---\n",
            "",
        ),
        "geen nbgrader-gegevens",
    ),
    ("dubbele grade_id", lambda s: s.replace("grade_id: test_telling", "grade_id: antwoord"), "komt twee keer voor"),
    ("oplossing zonder einde", lambda s: s.replace("### END SOLUTION\n", ""), "zonder 'END SOLUTION'"),
    ("verborgen test zonder begin", lambda s: s.replace("### BEGIN HIDDEN TESTS\n", ""), "zonder 'BEGIN HIDDEN TESTS'"),
    (
        "kapotte JSON na +++",
        lambda s: s.replace('"task": false}}\n\nVoorbeeld', '"task": false}\n\nVoorbeeld'),
        "niet te lezen",
    ),
    ("punten zonder aantal", lambda s: s.replace("points: 2, ", ""), "'points'"),
    (
        "code-cel niet afgesloten",
        lambda s: s.replace("### END HIDDEN TESTS\n```\n", "### END HIDDEN TESTS\n"),
        "niet afgesloten",
    ),
    (
        "verborgen test in de antwoordcel",
        lambda s: s.replace(
            "### END SOLUTION\n", "### END SOLUTION\n### BEGIN HIDDEN TESTS\nassert telling\n### END HIDDEN TESTS\n"
        ),
        "verborgen tests horen in een testcel",
    ),
    ("kapotte kop", lambda s: s.replace("kernelspec:\n", "kernelspec: [\n", 1), "de kop"),
    (
        "reflectievraag zonder tekst",
        lambda s: s.replace("Voorbeeldantwoord: GEHEIM-MODELANTWOORD over de verdeling van de treden.\n", ""),
        "een tekstcel zonder tekst valt weg",
    ),
    (
        "oplossing in een testcel",
        lambda s: s.replace('dict zijn"\n', 'dict zijn"\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n'),
        "geen antwoordcel",
    ),
]


@pytest.fixture()
def docent_course(tmp_path) -> Course:
    """A copy of the course (exercises/ and grading/) with a new assignment folder, as a docent makes it."""
    root = tmp_path / "cursus"
    shutil.copytree(
        REPO_ROOT / "exercises",
        root / "exercises",
        ignore=shutil.ignore_patterns(
            "release",
            "submitted",
            "autograded",
            "feedback",
            "uitdelen",
            "nakijkverslag",
            "cijfers",
            "gradebook.db",
            "__pycache__",
        ),
    )
    shutil.copytree(REPO_ROOT / "grading", root / "grading", ignore=shutil.ignore_patterns("beoordelingen"))
    folder = root / "exercises" / "source" / NEW
    folder.mkdir()
    (folder / f"{NEW}.md").write_text(MYST, encoding="utf-8")
    config = root / "grading" / "config.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + f'  {NEW}: {{titel: "Tellen per trede", modules: [02-beslisruimte]}}\n',
        encoding="utf-8",
    )
    return Course.at(root / "exercises", root / "grading")


def _docent(course: Course, *args: str):
    from typer.testing import CliRunner

    from activering.cli import app

    return CliRunner().invoke(
        app, ["docent", *args, "--cursus", str(course.course_dir), "--instellingen", str(course.grading_dir)]
    )


def _one_dutch_line(result, what: str) -> str:
    assert result.exit_code not in (0, None), (what, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (what, repr(result.exception))
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, (what, result.output)
    assert not re.search(r"\b(Error|Exception|Invalid|Missing|Expecting|could not)\b", lines[0]), (what, lines[0])
    return lines[0]


def test_a_new_assignment_folder_is_released(docent_course):
    course = docent_course
    result = _docent(course, "vrijgeven", NEW)
    assert result.exit_code == 0, result.output
    assert (course.folder("source") / NEW / f"{NEW}.ipynb").exists()  # made from the MyST source

    zip_path = course.course_dir / "uitdelen" / f"{NEW}.zip"
    with zipfile.ZipFile(zip_path) as zf:
        assert zf.namelist() == [f"{NEW}/{NEW}.ipynb"]
        zipped = zf.read(f"{NEW}/{NEW}.ipynb").decode("utf-8")
    release = course.folder("release") / NEW
    assert sorted(p.name for p in release.rglob("*")) == [f"{NEW}.ipynb"]
    for text in (zipped, *(p.read_text(encoding="utf-8") for p in release.rglob("*") if p.is_file())):
        for secret in (*SECRETS, "BEGIN SOLUTION", "HIDDEN TESTS"):
            assert secret not in text, secret

    nb = nbformat.reads(zipped, as_version=4)
    cells = {cell.id: cell for cell in nb.cells}
    assert list(cells) == ["intro", "antwoord", "test_telling", "reflectie"]
    assert "treden = [1, 2, 2, 3]" in cells["antwoord"].source and "# JOUW CODE HIER" in cells["antwoord"].source
    assert cells["test_telling"].source.strip() == 'assert isinstance(telling, dict), "telling moet een dict zijn"'
    assert "JOUW ANTWOORD HIER" in cells["reflectie"].source
    locked = {cid for cid, cell in cells.items() if cell.metadata["nbgrader"].get("locked")}
    assert locked == {"intro", "test_telling"}
    assert cells["test_telling"].metadata["nbgrader"]["points"] == 2


@pytest.mark.parametrize("what, change, words", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_broken_source_is_refused_in_one_dutch_line(docent_course, what, change, words):
    course = docent_course
    source = course.folder("source") / NEW / f"{NEW}.md"
    broken = change(MYST)
    assert broken != MYST, what
    source.write_text(broken, encoding="utf-8")
    line = _one_dutch_line(_docent(course, "vrijgeven", NEW), what)
    assert f"{NEW}.md" in line and words in line, (what, line)
    assert not (course.folder("release") / NEW).exists()
    assert not (course.course_dir / "uitdelen" / f"{NEW}.zip").exists()
    assert not (course.folder("source") / NEW / f"{NEW}.ipynb").exists()


@pytest.mark.parametrize(
    "entry, words",
    [
        ("{modules: [07-bestaat-niet]}", "opdrachten.nieuwe-opdracht.modules"),
        ("{modules: 02-beslisruimte}", "opdrachten.nieuwe-opdracht.modules"),
        ("{module: [02-beslisruimte]}", "onbekende sleutel 'opdrachten.nieuwe-opdracht.module'"),
    ],
)
def test_a_wrong_config_entry_is_named(docent_course, entry, words):
    course = docent_course
    config = course.grading_dir / "config.yml"
    text = config.read_text(encoding="utf-8").replace(
        f'{NEW}: {{titel: "Tellen per trede", modules: [02-beslisruimte]}}', f"{NEW}: {entry}"
    )
    config.write_text(text, encoding="utf-8")
    line = _one_dutch_line(_docent(course, "vrijgeven", NEW), entry)
    assert "config.yml" in line and words in line, line


def test_a_notebook_edited_after_its_source_is_not_overwritten(docent_course):
    course = docent_course
    assert _docent(course, "vrijgeven", NEW).exit_code == 0
    folder = course.folder("source") / NEW
    notebook, source = folder / f"{NEW}.ipynb", folder / f"{NEW}.md"
    edited = notebook.read_text(encoding="utf-8").replace("Tel hoeveel", "Tel zorgvuldig hoeveel")
    notebook.write_text(edited, encoding="utf-8")
    os.utime(notebook, (source.stat().st_mtime + 60, source.stat().st_mtime + 60))
    line = _one_dutch_line(_docent(course, "vrijgeven", NEW), "notebook gewijzigd")
    assert f"{NEW}.ipynb" in line and f"{NEW}.md is de bron" in line, line
    assert notebook.read_text(encoding="utf-8") == edited

    # The docent puts the change in the source: the next release makes the notebook again.
    source.write_text(MYST.replace("Tel hoeveel", "Tel zorgvuldig hoeveel"), encoding="utf-8")
    os.utime(source, (notebook.stat().st_mtime + 60, notebook.stat().st_mtime + 60))
    assert _docent(course, "vrijgeven", NEW).exit_code == 0
    released = (course.folder("release") / NEW / f"{NEW}.ipynb").read_text(encoding="utf-8")
    assert "Tel zorgvuldig hoeveel" in released
