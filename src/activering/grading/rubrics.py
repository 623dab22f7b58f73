"""Rubrics for manually graded answers (``grading/rubrics/<opdracht>.yml``) and their scores.

A docent scores with the rubric either in nbgrader's formgrader, or in a CSV file
``grading/beoordelingen/<opdracht>.csv`` (columns ``student;vraag;criterium;punten;opmerking``,
one row per criterion; ``rubricblad`` adds ``naam`` and ``niveaus`` for the docent, other
columns are ignored). Every score must be one of the criterion's levels; anything else is
refused with the row, student, criterion and value named. The docent step ``beoordelingen``
(:func:`apply_assessments`) writes the CSV scores to nbgrader's gradebook as the manual score
(sum of the criteria) and comment of that answer cell; ``feedback`` and ``cijfers`` only read
the gradebook and refuse while the sheet holds scores that step has not written yet.
A sheet that holds scores or remarks is never overwritten. See grading/README.md for the format.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from activering.files import write_atomic
from activering.grading.config import Course, DocentError


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


class RubricError(DocentError):
    pass


def rubric_path(course: Course, assignment: str) -> Path:
    return course.grading_dir / "rubrics" / f"{assignment}.yml"


def load_rubric(course: Course, assignment: str) -> Rubric | None:
    path = rubric_path(course, assignment)
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise RubricError(f"Rubric {path} is geen leesbaar YAML-bestand ({first}).") from None
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "bovenste niveau"
        raise RubricError(f"Rubric {path}: ongeldig bij '{where}': {err['msg']}.") from None


def check_rubric(course: Course, assignment: str) -> list[str]:
    """Problems: rubric questions that are not manually graded cells, or whose points differ."""
    rubric = load_rubric(course, assignment)
    if rubric is None:
        return [f"geen rubric voor {assignment}"]
    from activering.grading.nbapi import gradebook

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


SHEET_COLUMNS = ("student", "vraag", "criterium", "punten")


def _levels(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def read_assessments(course: Course, assignment: str) -> dict[str, dict[str, list[dict]]]:
    """student -> question -> [{criterium, punten, opmerking}], checked against the rubric.

    A score that is not one of the criterion's levels, an unknown question or criterion, a
    criterion scored twice or a sheet without rubric raise RubricError naming file, row,
    student, criterion and value (the first problem, and how many more there are).
    """
    path = assessments_path(course, assignment)
    if not path.exists():
        return {}
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RubricError(f"Beoordelingsblad {path} is niet te lezen ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # saved by Excel as "CSV (puntkomma)"
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return {}
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(c or "").strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in SHEET_COLUMNS if c not in header]
    if missing:
        raise RubricError(
            f"Beoordelingsblad {path} mist de kolom(men) {', '.join(missing)} "
            f"(gevonden: {', '.join(h for h in header if h) or 'geen'})."
        )
    rubric = load_rubric(course, assignment)
    out: dict[str, dict[str, list[dict]]] = {}
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row.get("student") or not row.get("vraag") or row.get("punten", "") == "":
            continue
        sid, gid, crit_name, value = row["student"], row["vraag"], row.get("criterium", ""), row["punten"]
        where = f"regel {number}: student {sid}, vraag {gid}, criterium '{crit_name}'"
        if rubric is None:
            problems.append(f"{where}: er is geen rubric ({rubric_path(course, assignment)})")
            continue
        vraag = rubric.vragen.get(gid)
        if vraag is None:
            problems.append(f"{where}: vraag '{gid}' staat niet in de rubric (wel: {', '.join(rubric.vragen)})")
            continue
        crit = next((c for c in vraag.criteria if c.naam.strip().lower() == crit_name.lower()), None)
        if crit is None:
            problems.append(
                f"{where}: dit criterium staat niet in de rubric (wel: {', '.join(c.naam for c in vraag.criteria)})"
            )
            continue
        try:
            points = float(value.replace(",", "."))
        except ValueError:
            points = None
        allowed = [n.punten for n in crit.niveaus]
        if points is None or not any(abs(points - a) < 1e-9 for a in allowed):
            problems.append(
                f"{where}: waarde '{value}' is geen niveau van dit criterium "
                f"(kies uit {', '.join(_levels(a) for a in sorted(allowed))})"
            )
            continue
        key = (sid, gid, crit.naam)
        if key in seen:
            problems.append(f"{where}: dit criterium is al beoordeeld op regel {seen[key]}")
            continue
        seen[key] = number
        out.setdefault(sid, {}).setdefault(gid, []).append(
            {"criterium": crit.naam, "punten": points, "opmerking": row.get("opmerking", "")}
        )
    if problems:
        more = f" (en nog {len(problems) - 1} andere fout(en))" if len(problems) > 1 else ""
        raise RubricError(f"Beoordelingsblad {path}, {problems[0]}{more}.")
    return out


def sheet_is_filled(path: Path) -> int:
    """Number of rows with points or a remark in an existing sheet."""
    if not path.exists():
        return 0
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return 0
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    filled = 0
    for row in csv.DictReader(io.StringIO(text), delimiter=delimiter):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if row.get("punten") or row.get("opmerking"):
            filled += 1
    return filled


def write_assessment_template(
    course: Course, assignment: str, students: list[str], names: dict[str, str] | None = None
) -> Path:
    """An empty scoring sheet (one row per student, question and criterion) to fill in Excel.

    A sheet that already holds points or remarks is never overwritten (RubricError); an
    empty earlier sheet is kept beside the new one.
    """
    rubric = load_rubric(course, assignment)
    if rubric is None:
        raise RubricError(f"Opdracht '{assignment}' heeft geen rubric ({rubric_path(course, assignment)} ontbreekt).")
    if not students:
        raise RubricError(
            f"Er zijn nog geen inzendingen voor '{assignment}' in {course.folder('submitted')}: verzamel ze eerst."
        )
    path = assessments_path(course, assignment)
    filled = sheet_is_filled(path)
    if filled:
        raise RubricError(
            f"Beoordelingsblad {path} is al ingevuld ({filled} regels met punten of opmerkingen) "
            "en wordt niet overschreven; vul het aan, of verplaats het om een nieuw leeg blad te maken."
        )
    names = names or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["student", "naam", "vraag", "criterium", "punten", "opmerking", "niveaus"])
    for sid in students:
        for gid, vraag in rubric.vragen.items():
            for crit in vraag.criteria:
                levels = " / ".join(_levels(n.punten) for n in sorted(crit.niveaus, key=lambda n: n.punten))
                writer.writerow([sid, names.get(sid, ""), gid, crit.naam, "", "", levels])
    if path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        shutil.copy2(path, path.with_name(f"{path.stem}.leeg-{stamp}{path.suffix}"))
    write_atomic(path, buffer.getvalue(), encoding="utf-8-sig")
    return path


def apply_assessments(course: Course, assignment: str) -> int:
    """The docent step ``beoordelingen``: write the sheet's rubric scores into the gradebook as
    nbgrader's manual score and comment (through :mod:`activering.grading.record`). Returns the count."""
    scores = read_assessments(course, assignment)
    if not scores:
        return 0
    from activering.grading.record import apply_rubric_scores

    return apply_rubric_scores(course, assignment, scores, load_rubric(course, assignment))


