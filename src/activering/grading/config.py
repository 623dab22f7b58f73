"""Trainer settings (grading/config.yml) and the folders of a course."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from activering.paths import REPO_ROOT


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


class Opdracht(BaseModel):
    weging: float = Field(1.0, ge=0)
    titel: str | None = None


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
    def default(cls) -> "Course":
        return cls(REPO_ROOT / "exercises", REPO_ROOT / "grading")

    @classmethod
    def at(cls, course_dir: Path | str | None = None, grading_dir: Path | str | None = None) -> "Course":
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
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return GradingConfig.model_validate(data)
