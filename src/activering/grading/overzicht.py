"""``overzicht``: a docent's view of the class, from nbgrader's gradebook (read only).

For one assignment an offline HTML page and CSV files (``overzicht/<opdracht>…``): the grade
distribution with the pass line (5,5 via the cesuur) and mean and median; an item analysis per
graded cell (p-waarde and the corrected item–rest correlation ``rir``, flagged outside
:data:`P_LOW`–:data:`P_HIGH` or below :data:`RIR_LOW`); the distribution over the levels of each
rubric criterion (from the assessment sheet); and the students who need attention (failed,
integrity signals, late, not submitted, manual grading not finished), with names from the class
list. Without an assignment, the whole course: student × assignment as a table and a heat map.

Only submissions that are completely graded count in the distribution and the item analysis; a
student who handed nothing in counts in the attention list only. Charts are inline SVG through
:func:`activering.preamble.chart_svg`, each with a Dutch text alternative; the page loads nothing
from elsewhere.
"""

from __future__ import annotations

import html
import math
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from activering.grading.config import Course, DocentError

P_LOW = 0.3  # below: most students miss this question
P_HIGH = 0.9  # above: nearly everyone scores; it tells little apart
RIR_LOW = 0.2  # below: the question barely agrees with the rest of the assignment
MIN_N_RIR = 3  # a correlation of fewer students says nothing

ITEM_COLUMNS = ("cel", "punten_max", "n", "p_waarde", "rir")
COURSE_FILES = "klasoverzicht"  # klasoverzicht.html / klasoverzicht.csv

Progress = Callable[[str | None, int, int], None]


# --------------------------------------------------------------------------- item analysis


@dataclass
class CellStats:
    """One graded cell: maximum, number of students, facility (p) and item–rest correlation (rir)."""

    cel: str
    punten_max: float
    n: int
    p: float | None
    rir: float | None
    why_no_p: str = ""
    why_no_rir: str = ""

    @property
    def flags(self) -> list[str]:
        out = []
        if self.p is not None and self.p < P_LOW:
            out.append(f"moeilijk (p < {_num(P_LOW, 1)})")
        if self.p is not None and self.p > P_HIGH:
            out.append(f"makkelijk (p > {_num(P_HIGH, 1)})")
        if self.rir is not None and self.rir < RIR_LOW:
            out.append(f"onderscheidt slecht (rir < {_num(RIR_LOW, 1)})")
        return out


def _pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def item_analysis(scores: dict[str, dict[str, float]], maxima: dict[str, float]) -> list[CellStats]:
    """Per cell of ``maxima`` (in that order): p = mean score / max, and rir = Pearson correlation of the
    cell's score with the total of all *other* cells, over the students in ``scores`` (each with a score
    for every cell). A value that cannot be computed is None, with the reason in Dutch."""
    students = list(scores)
    n = len(students)
    cells = list(maxima)
    totals = {sid: math.fsum(scores[sid][c] for c in cells) for sid in students}
    out = []
    for cell in cells:
        xs = [scores[sid][cell] for sid in students]
        rest = [totals[sid] - scores[sid][cell] for sid in students]
        stats = CellStats(cell, maxima[cell], n, None, None)
        if n == 0:
            stats.why_no_p = stats.why_no_rir = "geen volledig nagekeken inzendingen"
        elif maxima[cell] <= 0:
            stats.why_no_p = "cel zonder punten"
        else:
            stats.p = math.fsum(xs) / n / maxima[cell]
        if n == 0:
            pass
        elif n < MIN_N_RIR:
            stats.why_no_rir = f"minder dan {MIN_N_RIR} inzendingen"
        elif len(cells) == 1:
            stats.why_no_rir = "de enige cel met punten: er is geen rest om mee te vergelijken"
        elif len(set(xs)) == 1:
            stats.why_no_rir = "iedereen heeft dezelfde score op deze cel"
        elif len(set(rest)) == 1:
            stats.why_no_rir = "de overige cellen geven iedereen hetzelfde totaal"
        else:
            stats.rir = _pearson(xs, rest)
        out.append(stats)
    return out


