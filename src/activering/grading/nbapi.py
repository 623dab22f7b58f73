"""Access to nbgrader's own API and gradebook for a course."""

from __future__ import annotations

import logging
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy import exc as sa_exc

from activering.grading.config import Course, DocentError
from activering.grading.nbconfig import course_config

# nbgrader's gradebook code triggers SQLAlchemy warnings ("Object of type <SubmittedAssignment> not
# in session ...") that say nothing to a docent and nothing about the grades: keep them off the
# terminal. Only warnings raised from nbgrader's own modules are silenced.
for _category in (sa_exc.SAWarning, sa_exc.SADeprecationWarning):
    warnings.filterwarnings("ignore", category=_category, module=r"nbgrader(\.|$)")

# nbgrader creates a gradebook by running the `alembic` script: make this environment's scripts
# findable even when `activering` is started without activating the virtual environment.
_SCRIPTS = str(Path(sys.executable).parent)
if _SCRIPTS not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _SCRIPTS + os.pathsep + os.environ.get("PATH", "")


def nbgrader_api(course: Course, config=None) -> NbGraderAPI:
    """An ``NbGraderAPI`` for the course, with the course's nbgrader configuration."""
    cfg = config if config is not None else course_config(course)
    coursedir = CourseDirectory(config=cfg)
    api = NbGraderAPI(coursedir=coursedir, config=cfg)
    api.log.setLevel(logging.ERROR)
    return api


@contextmanager
def gradebook(course: Course, db_url: str | None = None):
    """The course's gradebook, or (``db_url``) a copy of it such as a grading worker's private one.

    A file that is no gradebook (damaged, or no SQLite at all) is a DocentError naming it.
    Only reads here; writes go through :mod:`activering.grading.record`."""
    url = db_url or course.db_url
    try:
        gb = Gradebook(url, course.config.cursus)
    except sa_exc.SQLAlchemyError as exc:
        path = url.removeprefix("sqlite:///")
        raise DocentError(
            f"Het cijferboek {path} is beschadigd of geen nbgrader-cijferboek "
            f"({type(exc).__name__}); zet een reservekopie terug."
        ) from None
    with gb:
        yield gb


@contextmanager
def in_dir(path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)
