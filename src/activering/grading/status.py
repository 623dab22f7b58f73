"""The grading report per assignment (``exercises/nakijkverslag/<opdracht>.json``).

It records, per student, whether the submission was graded, why not, and which integrity
signals were raised; plus the grade overrides this tool applied, so a re-run can undo them.
Each write replaces the file atomically, so an interrupted run never leaves half a report.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from activering.files import write_atomic
from activering.grading.config import Course

OK = "nagekeken"
FAILED = "mislukt"


@dataclass
class StudentStatus:
    student: str
    status: str  # OK or FAILED
    reden: str = ""
    signalen: list[str] = field(default_factory=list)
    inzending_hash: str = ""
    autoscore: float = 0.0
    max_autoscore: float = 0.0
    overrides: list[list[str]] = field(default_factory=list)  # [notebook, grade_id] set to 0 by us
    duur_s: float = 0.0

    @classmethod
    def from_dict(cls, data: dict) -> StudentStatus:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def report_path(course: Course, assignment: str) -> Path:
    return course.status_dir / f"{assignment}.json"


def load_report(course: Course, assignment: str) -> dict[str, StudentStatus]:
    path = report_path(course, assignment)
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {sid: StudentStatus.from_dict(entry) for sid, entry in data.get("studenten", {}).items()}


def save_report(course: Course, assignment: str, report: dict[str, StudentStatus]) -> Path:
    path = report_path(course, assignment)
    payload = {"opdracht": assignment, "studenten": {sid: asdict(st) for sid, st in sorted(report.items())}}
    return write_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1))