# --------------------------------------------------------------------------- reading the gradebook


@dataclass
class StudentResult:
    student: str
    naam: str
    ingeleverd: bool = False
    score: float = 0.0
    max_score: float = 0.0
    cijfer: float | None = None
    seconds_late: float = 0.0
    pending: bool = False  # a manual grade still open
    failed: str = ""  # reason, when grading failed
    signalen: list[str] = field(default_factory=list)
    cells: dict[str, float] = field(default_factory=dict)

    @property
    def percentage(self) -> float | None:
        if not self.ingeleverd or self.max_score <= 0:
            return None
        return 100 * self.score / self.max_score

    @property
    def counted(self) -> bool:
        """Counts in the distribution and the item analysis: handed in and completely graded."""
        return self.ingeleverd and not self.pending


@dataclass
class AssignmentData:
    name: str
    max_score: float
    maxima: dict[str, float]  # cell label -> max points, in notebook order
    students: list[StudentResult]
    duedate: datetime | None = None


def _cell_label(notebook: str, cell: str, several: bool) -> str:
    return f"{notebook}/{cell}" if several else cell


def _gradebook_name(student) -> str:
    return " ".join(p for p in (student.first_name, student.last_name) if p).strip()


def read_assignment(
    course: Course,
    gb,
    name: str,
    names: dict[str, str],
    on_progress: Progress | None = None,
    done: int = 0,
    total: int = 0,
) -> AssignmentData:
    """Everything the overview shows about ``name`` from the open gradebook ``gb`` and the grading report.

    ``names``: the class list (student number -> name); every student on it or in the gradebook
    gets a row, handed in or not."""
    from activering.grading.grades import grade_from_fraction, manual_pending
    from activering.grading.status import FAILED, load_report

    cesuur = course.config.cesuur
    assignment = gb.find_assignment(name)
    notebooks = list(assignment.notebooks)
    several = len(notebooks) > 1
    maxima: dict[str, float] = {}
    for nb in notebooks:
        for cell in [*nb.grade_cells, *nb.task_cells]:  # the gradebook's order: as in the notebook
            maxima[_cell_label(nb.name, cell.name, several)] = float(cell.max_score or 0)
    report = load_report(course, name)
    known = {s.id: _gradebook_name(s) for s in gb.students}
    submissions = {s.student_id: s for s in assignment.submissions}
    rows = []
    for sid in sorted(set(names) | set(known)):
        row = StudentResult(sid, names.get(sid) or known.get(sid, ""), max_score=float(assignment.max_score or 0))
        sub = submissions.get(sid)
        if sub is not None:
            row.ingeleverd = True
            row.seconds_late = float(sub.total_seconds_late or 0)
            row.pending = manual_pending(sub)
            for nb in sub.notebooks:
                for grade in nb.grades:
                    label = _cell_label(nb.name, grade.name, several)
                    row.cells[label] = float(grade.score or 0)
            for label in maxima:
                row.cells.setdefault(label, 0.0)
            row.score = math.fsum(row.cells.values())
            fraction = row.score / row.max_score if row.max_score > 0 else 0.0
            row.cijfer = grade_from_fraction(fraction, cesuur)
        status = report.get(sid)
        if status is not None and sub is not None:
            if status.status == FAILED:
                row.failed = status.reden or "nakijken mislukt"
            row.signalen = list(status.signalen)
        rows.append(row)
        done += 1
        if on_progress:
            on_progress(f"{name}: {sid}", done, total)
    return AssignmentData(name, float(assignment.max_score or 0), maxima, rows, assignment.duedate)


# --------------------------------------------------------------------------- rubric criteria


@dataclass
class CriterionLevels:
    vraag: str
    titel: str
    criterium: str
    levels: list[tuple[float, str, int]]  # (points, description, number of students)
    not_scored: int


