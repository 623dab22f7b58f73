"""Rubrics for manually graded answers (``grading/rubrics/<opdracht>.yml``) and their scores.

A docent scores with the rubric either in nbgrader's formgrader, or in a CSV file
``grading/beoordelingen/<opdracht>.csv`` (columns ``student;vraag;criterium;punten;opmerking``,
one row per criterion). The CSV scores are written to nbgrader's gradebook as the manual score
(sum of the criteria) and comment of that answer cell. See grading/README.md for the format.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from activering.grading.config import Course
from activering.grading.nbapi import gradebook


class Niveau(BaseModel):
    punten: float
    omschrijving: str


class Criterium(BaseModel):
    naam: str
    niveaus: list[Niveau] = Field(min_length=1)

    @property
    def max_punten(self) -> float:
        return max(n.punten for n in self.niveaus)


class Vraag(BaseModel):
    titel: str
    notebook: str | None = None
    criteria: list[Criterium] = Field(min_length=1)

    @property
    def max_punten(self) -> float:
        return sum(c.max_punten for c in self.criteria)


class Rubric(BaseModel):
    opdracht: str
    vragen: dict[str, Vraag]


def load_rubric(course: Course, assignment: str) -> Rubric | None:
    path = course.grading_dir / "rubrics" / f"{assignment}.yml"
    if not path.exists():
        return None
    return Rubric.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def check_rubric(course: Course, assignment: str) -> list[str]:
    """Problems: rubric questions that are not manually graded cells, or whose points differ."""
    rubric = load_rubric(course, assignment)
    if rubric is None:
        return [f"geen rubric voor {assignment}"]
    problems = []
    with gradebook(course) as gb:
        cells = {}
        for nb in gb.find_assignment(assignment).notebooks:
            solutions = {c.name for c in nb.solution_cells}
            for cell in nb.grade_cells:
                if cell.name in solutions:
                    cells[cell.name] = cell.max_score
    for gid, vraag in rubric.vragen.items():
        if gid not in cells:
            problems.append(f"{gid}: geen handmatig na te kijken antwoordcel met die grade_id")
        elif abs(cells[gid] - vraag.max_punten) > 1e-9:
            problems.append(f"{gid}: rubric geeft max {vraag.max_punten} punten, de cel {cells[gid]}")
    for gid in sorted(set(cells) - set(rubric.vragen)):
        problems.append(f"{gid}: handmatig na te kijken cel zonder rubric")
    return problems


def assessments_path(course: Course, assignment: str) -> Path:
    return course.grading_dir / "beoordelingen" / f"{assignment}.csv"


def read_assessments(course: Course, assignment: str) -> dict[str, dict[str, list[dict]]]:
    """student -> question -> [{criterium, punten, opmerking}]"""
    path = assessments_path(course, assignment)
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") >= text.splitlines()[0].count(",") else ","
    out: dict[str, dict[str, list[dict]]] = {}
    for row in csv.DictReader(io.StringIO(text), delimiter=delimiter):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row.get("student") or not row.get("vraag") or row.get("punten", "") == "":
            continue
        out.setdefault(row["student"], {}).setdefault(row["vraag"], []).append(
            {"criterium": row.get("criterium", ""), "punten": float(row["punten"].replace(",", ".")),
             "opmerking": row.get("opmerking", "")})
    return out


def write_assessment_template(course: Course, assignment: str, students: list[str]) -> Path:
    """An empty scoring sheet (one row per student, question and criterion) to fill in Excel."""
    rubric = load_rubric(course, assignment)
    path = assessments_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["student", "vraag", "criterium", "punten", "opmerking"])
        for sid in students:
            for gid, vraag in (rubric.vragen.items() if rubric else []):
                for crit in vraag.criteria:
                    writer.writerow([sid, gid, crit.naam, "", ""])
    return path


def apply_assessments(course: Course, assignment: str) -> int:
    """Write CSV rubric scores into the gradebook (manual score and comment). Returns the count."""
    scores = read_assessments(course, assignment)
    if not scores:
        return 0
    rubric = load_rubric(course, assignment)
    count = 0
    with gradebook(course) as gb:
        notebooks = gb.find_assignment(assignment).notebooks
        for sid, questions in scores.items():
            for gid, rows in questions.items():
                for nb in notebooks:
                    try:
                        grade = gb.find_grade(gid, nb.name, assignment, sid)
                        comment = gb.find_comment(gid, nb.name, assignment, sid)
                    except Exception:
                        continue
                    maximum = rubric.vragen[gid].max_punten if rubric and gid in rubric.vragen else grade.max_score
                    grade.manual_score = min(sum(r["punten"] for r in rows), maximum)
                    grade.needs_manual_grade = False
                    remarks = [f"{r['criterium']}: {r['opmerking']}" for r in rows if r["opmerking"]]
                    comment.manual_comment = "\n".join(remarks) or None
                    count += 1
        gb.db.commit()
    return count
