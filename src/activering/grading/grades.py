"""``cijfers``: a grades table from nbgrader's gradebook, with a 1–10 grade via the cesuur."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from activering.files import write_atomic
from activering.grading.config import Cesuur, Course
from activering.grading.nbapi import gradebook
from activering.grading.status import FAILED, load_report


def grade_from_fraction(fraction: float, cesuur: Cesuur) -> float:
    """Dutch cesuur: the pass mark (percentage_voldoende) gives 5.5; linear on both sides."""
    c = cesuur.percentage_voldoende / 100
    lo, hi = cesuur.minimum, cesuur.maximum
    fraction = min(max(fraction, 0.0), 1.0)
    if fraction >= c:
        grade = 5.5 + (fraction - c) / (1 - c) * (hi - 5.5)
    else:
        grade = lo + fraction / c * (5.5 - lo)
    return round(grade, cesuur.decimalen)


@dataclass
class GradesResult:
    table: pd.DataFrame
    csv: Path
    excel_csv: Path
    svg: Path
    html: Path


def grades_table(course: Course, assignments: list[str] | None = None) -> pd.DataFrame:
    settings = course.config
    rows: dict[str, dict] = {}
    with gradebook(course) as gb:
        names = assignments or [a.name for a in gb.assignments]
        students = [s.id for s in gb.students]
        weights = {}
        for name in names:
            assignment = gb.find_assignment(name)
            report = load_report(course, name)
            weights[name] = settings.opdrachten.get(name).weging if name in settings.opdrachten else 1.0
            scores = {s.student.id: s for s in assignment.submissions}
            for sid in students:
                row = rows.setdefault(sid, {"student": sid})
                sub = scores.get(sid)
                status = report.get(sid)
                row[f"{name} punten"] = round(float(sub.score), 2) if sub is not None else 0.0
                row[f"{name} max"] = float(assignment.max_score)
                notes = []
                if sub is None:
                    notes.append("niet ingeleverd")
                elif sub.needs_manual_grade:
                    notes.append("handmatig nakijken nog niet af")
                if status and status.status == FAILED:
                    notes.append(status.reden)
                if status:
                    notes += status.signalen
                row[f"{name} opmerkingen"] = " | ".join(notes)
    table = pd.DataFrame(list(rows.values()))
    if table.empty:
        return table
    total_weight = sum(weights.values()) or 1.0
    fraction = sum(
        weights[n] * table[f"{n} punten"] / table[f"{n} max"].where(table[f"{n} max"] > 0, 1) for n in names
    ) / total_weight
    table["percentage"] = (fraction * 100).round(1)
    table["cijfer"] = [grade_from_fraction(f, settings.cesuur) for f in fraction]
    return table.sort_values("student").reset_index(drop=True)


def grades_chart(table: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("cijfer:Q", bin=alt.Bin(extent=[1, 10], step=0.5), title="Cijfer"),
            y=alt.Y("count():Q", title="Aantal studenten"),
            tooltip=[alt.Tooltip("count():Q", title="Aantal")],
        )
        .properties(title="Verdeling van de cijfers", width=420, height=220)
    )


def chart_alt_text(table: pd.DataFrame) -> str:
    passed = int((table["cijfer"] >= 5.5).sum())
    mean = f"{table['cijfer'].mean():.1f}".replace(".", ",")
    median = f"{table['cijfer'].median():.1f}".replace(".", ",")
    return (f"Histogram van de cijfers van {len(table)} studenten; {passed} hebben een voldoende, "
            f"het gemiddelde is {mean} en de mediaan {median}.")


def cijfers(course: Course | None = None, assignments: list[str] | None = None,
            output_dir: Path | str | None = None) -> GradesResult:
    """Write ``cijfers.csv`` (standard), ``cijfers-excel.csv`` (``;``, decimal comma, UTF-8 with
    BOM for Dutch Excel), and the histogram as ``cijfers.svg`` and ``cijfers.html``."""
    from activering.preamble import chart_svg

    course = course or Course.default()
    out = Path(output_dir) if output_dir else course.course_dir / "cijfers"
    out.mkdir(parents=True, exist_ok=True)
    from activering.grading.rubrics import apply_assessments

    for name in assignments or _assignment_names(course):
        apply_assessments(course, name)
    table = grades_table(course, assignments)
    csv_path, excel_path = out / "cijfers.csv", out / "cijfers-excel.csv"
    table.to_csv(csv_path, index=False, encoding="utf-8")
    table.to_csv(excel_path, index=False, sep=";", decimal=",", encoding="utf-8-sig")
    svg_path, html_path = out / "cijfers.svg", out / "cijfers.html"
    if not table.empty:
        text = chart_alt_text(table)
        svg = chart_svg(grades_chart(table), text)
        write_atomic(svg_path, svg)
        write_atomic(html_path, 
            "<!doctype html><html lang='nl'><meta charset='utf-8'><title>Cijferverdeling</title>"
            f"<figure>{svg}<figcaption>{html.escape(text)}</figcaption></figure></html>")
    return GradesResult(table, csv_path, excel_path, svg_path, html_path)


def _assignment_names(course: Course) -> list[str]:
    with gradebook(course) as gb:
        return [a.name for a in gb.assignments]