def rubric_levels(course: Course, name: str, data: AssignmentData) -> list[CriterionLevels]:
    """Per rubric criterion, how many handed-in students the sheet puts on each level."""
    from activering.grading.rubrics import load_rubric, read_assessments

    rubric = load_rubric(course, name)
    if rubric is None:
        return []
    sheet = read_assessments(course, name)  # RubricError (one Dutch line) for a broken sheet
    handed_in = [r.student for r in data.students if r.ingeleverd]
    out = []
    for gid, vraag in rubric.vragen.items():
        for crit in vraag.criteria:
            given = {}
            for sid in handed_in:
                for row in sheet.get(sid, {}).get(gid, []):
                    if row["criterium"] == crit.naam:
                        given[sid] = row["punten"]
            levels = [
                (lvl.punten, lvl.omschrijving, sum(1 for v in given.values() if abs(v - lvl.punten) < 1e-9))
                for lvl in sorted(crit.niveaus, key=lambda lvl: lvl.punten)
            ]
            out.append(CriterionLevels(gid, vraag.titel, crit.naam, levels, len(handed_in) - len(given)))
    return out


# --------------------------------------------------------------------------- formatting


def _num(value: float | None, decimals: int = 2) -> str:
    """A number with a decimal comma; '–' for none."""
    if value is None:
        return "–"
    return f"{value:.{decimals}f}".replace(".", ",")


