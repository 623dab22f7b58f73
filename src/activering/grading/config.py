"""Trainer settings (grading/config.yml) and the folders of a course."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from activering.paths import REPO_ROOT


class DocentError(Exception):
    """Bad input for a docent command: the message is one Dutch line for the docent."""


ASSIGNMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class NakijkInstellingen(BaseModel):
    workers: int | None = Field(None, description="Parallel workers; leeg = aantal processorkernen.")
    tijdslimiet_per_cel: int = Field(30, ge=1, description="Seconden per cel voordat de cel wordt afgebroken.")
    geheugenlimiet_mb: int = Field(1024, ge=0, description="Geheugenlimiet per student (MiB); 0 = geen.")
    tijdslimiet_per_student: int = Field(600, ge=10, description="Harde grens in seconden per inzending.")
    afscherming: bool = Field(True, description="Studentcode afschermen met bubblewrap.")


class Cesuur(BaseModel):
    percentage_voldoende: float = Field(55.0, gt=0, lt=100, description="Percentage van de punten voor een 5,5.")
    minimum: float = 1.0
    maximum: float = 10.0
    decimalen: int = Field(1, ge=0, le=2)


MODULE_NAME = re.compile(r"^\d\d-[a-z0-9-]+$")


class Opdracht(BaseModel):
    """Per assignment (key: its folder in exercises/source/): weight, title and the modules it belongs to."""

    model_config = ConfigDict(extra="forbid")

    weging: float = Field(1.0, ge=0)
    titel: str | None = None
    modules: list[str] = Field(default_factory=list, description="Modulemappen (modules/<map>) van de opdracht.")

    @field_validator("modules")
    @classmethod
    def _known_modules(cls, modules: list[str]) -> list[str]:
        folder = REPO_ROOT / "modules"
        for name in modules:
            if not MODULE_NAME.match(name):
                raise ValueError(f"'{name}' is geen modulemap (zoals 01-activeringswerk)")
            if folder.is_dir() and not (folder / name).is_dir():
                known = ", ".join(sorted(p.name for p in folder.iterdir() if MODULE_NAME.match(p.name)))
                raise ValueError(f"module '{name}' bestaat niet (wel: {known})")
        if len(set(modules)) != len(modules):
            raise ValueError("een module staat er twee keer in")
        return modules


class GradingConfig(BaseModel):
    cursus: str = Field("activering", description="Cursus-id in het nbgrader-cijferboek.")
    nakijken: NakijkInstellingen = NakijkInstellingen()
    cesuur: Cesuur = Cesuur()
    opdrachten: dict[str, Opdracht] = {}

    def workers(self) -> int:
        return self.nakijken.workers or os.cpu_count() or 1


@dataclass(frozen=True)
class Course:
    """An nbgrader course folder (``exercises/``) and its trainer folder (``grading/``)."""

    course_dir: Path
    grading_dir: Path

    @classmethod
    def default(cls) -> Course:
        return cls(REPO_ROOT / "exercises", REPO_ROOT / "grading")

    @classmethod
    def at(cls, course_dir: Path | str | None = None, grading_dir: Path | str | None = None) -> Course:
        if course_dir is None:
            return cls.default() if grading_dir is None else cls(REPO_ROOT / "exercises", Path(grading_dir).resolve())
        course_dir = Path(course_dir).resolve()
        grading = Path(grading_dir).resolve() if grading_dir else course_dir.parent / "grading"
        return cls(course_dir, grading)

    @property
    def db_path(self) -> Path:
        return self.course_dir / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def folder(self, kind: str) -> Path:
        return self.course_dir / kind

    @property
    def status_dir(self) -> Path:
        """Per-assignment grading reports (reasons, flags) written by ``nakijken``."""
        return self.course_dir / "nakijkverslag"

    @property
    def config(self) -> GradingConfig:
        return load_config(self.grading_dir)


def load_config(grading_dir: Path) -> GradingConfig:
    path = Path(grading_dir) / "config.yml"
    if not path.exists():
        return GradingConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DocentError(f"{path}: geen leesbaar YAML-bestand ({_first_line(exc)}).") from None
    if not isinstance(data, dict):
        raise DocentError(f"{path}: verwacht instellingen als 'naam: waarde', niet {type(data).__name__}.")
    try:
        return GradingConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            raise DocentError(f"{path}: onbekende sleutel '{where}' (mogelijk: weging, titel, modules).") from None
        raise DocentError(f"{path}: ongeldige waarde bij '{where}': {_dutch(err)}.") from None


def _dutch(err: dict) -> str:
    """pydantic's reason in Dutch where we know it (our own validators already speak Dutch)."""
    if err["type"] == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    reasons = {
        "list_type": "verwacht een lijst, zoals [01-activeringswerk]",
        "string_type": "verwacht een tekst",
        "float_parsing": "verwacht een getal",
        "float_type": "verwacht een getal",
        "int_parsing": "verwacht een geheel getal",
        "int_type": "verwacht een geheel getal",
        "bool_parsing": "verwacht true of false",
        "bool_type": "verwacht true of false",
        "model_type": "verwacht instellingen als 'naam: waarde'",
        "dict_type": "verwacht instellingen als 'naam: waarde'",
        "greater_than_equal": f"moet minstens {err.get('ctx', {}).get('ge')} zijn",
        "greater_than": f"moet groter dan {err.get('ctx', {}).get('gt')} zijn",
        "less_than_equal": f"mag hoogstens {err.get('ctx', {}).get('le')} zijn",
        "less_than": f"moet kleiner dan {err.get('ctx', {}).get('lt')} zijn",
    }
    return reasons.get(err["type"], err["msg"])


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# --------------------------------------------------------------------------- input checks


