"""``cijfers``: a grades table from nbgrader's gradebook, with a 1–10 grade via the cesuur.

The export is nbgrader's own plugin point: :class:`CijfersExporter` is an ``ExportPlugin``, so
``activering docent cijfers`` and, from ``exercises/``, plain
``nbgrader export --exporter=activering.grading.grades.CijfersExporter [--to MAP]`` write the same
files from the same gradebook. The export only reads the gradebook: rubric scores are written
by the separate step ``beoordelingen``, and the export refuses while the sheet holds scores that
step has not written yet.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
from nbgrader.plugins import ExportPlugin
from traitlets import Unicode

from activering.files import write_atomic
from activering.grading.config import Cesuur, Course, DocentError
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


NOT_SUBMITTED = "niet ingeleverd"
MANUAL_PENDING = "handmatig nakijken nog niet af"


def manual_pending(submission) -> bool:
    """A grade cell still waits for the docent: it needs a manual grade and has none.

    nbgrader's own ``needs_manual_grade`` stays set on a test cell that was deleted and
    given 0 points by ``nakijken``; that cell is graded, so it does not count here.
    """
    return any(g.needs_manual_grade and g.manual_score is None for nb in submission.notebooks for g in nb.grades)


def _gradebook_name(student) -> str:
    return " ".join(p for p in (student.first_name, student.last_name) if p).strip()


def grades_table(
    course: Course,
    assignments: list[str] | None = None,
    on_progress: Callable[[str | None, int, int], None] | None = None,
    gb=None,
) -> pd.DataFrame:
    """One row per student (class list and gradebook), with name, points, remarks and grade.

    ``gb``: an open nbgrader ``Gradebook`` to read (default: the course's own)."""
    if gb is None:
        with gradebook(course) as own:
            return grades_table(course, assignments, on_progress, own)
    from activering.grading.collect import load_roster

    settings = course.config
    roster = load_roster(course)
    roster_names = dict(roster.students) if roster else {}
    rows: dict[str, dict] = {}
    names = assignments or [a.name for a in gb.assignments]
    known = {s.id: _gradebook_name(s) for s in gb.students}
    students = sorted(set(known) | set(roster_names))
    weights = {}
    total = len(names) * len(students)
    done = 0
    if on_progress:
        on_progress(None, 0, total)
    for name in names:
        assignment = gb.find_assignment(name)
        report = load_report(course, name)
        weights[name] = settings.opdrachten.get(name).weging if name in settings.opdrachten else 1.0
        scores = {s.student.id: s for s in assignment.submissions}
        for sid in students:
            row = rows.setdefault(sid, {"student": sid, "naam": roster_names.get(sid) or known.get(sid, "")})
            sub = scores.get(sid)
            status = report.get(sid)
            row[f"{name} punten"] = round(float(sub.score), 2) if sub is not None else 0.0
            row[f"{name} max"] = float(assignment.max_score)
            notes = []
            if sub is None:
                notes.append(NOT_SUBMITTED)
            elif manual_pending(sub):
                notes.append(MANUAL_PENDING)
            if status and status.status == FAILED:
                notes.append(status.reden)
            if status:
                notes += status.signalen
            if roster_names and sid not in roster_names:
                notes.append("staat niet op de klaslijst")
            row[f"{name} opmerkingen"] = " | ".join(notes)
            done += 1
            if on_progress:
                on_progress(f"{name}: {sid}", done, total)
    table = pd.DataFrame(list(rows.values()))
    if table.empty:
        return table
    total_weight = sum(weights.values()) or 1.0
    fraction = (
        sum(weights[n] * table[f"{n} punten"] / table[f"{n} max"].where(table[f"{n} max"] > 0, 1) for n in names)
        / total_weight
    )
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
    return (
        f"Histogram van de cijfers van {len(table)} studenten; {passed} hebben een voldoende, "
        f"het gemiddelde is {mean} en de mediaan {median}."
    )


def check_grades_input(course: Course, assignments: list[str] | None, output_dir: Path | str | None) -> list[str]:
    """Check everything ``cijfers`` reads before anything is written; returns the assignments."""
    from activering.grading.config import check_course, gradebook_assignments
    from activering.grading.rubrics import read_assessments

    check_course(course)
    if not course.db_path.exists():
        raise DocentError(f"Er is nog geen cijferboek ({course.db_path}): geef eerst een opdracht vrij en kijk hem na.")
    known = gradebook_assignments(course)
    for name in assignments or []:
        if name not in known:
            raise DocentError(
                f"Opdracht '{name}' staat niet in het cijferboek (wel: {', '.join(known) or 'nog geen enkele'})."
            )
    if output_dir is not None and Path(output_dir).exists() and not Path(output_dir).is_dir():
        raise DocentError(f"Uitvoermap '{output_dir}' is een bestand, geen map.")
    names = list(assignments or known)
    if not names:
        raise DocentError(f"Het cijferboek {course.db_path} heeft nog geen opdrachten: geef er eerst een vrij.")
    for name in names:
        read_assessments(course, name)  # refuses scores outside the rubric's levels
    return names


class CijfersExporter(ExportPlugin):
    """nbgrader export plugin: ``cijfers.csv``, ``cijfers-excel.csv`` (``;``, decimal comma, UTF-8 with
    BOM for Dutch Excel), and the histogram as ``cijfers.svg`` and ``cijfers.html`` in the folder
    ``to`` (default ``cijfers/`` in the course folder); ``assignment`` limits the assignments.

    Every student on the class list kept by ``verzamel`` has a row, "niet ingeleverd" where
    nothing was handed in. Bad input, and rubric scores not yet written by ``beoordelingen``,
    stop the export before anything is written.
    """

    instellingen = Unicode("", help="Map met config.yml en rubrics/ (standaard: grading/ naast de cursusmap).").tag(
        config=True
    )

    def __init__(self, course: Course | None = None, on_progress=None, extra_files=None, **kwargs):
        super().__init__(**kwargs)
        self._course = course
        self.on_progress = on_progress
        # (table, output folder) -> more files to write with the grade files (an LMS import file);
        # it may refuse with a DocentError before anything is written
        self.extra_files = extra_files
        self.result: GradesResult | None = None

    def course(self) -> Course:
        if self._course is None:
            coursedir = getattr(self.parent, "coursedir", None)
            root = coursedir.root if coursedir is not None else "."
            self._course = Course.at(Path(root).resolve(), self.instellingen or None)
        return self._course

    def export(self, gradebook) -> None:
        """Called by ``nbgrader export``: a DocentError becomes one logged line and exit code 1."""
        try:
            self.result = self.write(gradebook)
        except DocentError as exc:
            self.log.error("%s", str(exc).replace("\n", " "))
            raise SystemExit(1) from None
        self.log.info("Cijfers geschreven in %s", self.result.csv.parent)

    def write(self, gb) -> GradesResult:
        """Check the input, then write the grade files from the open gradebook ``gb``."""
        from activering.grading.rubrics import refuse_unapplied
        from activering.preamble import chart_svg

        course = self.course()
        names = check_grades_input(course, [str(a) for a in self.assignment] or None, self.to or None)
        for name in names:
            refuse_unapplied(course, name, gb)
        out = Path(self.to) if self.to else course.course_dir / "cijfers"
        table = grades_table(course, names, on_progress=self.on_progress, gb=gb)
        if self.student and not table.empty:
            table = table[table["student"].isin([str(s) for s in self.student])].reset_index(drop=True)
        if table.empty:
            raise DocentError("Er zijn nog geen studenten: verzamel en kijk eerst inzendingen na.")
        csv_path, excel_path = out / "cijfers.csv", out / "cijfers-excel.csv"
        svg_path, html_path = out / "cijfers.svg", out / "cijfers.html"
        extra = self.extra_files(table, out) if self.extra_files else {}
        text = chart_alt_text(table)
        svg = chart_svg(grades_chart(table), text)
        write_keeping_edits(
            out,
            {
                csv_path: table.to_csv(index=False),
                excel_path: "\ufeff" + table.to_csv(index=False, sep=";", decimal=","),
                svg_path: svg,
                html_path: (
                    "<!doctype html><html lang='nl'><meta charset='utf-8'><title>Cijferverdeling</title>"
                    f"<figure>{svg}<figcaption>{html.escape(text)}</figcaption></figure></html>"
                ),
                **extra,
            },
        )
        return GradesResult(table, csv_path, excel_path, svg_path, html_path)


def cijfers(
    course: Course | None = None,
    assignments: list[str] | None = None,
    output_dir: Path | str | None = None,
    on_progress: Callable[[str | None, int, int], None] | None = None,
    extra_files: Callable[[pd.DataFrame, Path], dict[Path, str]] | None = None,
) -> GradesResult:
    """The grade files of :class:`CijfersExporter` for ``course``; bad input raises DocentError
    before anything is written. ``extra_files``: see :class:`CijfersExporter` (``--formaat``)."""
    from activering.grading.config import check_course

    course = course or Course.default()
    check_course(course)
    if not course.db_path.exists():
        raise DocentError(f"Er is nog geen cijferboek ({course.db_path}): geef eerst een opdracht vrij en kijk hem na.")
    exporter = CijfersExporter(
        course, on_progress, extra_files, to=str(output_dir or ""), assignment=list(assignments or [])
    )
    with gradebook(course) as gb:
        return exporter.write(gb)


WRITTEN = ".geschreven.json"  # sha256 of each file as cijfers wrote it


def write_keeping_edits(out: Path, files: dict[Path, str]) -> None:
    """Write the grade files; one that is not exactly as cijfers last wrote it (edited in Excel,
    or from elsewhere) is kept as ``<naam>.vorige-<tijd><ext>`` first.

    A target that cannot be a file is refused before anything is written; a write that fails
    leaves that file as it was (temp file + rename) and names it in a DocentError."""
    import hashlib
    import json
    from datetime import datetime

    if out.exists() and not out.is_dir():
        raise DocentError(f"Uitvoermap '{out}' is een bestand, geen map.")
    for path in [*files, out / WRITTEN]:
        if path.exists() and not path.is_file():
            raise DocentError(
                f"Kan {path} niet schrijven: daar staat een map of iets anders dan een bestand; er is niets geschreven."
            )
    record_path = out / WRITTEN
    try:
        record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    except (OSError, ValueError):
        record = {}
    if not isinstance(record, dict):
        record = {}
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for path, content in files.items():
        try:
            if path.exists():
                current = hashlib.sha256(path.read_bytes()).hexdigest()
                if record.get(path.name) != current:
                    backup = path.with_name(f"{path.stem}.vorige-{stamp}{path.suffix}")
                    n = 1
                    while backup.exists():
                        n += 1
                        backup = path.with_name(f"{path.stem}.vorige-{stamp}-{n}{path.suffix}")
                    path.replace(backup)
            write_atomic(path, content)
        except OSError as exc:
            raise DocentError(
                f"Kan {path} niet schrijven ({exc.strerror or type(exc).__name__}); is het bestand "
                "geopend in Excel of alleen-lezen? Sluit het en probeer opnieuw."
            ) from None
        record[path.name] = hashlib.sha256(content.encode("utf-8")).hexdigest()
    try:
        write_atomic(record_path, json.dumps(record, indent=1))
    except OSError as exc:
        raise DocentError(f"Kan {record_path} niet schrijven ({exc.strerror or type(exc).__name__}).") from None
