"""The nbgrader configuration of a course, shared by ``exercises/nbgrader_config.py`` and the API.

Plain ``nbgrader`` commands run from ``exercises/`` and ``activering docent`` use exactly the
same settings (timeouts, memory limit, sandboxed kernel), so their results are identical.
"""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Config

from activering.grading.config import Course

#: What a student finds in an answer cell instead of the solution (nbgrader's ClearSolutions), in Dutch.
CODE_STUB = "# JOUW CODE HIER\nraise NotImplementedError()"
TEXT_STUB = "JOUW ANTWOORD HIER"


def configure(c: Config, course_dir: Path | str, grading_dir: Path | str | None = None) -> Config:
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        GetGrades,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    from activering.grading.integrity import HideHiddenTests
    from activering.grading.sandbox import SandboxedExecute

    course = Course.at(course_dir, grading_dir)
    settings = course.config
    c.CourseDirectory.root = str(course.course_dir)
    c.CourseDirectory.course_id = settings.cursus
    c.CourseDirectory.db_url = course.db_url
    # "*.md": an assignment's MyST source (with solutions and hidden tests, see activering.grading.sources)
    # never goes to students, nor into a folder where student code runs.
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md"]
    c.Execute.timeout = settings.nakijken.tijdslimiet_per_cel
    c.Execute.interrupt_on_timeout = True
    c.SandboxKernelManager.memory_limit_mb = settings.nakijken.geheugenlimiet_mb
    c.SandboxKernelManager.isolate = settings.nakijken.afscherming
    c.Autograde.autograde_preprocessors = [
        SandboxedExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    # nbgrader's own feedback (returned to students on the hub) shows no hidden test, nor any output
    # that ran after one (student code may have caught it there).
    c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
    # Student versions never keep outputs of the instructor's run.
    c.ClearSolutions.enforce_metadata = True
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.text_stub = TEXT_STUB
    c.GenerateAssignment.create_assignment = True
    return c


def course_config(course: Course, **extra) -> Config:
    c = Config()
    configure(c, course.course_dir, course.grading_dir)
    for dotted, value in extra.items():
        section, name = dotted.split(".", 1) if "." in dotted else (dotted, None)
        c[section][name] = value
    return c