def _points(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _late(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} uur".replace(".", ",")
    return f"{seconds / 86400:.1f} dagen".replace(".", ",")


def _csv(rows: Iterable[Iterable[object]]) -> str:
    """CSV for Dutch Excel as ``cijfers`` writes it: UTF-8 with BOM, semicolons, decimal comma."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_inert(value) for value in row])
    return "\ufeff" + buffer.getvalue()


_NUMBER = re.compile(r"-?\d+(?:,\d+)?")


def _inert(value: object) -> object:
    """Text that Excel would run as a formula (a name such as ``=HYPERLINK(…)``) starts with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def items_csv(stats: list[CellStats]) -> str:
    """``cel;punten_max;n;p_waarde;rir``, one row per graded cell; empty where a value cannot be computed."""

    def cell(value: float | None) -> str:
        return "" if value is None else _num(value)

    return _csv([ITEM_COLUMNS, *([s.cel, _points(s.punten_max), s.n, cell(s.p), cell(s.rir)] for s in stats)])


def attention(data: AssignmentData) -> list[tuple[StudentResult, list[str]]]:
    """The students to look at, each with the reasons (not submitted, failed, signals, late, fail mark, open)."""
    out = []
    for row in data.students:
        reasons = []
        if not row.ingeleverd:
            reasons.append("niet ingeleverd")
        else:
            if row.failed:
                reasons.append(f"nakijken mislukt: {row.failed}")
            reasons += [f"signaal: {s}" for s in row.signalen]
            if row.seconds_late > 0:
                reasons.append(f"te laat ({_late(row.seconds_late)})")
            if row.pending:
                reasons.append("handmatig nakijken nog niet af")
            elif row.cijfer is not None and row.cijfer < 5.5:
                reasons.append(f"onvoldoende ({_num(row.cijfer, 1)})")
        if reasons:
            out.append((row, reasons))
    return out


# --------------------------------------------------------------------------- charts


def distribution_svg(cijfers: list[float]) -> tuple[str, str]:
    """The grade histogram of ``cijfers`` (the one of ``cijfers``) with the pass line, mean and median;
    (svg, text alternative)."""
    import altair as alt
    import pandas as pd

    from activering.grading.grades import grades_chart
    from activering.preamble import chart_svg

    table = pd.DataFrame({"cijfer": cijfers})
    mean, median = statistics.fmean(cijfers), statistics.median(cijfers)
    lines = pd.DataFrame(
        {
            "waarde": [5.5, mean, median],
            "lijn": [f"cesuur {_num(5.5, 1)}", f"gemiddelde {_num(mean, 1)}", f"mediaan {_num(median, 1)}"],
        }
    )
    rules = (
        alt.Chart(lines)
        .mark_rule(strokeWidth=2)
        .encode(
            x="waarde:Q",
            color=alt.Color(
                "lijn:N",
                title=None,
                scale=alt.Scale(range=["#b2182b", "#222222", "#7b3294"]),
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
            strokeDash=alt.StrokeDash("lijn:N", title=None, scale=alt.Scale(range=[[1, 0], [6, 3], [2, 2]])),
        )
    )
    passed = sum(1 for c in cijfers if c >= 5.5)
    text = (
        f"Histogram van de cijfers van {len(cijfers)} volledig nagekeken inzendingen; {passed} daarvan zijn "
        f"voldoende (5,5 of hoger), {len(cijfers) - passed} onvoldoende. Het gemiddelde is {_num(mean, 1)} "
        f"en de mediaan {_num(median, 1)}; een doorgetrokken lijn staat bij de cesuur van 5,5."
    )
    return chart_svg(alt.layer(grades_chart(table), rules), text), text


def heatmap_svg(assignments: list[AssignmentData]) -> tuple[str, str]:
    """Student × assignment, coloured by the percentage of the points; (svg, text alternative)."""
    import altair as alt
    import pandas as pd

    from activering.preamble import chart_svg

    records = []
    for data in assignments:
        for row in data.students:
            label = "–" if not row.ingeleverd else ("laat" if row.seconds_late > 0 else "")
            records.append(
                {
                    "opdracht": data.name,
                    "student": row.student,
                    "percentage": row.percentage,
                    "label": label,
                    "status": "niet ingeleverd" if not row.ingeleverd else "ingeleverd",
                }
            )
    table = pd.DataFrame(records)
    students = sorted(table["student"].unique())
    base = alt.Chart(table).encode(
        x=alt.X(
            "opdracht:N",
            title="Opdracht",
            sort=[a.name for a in assignments],
            axis=alt.Axis(orient="top", labelAngle=0, labelLimit=140),
        ),
        y=alt.Y("student:N", title="Student", sort=students),
    )
    height = max(60, 16 * len(students))
    width = max(160, 150 * len(assignments))
    absent = base.transform_filter("datum.status == 'niet ingeleverd'").mark_rect(color="#d9d9d9")
    cells = (
        base.transform_filter("datum.status != 'niet ingeleverd'")
        .mark_rect(stroke="white")
        .encode(
            color=alt.Color(
                "percentage:Q",
                title="% van de punten",
                scale=alt.Scale(scheme="blues", domain=[0, 100]),
                legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=160),
            )
        )
    )
    labels = base.mark_text(fontSize=11).encode(
        text="label:N",
        color=alt.condition("datum.percentage > 60", alt.value("white"), alt.value("black")),
    )
    chart = alt.layer(absent, cells, labels).properties(
        title="Percentage van de punten per student en opdracht", width=width, height=height
    )
    n_absent = sum(1 for r in records if r["status"] == "niet ingeleverd")
    n_late = sum(1 for r in records if r["label"] == "laat")
    means = []
    for data in assignments:
        values = [r.percentage for r in data.students if r.percentage is not None]
        means.append(f"{data.name} gemiddeld {_num(statistics.fmean(values), 0) if values else '–'}%")
    text = (
        f"Heatmap van {len(students)} studenten en {len(assignments)} opdrachten: hoe donkerder het vak, hoe "
        f"meer procent van de punten. {n_absent} keer niet ingeleverd (grijs vak met een streepje), "
        f"{n_late} keer te laat ingeleverd (het woord laat). Per opdracht: {'; '.join(means)}."
    )
    return chart_svg(chart, text), text


# --------------------------------------------------------------------------- pages

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; line-height: 1.5; margin: 0 auto; padding: 1rem;
  max-width: 70rem; color: #222; background: #fff; overflow-wrap: break-word; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
figure.activering-chart { margin: 1.5rem 0; max-width: 100%; background-color: #fff; color: #222; padding: 0.5rem; }
figure.activering-chart .activering-chart-kader, .tabel { max-width: 100%; overflow-x: auto; }
figure.activering-chart .activering-chart-kader:focus-visible, .tabel:focus-visible {
  outline: 3px solid #0a58ca; outline-offset: 2px; }
figure.activering-chart svg { display: block; max-width: 100%; height: auto; }
@media (max-width: 575.98px) { figure.activering-chart svg { min-width: var(--activering-min-width, 0); } }
figcaption { font-size: 0.95rem; margin-top: 0.5rem; max-width: 46rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.getal { text-align: right; white-space: nowrap; }
tr.let-op td { background: #fff3cd; }
.uitleg { max-width: 46rem; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html>\n<html lang='nl'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _figure(svg: str, text: str) -> str:
    return (
        '<figure class="activering-chart"><div class="activering-chart-kader" tabindex="0" role="group" '
        'aria-label="Grafiek; schuif zijwaarts als hij niet helemaal in beeld past">'
        f"{svg}</div><figcaption><strong>Tekstalternatief.</strong> {_e(text)}</figcaption></figure>"
    )


def _table(caption: str, header: list[str], rows: list[tuple[list[str], str]], numeric: set[int] = frozenset()) -> str:
    """A table in its own scrolling frame (never the page); ``rows``: (escaped cells, css class)."""
    head = "".join(f"<th scope='col'>{_e(h)}</th>" for h in header)
    body = "".join(
        (f"<tr class='{cls}'>" if cls else "<tr>")
        + "".join(f"<td class='getal'>{c}</td>" if i in numeric else f"<td>{c}</td>" for i, c in enumerate(cells))
        + "</tr>"
        for cells, cls in rows
    )
    return (
        f"<div class='tabel' tabindex='0' role='region' aria-label='{_e(caption)}'>"
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _stamp() -> str:
    return datetime.now().strftime("%d-%m-%Y %H:%M")


ITEM_HELP = f"""
<div class="uitleg">
<p>Per cel met punten: het maximum, het aantal studenten (<em>n</em>), de <strong>p-waarde</strong> en de
<strong>rir</strong>. De p-waarde is de gemiddelde score gedeeld door het maximum: 0,80 betekent dat de
studenten samen 80% van de punten van deze vraag haalden. Onder {_num(P_LOW, 1)} is een vraag voor de meesten te
moeilijk (of onduidelijk gesteld); boven {_num(P_HIGH, 1)} haalt bijna iedereen alles en zegt de vraag weinig
over verschillen.</p>
<p>De rir (item-restcorrelatie) is de correlatie tussen de score op deze cel en het totaal van alle
<em>andere</em> cellen. Een positieve rir betekent: wie het op de rest goed doet, doet het hier ook goed. Onder
{_num(RIR_LOW, 1)} meet de vraag iets anders dan de rest van de opdracht, of telt toeval mee; lees de vraag en
de antwoorden dan nog eens na. Bij minder dan {MIN_N_RIR} studenten, of als iedereen op de cel (of op de rest)
hetzelfde scoort, is er geen rir: dan staat er een streepje, met de reden erbij.</p>
<p>Alleen volledig nagekeken inzendingen tellen mee. Wie niets inleverde, staat bij de studenten die aandacht
nodig hebben, maar telt niet mee in de p-waarde en de rir (een 0 voor een vraag die iemand nooit zag, zegt
niets over die vraag).</p>
</div>
"""


def assignment_page(
    course: Course, data: AssignmentData, stats: list[CellStats], criteria: list[CriterionLevels], notes: list[str]
) -> str:
    counted = [r for r in data.students if r.counted]
    absent = [r for r in data.students if not r.ingeleverd]
    pending = [r for r in data.students if r.ingeleverd and r.pending]
    titel = course.config.opdrachten.get(data.name).titel if data.name in course.config.opdrachten else None
    parts = [
        f"<h1>Overzicht van de klas: {_e(titel or data.name)}</h1>",
        f"<p>Opdracht <code>{_e(data.name)}</code>, gemaakt op {_stamp()} uit het cijferboek. "
        f"{len(data.students)} studenten: {len(data.students) - len(absent)} ingeleverd, "
        f"{len(absent)} niet ingeleverd, {len(pending)} nog niet helemaal nagekeken. Maximaal "
        f"{_e(_points(data.max_score))} punten.</p>",
    ]
    parts += [f"<p><strong>Let op:</strong> {_e(n)}</p>" for n in notes]
    parts.append("<h2>Verdeling van de cijfers</h2>")
    if counted:
        cijfers = [r.cijfer for r in counted if r.cijfer is not None]
        svg, text = distribution_svg(cijfers)
        parts.append(
            f"<p>Gemiddelde {_num(statistics.fmean(cijfers), 1)}, mediaan {_num(statistics.median(cijfers), 1)}; "
            f"{sum(1 for c in cijfers if c >= 5.5)} van de {len(cijfers)} voldoende (cesuur 5,5 bij "
            f"{_e(_points(course.config.cesuur.percentage_voldoende))}% van de punten). Alleen volledig nagekeken "
            "inzendingen tellen mee; wie niets inleverde telt hier niet mee.</p>"
        )
        parts.append(_figure(svg, text))
    else:
        parts.append("<p>Nog geen volledig nagekeken inzendingen: er is nog geen verdeling.</p>")
    flagged = [s for s in stats if s.flags]
    parts.append("<h2>Vragen om nog eens naar te kijken</h2>")
    parts.append(
        "<p>"
        + (
            f"{len(flagged)} van de {len(stats)} cellen vallen op: "
            + ", ".join(f"<code>{_e(s.cel)}</code>" for s in flagged)
            + "."
            if flagged
            else f"Geen van de {len(stats)} cellen valt op."
        )
        + "</p>"
    )
    parts.append(ITEM_HELP)
    rows = []
    for s in stats:
        why = "; ".join(
            x for x in (f"p: {s.why_no_p}" if s.why_no_p else "", f"rir: {s.why_no_rir}" if s.why_no_rir else "") if x
        )
        rows.append(
            (
                [
                    f"<code>{_e(s.cel)}</code>",
                    _e(_points(s.punten_max)),
                    str(s.n),
                    _num(s.p),
                    _num(s.rir),
                    _e("; ".join(s.flags) or "–"),
                    _e(why or "–"),
                ],
                "let-op" if s.flags else "",
            )
        )
    parts.append(
        _table(
            "Itemanalyse per cel",
            ["cel", "max", "n", "p-waarde", "rir", "signaal", "geen waarde, omdat"],
            rows,
            numeric={1, 2, 3, 4},
        )
    )
    parts.append("<h2>Rubric: verdeling over de niveaus</h2>")
    if criteria:
        parts.append(
            "<p>Per criterium hoeveel ingeleverde studenten het beoordelingsblad op elk niveau zet. "
            "“Nog niet beoordeeld”: wel ingeleverd, geen punten voor dit criterium op het blad.</p>"
        )
        for crit in criteria:
            total = sum(n for _, _, n in crit.levels) + crit.not_scored
            rows = [
                (
                    [_e(_points(points)), _e(text), str(n), _num(100 * n / total if total else None, 0) + "%"],
                    "",
                )
                for points, text, n in crit.levels
            ]
            rows.append(
                (
                    [
                        "–",
                        "nog niet beoordeeld",
                        str(crit.not_scored),
                        _num(100 * crit.not_scored / total if total else None, 0) + "%",
                    ],
                    "",
                )
            )
            caption = f"{crit.vraag} ({crit.titel}): {crit.criterium}"
            parts.append(f"<h3>{_e(caption)}</h3>")
            parts.append(_table(caption, ["punten", "niveau", "studenten", "aandeel"], rows, numeric={0, 2, 3}))
    else:
        parts.append("<p>Deze opdracht heeft geen rubric.</p>")
    parts.append("<h2>Studenten die aandacht nodig hebben</h2>")
    needs = attention(data)
    if needs:
        parts.append(
            f"<p>{len(needs)} studenten: niet ingeleverd, nakijken mislukt, een signaal (bijvoorbeeld een "
            "gewijzigde testcel), te laat, nog niet helemaal nagekeken of een onvoldoende. Namen uit de "
            "klaslijst.</p>"
        )
        rows = [
            (
                [_e(r.student), _e(r.naam or "–"), _num(r.cijfer, 1), "<br>".join(_e(x) for x in reasons)],
                "",
            )
            for r, reasons in needs
        ]
        parts.append(_table("Studenten die aandacht nodig hebben", ["student", "naam", "cijfer", "waarom"], rows, {2}))
    else:
        parts.append("<p>Niemand: iedereen leverde op tijd in, zonder signalen, met een voldoende.</p>")
    return _page(f"Overzicht {data.name}", "".join(parts))


def course_rows(assignments: list[AssignmentData]) -> list[tuple[str, str, list[StudentResult]]]:
    """(student, name, one result per assignment) for every student of any assignment."""
    by_student: dict[str, dict[str, StudentResult]] = {}
    naam: dict[str, str] = {}
    for data in assignments:
        for row in data.students:
            by_student.setdefault(row.student, {})[data.name] = row
            naam[row.student] = naam.get(row.student) or row.naam
    return [
        (sid, naam[sid], [by_student[sid].get(a.name) or StudentResult(sid, naam[sid]) for a in assignments])
        for sid in sorted(by_student)
    ]


def _status(row: StudentResult) -> str:
    if not row.ingeleverd:
        return "niet ingeleverd"
    parts = []
    if row.seconds_late > 0:
        parts.append("te laat")
    if row.pending:
        parts.append("handmatig nakijken nog niet af")
    if row.failed:
        parts.append("mislukt")
    return ", ".join(parts)


def course_csv(assignments: list[AssignmentData]) -> str:
    header = ["student", "naam"]
    for a in assignments:
        header += [f"{a.name} punten", f"{a.name} max", f"{a.name} status"]
    rows = []
    for sid, naam, results in course_rows(assignments):
        line = [sid, naam]
        for a, r in zip(assignments, results):
            line += ["" if not r.ingeleverd else _points(round(r.score, 2)), _points(a.max_score), _status(r)]
        rows.append(line)
    return _csv([header, *rows])


def course_page(course: Course, assignments: list[AssignmentData]) -> str:
    rows_data = course_rows(assignments)
    svg, text = heatmap_svg(assignments)
    parts = [
        "<h1>Overzicht van de klas: alle opdrachten</h1>",
        f"<p>Gemaakt op {_stamp()} uit het cijferboek: {len(rows_data)} studenten, {len(assignments)} opdrachten. "
        "Per student en opdracht de punten, of <em>niet ingeleverd</em>, en of de inzending te laat was. Een "
        "overzicht per opdracht (itemanalyse, rubric, wie aandacht nodig heeft) maak je met "
        "<code>activering docent overzicht &lt;opdracht&gt;</code>.</p>",
        "<h2>Heatmap</h2>",
        _figure(svg, text),
        "<h2>Tabel</h2>",
    ]
    header = ["student", "naam", *[f"{a.name} (max {_points(a.max_score)})" for a in assignments]]
    rows = []
    for sid, naam, results in rows_data:
        cells = [_e(sid), _e(naam or "–")]
        for r in results:
            if not r.ingeleverd:
                cells.append("niet ingeleverd")
            else:
                status = _status(r)
                cells.append(_e(_points(round(r.score, 2)) + (f" ({status})" if status else "")))
        rows.append((cells, "let-op" if any(not r.ingeleverd or r.seconds_late > 0 for r in results) else ""))
    parts.append(_table("Punten per student en opdracht", header, rows))
    return _page("Overzicht van de klas", "".join(parts))


# --------------------------------------------------------------------------- the command


@dataclass
class OverzichtResult:
    html: Path
    csv: list[Path]
    students: int
    flagged: list[str] = field(default_factory=list)  # cells to look at again (one assignment)
    attention: int = 0
    notes: list[str] = field(default_factory=list)  # what the docent should know before reading the page


def _check(course: Course, assignment: str | None, output_dir: Path | str | None) -> list[str]:
    from activering.grading.config import check_course, gradebook_assignments

    check_course(course)
    if not course.db_path.exists():
        raise DocentError(f"Er is nog geen cijferboek ({course.db_path}): geef eerst een opdracht vrij en kijk hem na.")
    known = gradebook_assignments(course)
    if not known:
        raise DocentError(f"Het cijferboek {course.db_path} is leeg: er staat nog geen opdracht in.")
    if assignment is not None and assignment not in known:
        raise DocentError(f"Opdracht '{assignment}' staat niet in het cijferboek (wel: {', '.join(known)}).")
    if output_dir is not None and Path(output_dir).exists() and not Path(output_dir).is_dir():
        raise DocentError(f"Uitvoermap '{output_dir}' is een bestand, geen map.")
    return [assignment] if assignment else known


def overzicht(
    course: Course,
    assignment: str | None = None,
    output_dir: Path | str | None = None,
    on_progress: Progress | None = None,
) -> OverzichtResult:
    """Write the overview of ``assignment`` (or, without one, of the whole course) to ``output_dir``
    (default ``overzicht/`` in the course folder). Bad input raises DocentError before anything is written;
    a file edited since the last run is kept beside the new one (as ``cijfers`` does)."""
    from activering.grading.collect import student_names
    from activering.grading.grades import write_keeping_edits
    from activering.grading.nbapi import gradebook
    from activering.grading.rubrics import unapplied_assessments

    names = _check(course, assignment, output_dir)
    out = Path(output_dir) if output_dir else course.course_dir / "overzicht"
    roster = student_names(course)
    with gradebook(course) as gb:
        total = len(names) * len(set(roster) | {s.id for s in gb.students})
        if on_progress:
            on_progress(None, 0, total)
        datas = []
        notes = []
        for i, name in enumerate(names):
            datas.append(read_assignment(course, gb, name, roster, on_progress, i * total // len(names), total))
            if assignment:
                pending = unapplied_assessments(course, name, gb)
                if pending:
                    notes.append(
                        f"het beoordelingsblad heeft punten die nog niet in het cijferboek staan ({len(pending)}); "
                        f"draai 'activering docent beoordelingen {name}' voor een kloppend overzicht."
                    )
    if not any(r.ingeleverd for d in datas for r in d.students):
        where = f"'{assignment}'" if assignment else "deze cursus"
        raise DocentError(
            f"Er is voor {where} nog niets nagekeken in {course.db_path}: draai eerst activering docent nakijken."
        )
    if assignment is None:
        html_path, csv_path = out / f"{COURSE_FILES}.html", out / f"{COURSE_FILES}.csv"
        write_keeping_edits(out, {html_path: course_page(course, datas), csv_path: course_csv(datas)})
        return OverzichtResult(html_path, [csv_path], len(course_rows(datas)))
    data = datas[0]
    open_ = sum(1 for r in data.students if r.ingeleverd and r.pending)
    if open_:
        notes.append(
            f"bij {open_} inzending(en) is het handmatig nakijken nog niet af; die tellen nog niet mee in de "
            f"verdeling en de itemanalyse (zet de rubricpunten in het cijferboek met 'activering docent "
            f"beoordelingen {assignment}')."
        )
    counted = {r.student: r.cells for r in data.students if r.counted}
    stats = item_analysis(counted, data.maxima)
    criteria = rubric_levels(course, assignment, data)
    needs = attention(data)
    files = {
        out / f"{assignment}.html": assignment_page(course, data, stats, criteria, notes),
        out / f"{assignment}-items.csv": items_csv(stats),
        out / f"{assignment}-aandacht.csv": _csv(
            [
                ("student", "naam", "cijfer", "waarom"),
                *(
                    (r.student, r.naam, _num(r.cijfer, 1) if r.cijfer is not None else "", " | ".join(why))
                    for r, why in needs
                ),
            ]
        ),
    }
    if criteria:
        files[out / f"{assignment}-rubric.csv"] = _csv(
            [
                ("vraag", "criterium", "punten", "niveau", "studenten"),
                *(
                    (c.vraag, c.criterium, "" if p is None else _points(p), text, n)
                    for c in criteria
                    for p, text, n in [*c.levels, (None, "nog niet beoordeeld", c.not_scored)]
                ),
            ]
        )
    write_keeping_edits(out, files)
    return OverzichtResult(
        out / f"{assignment}.html",
        [p for p in files if p.suffix == ".csv"],
        len(data.students),
        [s.cel for s in stats if s.flags],
        len(needs),
        notes,
    )