def unapplied_assessments(course: Course, assignment: str, gb) -> list[tuple[str, str]]:
    """(student, question) of sheet scores that differ from the gradebook (``beoordelingen`` not run
    since the sheet changed). Only students and questions with a graded cell count. Reads only."""
    from activering.grading.record import rubric_cells

    scores = read_assessments(course, assignment)
    if not scores:
        return []
    pending = [
        (sid, gid)
        for sid, gid, points, comment_text, grade, comment in rubric_cells(gb, assignment, scores)
        if grade.manual_score is None
        or abs(grade.manual_score - points) > 1e-9
        or (comment.manual_comment or None) != comment_text
    ]
    return sorted(set(pending))


def refuse_unapplied(course: Course, assignment: str, gb) -> None:
    """RubricError in one line when the sheet holds scores that are not in the gradebook yet."""
    pending = unapplied_assessments(course, assignment, gb)
    if pending:
        shown = ", ".join(f"{sid} ({gid})" for sid, gid in pending[:3]) + (" …" if len(pending) > 3 else "")
        raise RubricError(
            f"Beoordelingsblad {assessments_path(course, assignment)} heeft punten die nog niet in het "
            f"cijferboek staan ({len(pending)}: {shown}); draai eerst "
            f"'activering docent beoordelingen {assignment}'."
        )