def check_course(course: Course) -> None:
    """The course folder must exist and its settings must be valid."""
    if not course.course_dir.is_dir():
        raise DocentError(f"Cursusmap '{course.course_dir}' bestaat niet (kies een andere met --cursus).")
    if course.grading_dir.exists() and not course.grading_dir.is_dir():
        raise DocentError(f"Instellingenmap '{course.grading_dir}' is geen map.")
    load_config(course.grading_dir)  # raises DocentError for a broken config.yml


def known_assignments(course: Course) -> list[str]:
    """Assignments of the course: folders in source/ and release/."""
    names: set[str] = set()
    for kind in ("source", "release"):
        folder = course.folder(kind)
        if folder.is_dir():
            names |= {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")}
    return sorted(names)


def _name_problem(assignment: str) -> str | None:
    if not assignment or not assignment.strip():
        return "Geef de naam van een opdracht."
    if not ASSIGNMENT_NAME.match(assignment):
        return (
            f"'{assignment}' is geen geldige opdrachtnaam (alleen letters, cijfers, '-', '_' en '.', "
            "geen mappen of spaties)."
        )
    return None


def check_assignment(course: Course, assignment: str, *, released: bool = False, graded: bool = False) -> None:
    """The assignment must exist (in source/), and, if asked, be released or be in the gradebook."""
    problem = _name_problem(assignment)
    if problem:
        raise DocentError(problem)
    known = known_assignments(course)
    hint = f" Bekende opdrachten: {', '.join(known)}." if known else " Er zijn nog geen opdrachten."
    if assignment not in known:
        raise DocentError(f"Opdracht '{assignment}' bestaat niet in {course.folder('source')}.{hint}")
    if released and not (course.folder("release") / assignment).is_dir():
        raise DocentError(
            f"Opdracht '{assignment}' is nog niet vrijgegeven (eerst: activering docent vrijgeven {assignment})."
        )
    if graded:
        if not course.db_path.exists():
            raise DocentError(
                f"Er is nog geen cijferboek ({course.db_path}): geef de opdracht eerst vrij en kijk hem na."
            )
        if assignment not in gradebook_assignments(course):
            raise DocentError(
                f"Opdracht '{assignment}' staat niet in het cijferboek {course.db_path}: geef hem eerst vrij."
            )


def gradebook_assignments(course: Course) -> list[str]:
    """Assignment names in the gradebook, read with plain SQLite (no nbgrader import, no writes)."""
    import sqlite3
    from contextlib import closing

    if not course.db_path.exists():
        return []
    try:
        with closing(sqlite3.connect(f"file:{course.db_path}?mode=ro", uri=True)) as con:
            return [row[0] for row in con.execute("SELECT name FROM assignment ORDER BY name")]
    except sqlite3.Error as exc:
        raise DocentError(f"Cijferboek {course.db_path} is niet te lezen ({exc}).") from None
