"""``activering docent …``: release, collect, grade, rubric, feedback and grades (Dutch help texts).

The commands are listed in ``--help`` in the order a docent uses them (the order of the steps in
book/voor-docenten.md). Every command checks its input before it writes anything; bad input
gives one Dutch line naming the file or name and the problem, and exit code 1. No Python
traceback reaches the docent: :func:`guarded` is the one place that catches anything unexpected;
it writes the traceback to ``nakijkverslag/fouten.log`` and prints one line, exit code 2. The
library code below it catches only the errors it expects.
"""

from __future__ import annotations

import functools
import re
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from activering.grading.config import Course, DocentError, check_assignment, check_course

_DUTCH_HELP = {
    "ARGUMENTS_PANEL_TITLE": "Argumenten",
    "OPTIONS_PANEL_TITLE": "Opties",
    "COMMANDS_PANEL_TITLE": "Commando's",
    "REQUIRED_LONG_STRING": "[verplicht]",
    "DEFAULT_STRING": "[standaard: {}]",
    "ERRORS_PANEL_TITLE": "Fout",
    "ABORTED_TEXT": "Afgebroken.",
    "RICH_HELP": "Zie [blue]'{command_path} {help_option}'[/] voor hulp.",
}


@contextmanager
def _dutch_help():
    """Typer's fixed help strings in Dutch while a docent command runs (restored afterwards)."""
    from typer import rich_utils

    saved = {name: getattr(rich_utils, name) for name in _DUTCH_HELP if hasattr(rich_utils, name)}
    for name in saved:
        setattr(rich_utils, name, _DUTCH_HELP[name])
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(rich_utils, name, value)


class _DutchHelp:
    """Dutch usage line and help option for a command or group."""

    def get_help_option(self, ctx: click.Context):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Toon deze hulp en stop."
        return option

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.options_metavar = "[OPTIES]"
        if hasattr(self, "subcommand_metavar"):
            self.subcommand_metavar = "COMMANDO [ARGUMENTEN]..."
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="Gebruik: ")


class _DutchCommand(_DutchHelp, typer.core.TyperCommand):
    pass


class _DutchGroup(_DutchHelp, typer.core.TyperGroup):
    """Commands in the order of the steps, help in Dutch, click's usage errors in one Dutch line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # definition order = the steps in the book

    def make_context(self, *args, **kwargs):
        with _dutch_help():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            with _dutch_help():
                return super().invoke(ctx)
        except click.UsageError as exc:
            raise fail(_dutch_usage(exc, ctx), 2) from None


def _dutch_usage(exc: click.UsageError, ctx: click.Context) -> str:
    command = " ".join(a for a in (exc.ctx.command_path if exc.ctx else ctx.command_path,) if a)
    hint = f" Zie '{command} --help'."
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        kind = "argument" if isinstance(exc.param, click.Argument) else "optie"
        return f"Ontbrekend {kind} '{exc.param.human_readable_name}'.{hint}"
    if isinstance(exc, click.NoSuchOption):
        return f"Onbekende optie '{exc.option_name}'.{hint}"
    if isinstance(exc, click.BadParameter):
        param = exc.param
        name = (param.opts[0] if isinstance(param, click.Option) else param.human_readable_name) if param else ""
        text = re.sub(r"^'?(.*?)'? is not a valid (integer|float|boolean).*$", r"'\1' is geen getal", exc.message)
        text = re.sub(r"^(.*?) is not in the range.*$", r"\1 valt buiten het toegestane bereik", text)
        text = re.sub(r"^(?:File|Path|Directory) '(.*?)' does not exist.*$", r"'\1' bestaat niet", text)
        return f"Ongeldige waarde voor '{name}': {text}.{hint}"
    message = exc.format_message()
    if message.startswith("No such command"):
        wanted = message.split("'")[1] if "'" in message else message
        return f"Onbekend commando '{wanted}'. Kies uit: {', '.join(ctx.command.list_commands(ctx))}."
    if message.startswith("Got unexpected extra argument"):
        return f"Te veel argumenten ({message.split('(')[-1].rstrip(')')}).{hint}"
    return f"Ongeldige invoer: {message}{hint}"


app = typer.Typer(
    cls=_DutchGroup,
    help="Opdrachten vrijgeven, inzendingen verzamelen, nakijken, rubric, beoordelingen, "
    "feedback en cijfers (in die volgorde).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True, highlight=False)

CursusMap = typer.Option(None, "--cursus", help="nbgrader-cursusmap (standaard: exercises/ van deze cursus).")
NakijkMap = typer.Option(
    None, "--instellingen", help="Map met config.yml en rubrics/ (standaard: grading/ naast de cursusmap)."
)

# A progress bar from this many students on (a small class is done before a bar is useful).
PROGRESS_FROM = 10


def fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(message, style="red", markup=False)
    return typer.Exit(code)


def _log_unexpected(command: str, kwargs: dict) -> Path | None:
    """Append the traceback being handled to the course's error log; its path, or None."""
    try:
        course = Course.at(kwargs.get("cursus"), kwargs.get("instellingen"))
        course.status_dir.mkdir(parents=True, exist_ok=True)
        log = course.status_dir / "fouten.log"
        with open(log, "a", encoding="utf-8") as out:
            out.write(
                f"=== {time.strftime('%Y-%m-%d %H:%M:%S')} activering docent {command}\n"
                f"{traceback.format_exc().strip()}\n"
            )
        return log
    except (OSError, DocentError, ValueError):
        return None


def guarded(command: Callable) -> Callable:
    """Turn DocentError (bad input) into one red line and exit 1; anything else into one line, exit 2.

    The command-line boundary: the only place that catches any error, so that no traceback reaches
    the docent. The traceback goes to ``nakijkverslag/fouten.log`` for whoever maintains the course."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except DocentError as exc:
            raise fail(str(exc).replace("\n", " ")) from None
        except KeyboardInterrupt:
            raise fail("Afgebroken.", 130) from None
        except Exception as exc:  # noqa: BLE001 - the CLI boundary: one line for the docent, traceback to the log
            first = (str(exc).strip().splitlines() or [""])[0][:300]
            log = _log_unexpected(command.__name__, kwargs)
            where = f"; details in {log}" if log else ""
            raise fail(
                f"Onverwachte fout in '{command.__name__}': {type(exc).__name__}: {first} "
                f"(meld dit bij de beheerder van de cursus{where}).",
                2,
            ) from None

    return wrapper


def _course(cursus: Path | None, instellingen: Path | None) -> Course:
    if cursus is not None and not Path(cursus).is_dir():
        raise DocentError(f"Cursusmap '{cursus}' bestaat niet of is geen map.")
    if instellingen is not None and not Path(instellingen).is_dir():
        raise DocentError(f"Instellingenmap '{instellingen}' bestaat niet of is geen map.")
    course = Course.at(cursus, instellingen)
    check_course(course)
    return course


class _Bar:
    """A rich progress bar that only appears for a large class, and only once the total is known."""

    def __init__(self, label: str, minimum: int | None = None):
        self.label = label
        self.minimum = PROGRESS_FROM if minimum is None else minimum
        self.progress: Progress | None = None
        self.task = None

    def __call__(self, item: str | None, done: int, total: int) -> None:
        if self.progress is None:
            if total < self.minimum:
                return
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            )
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=total)
        self.progress.update(
            self.task, completed=done, total=total, description=self.label + (f" — {item}" if item else "")
        )

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _warn_unknown_in_sheet(assignment: str, unknown: set[str]) -> None:
    if unknown:
        shown = ", ".join(sorted(unknown)[:10]) + (" …" if len(unknown) > 10 else "")
        console.print(
            f"[yellow]Let op: het beoordelingsblad van {assignment} noemt studenten zonder nagekeken "
            f"inzending (niet meegeteld): {shown}[/yellow]"
        )


def _names(course: Course) -> dict[str, str]:
    from activering.grading.collect import student_names

    return student_names(course)


@app.command(cls=_DutchCommand)
@guarded
def vrijgeven(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht (map in exercises/source/)."),
    cursus: Path | None = CursusMap,
    instellingen: Path | None = NakijkMap,
) -> None:
    """Stap 1. Maak de studentversie (zonder oplossingen en verborgen tests) en een zip voor de leeromgeving."""
    from activering.grading.release import ReleaseError
    from activering.grading.release import vrijgeven as run

    course = _course(cursus, instellingen)
    check_assignment(course, opdracht)
    if not (course.folder("source") / opdracht).is_dir():
        raise DocentError(
            f"Opdracht '{opdracht}' staat niet in {course.folder('source')} (alleen een oude "
            "studentversie in release/)."
        )
    try:
        result = run(opdracht, course)
    except ReleaseError as exc:
        raise fail(str(exc)) from None
    console.print(f"Studentversie: {result.release_dir}")
    console.print(f"Zip om te uploaden in de leeromgeving: [bold]{result.zip_path}[/bold]")
    console.print("Gecontroleerd: geen oplossingen, geen verborgen tests, geen uitvoer.")
    from activering.grading.ophalen import hub_url, lms_link

    if hub := hub_url(course.course_dir.parent):
        console.print(
            "Met de JupyterHub van de klas (na vrijgeven in de formgrader): link voor de leeromgeving, "
            f"opent de opdracht in JupyterLab: [bold]{lms_link(hub, opdracht)}[/bold]",
            soft_wrap=True,
        )


@app.command(cls=_DutchCommand)
@guarded
def verzamel(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht."),
    bron: Path = typer.Argument(
        ..., help="Zip-export uit Brightspace, Canvas of Moodle, of een map met een submap per student."
    ),
    klaslijst: Path | None = typer.Option(
        None, help="CSV met studentnummer, naam en eventueel lms_id/email; wordt bewaard voor de cijferlijst."
    ),
    cursus: Path | None = CursusMap,
    instellingen: Path | None = NakijkMap,
) -> None:
    """Stap 2. Zet inzendingen klaar om na te kijken en meld per student wat er gebeurde.

    Een eerder verzamelde inzending wordt nooit weggegooid: bij een nieuwe versie wordt de vorige bewaard in nakijkverslag/eerdere-inzendingen/.
    """
    from activering.grading.collect import verzamel as run

    course = _course(cursus, instellingen)
    check_assignment(course, opdracht, released=True)
    with _Bar(f"Verzamelen {opdracht}") as bar:
        result = run(opdracht, bron, course, klaslijst=klaslijst, on_progress=bar)
    counts: dict[str, int] = {}
    for st in result.students:
        counts[st.status] = counts.get(st.status, 0) + 1
    if result.students:
        table = Table(title=f"Verzameld: {opdracht}")
        for col in ("Student", "Naam", "Wat er gebeurde", "Bestanden"):
            table.add_column(col)
        colours = {"nieuw": "green", "ongewijzigd": "dim"}
        for st in sorted(result.students, key=lambda s: s.student):
            what = st.status + (f"; {st.note}" if st.note else "")
            if st.backup is not None:
                shown = (
                    st.backup.relative_to(course.course_dir)
                    if st.backup.is_relative_to(course.course_dir)
                    else st.backup
                )
                what += f" (vorige in {shown})"
            colour = colours.get(st.status, "yellow")
            table.add_row(st.student, st.naam, f"[{colour}]{what}[/{colour}]", ", ".join(st.files))
        console.print(table)
    summary = ", ".join(f"{n} {status.split(' — ')[0]}" for status, n in sorted(counts.items())) or "niemand"
    console.print(f"Herkend als: {result.lms}. Per student: {summary}.")
    if result.absent:
        console.print(
            f"{len(result.absent)} eerder verzamelde student(en) niet in deze export; hun inzending blijft staan."
        )
    if result.roster_saved:
        console.print(f"Klaslijst bewaard in {result.roster_saved} (voor de cijferlijst).")
    from activering.grading.autograde import find_submissions

    names = _names(course)
    missing = sorted(set(names) - set(find_submissions(course, opdracht)))
    if missing:
        shown = ", ".join(f"{sid} ({names[sid]})" if names[sid] else sid for sid in missing[:10])
        console.print(
            f"Niet ingeleverd volgens de klaslijst ({len(missing)}): {shown}" + (" …" if len(missing) > 10 else "")
        )
    if result.unplaced:
        table = Table(title="Niet geplaatst")
        table.add_column("Bestand")
        table.add_column("Reden")
        for path, reason in result.unplaced:
            table.add_row(path, reason)
        console.print(table)


def _check_timestamps(course: Course, assignment: str, students: list[str]) -> None:
    """nbgrader cannot read a submission with a broken timestamp.txt: refuse before grading."""
    from activering.grading.collect import _parse_timestamp

    for sid in students:
        stamp = course.folder("submitted") / sid / assignment / "timestamp.txt"
        if stamp.exists():
            text = stamp.read_text(encoding="utf-8", errors="replace").strip()
            if _parse_timestamp(text) is None:
                raise DocentError(
                    f"{stamp}: ongeldige datum '{text[:40]}' (verwacht bijvoorbeeld "
                    "2025-09-12 14:02:00); verbeter of verwijder dit bestand."
                )


@app.command(cls=_DutchCommand)
@guarded
def nakijken(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht."),
    workers: int | None = typer.Option(
        None, "--workers", "-j", help="Aantal parallelle processen (standaard: aantal kernen)."
    ),
    student: list[str] | None = typer.Option(None, "--student", help="Alleen deze student(en)."),
    opnieuw: bool = typer.Option(
        False, "--opnieuw", help="Ook ongewijzigde, al nagekeken inzendingen opnieuw nakijken."
    ),
    cursus: Path | None = CursusMap,
    instellingen: Path | None = NakijkMap,
) -> None:
    """Stap 3. Kijk alle inzendingen automatisch na, parallel, met tijd- en geheugenlimiet.

    Veilig om opnieuw te draaien: ongewijzigde inzendingen worden overgeslagen en een onderbroken run gaat verder waar hij stopte.
    """
    from activering.grading.autograde import GradingError, find_submissions
    from activering.grading.autograde import nakijken as run
    from activering.grading.sandbox import SandboxUnavailable, require_sandbox

    course = _course(cursus, instellingen)
    if workers is not None and workers < 1:
        raise DocentError(f"--workers moet 1 of meer zijn, niet {workers}.")
    check_assignment(course, opdracht, released=True, graded=True)
    submissions = find_submissions(course, opdracht)
    for sid in student or []:
        if sid not in submissions:
            raise DocentError(
                f"Student '{sid}' heeft geen inzending voor '{opdracht}' in {course.folder('submitted')}."
            )
    _check_timestamps(course, opdracht, list(student or submissions))
    try:
        if course.config.nakijken.afscherming:
            require_sandbox()
    except SandboxUnavailable as exc:
        raise fail(str(exc)) from None
    names = _names(course)
    with _Bar(f"Nakijken {opdracht}", minimum=1) as bar:

        def update(status, done, total):
            bar(status.student if status else None, done, total)

        try:
            result = run(
                opdracht, course, students=student or None, workers=workers, opnieuw=opnieuw, on_progress=update
            )
        except (GradingError, SandboxUnavailable) as exc:
            bar.close()
            raise fail(str(exc)) from None
    table = Table(title=f"Nakijkverslag {opdracht}")
    for col in ("Student", "Naam", "Status", "Autopunten", "Reden / signalen"):
        table.add_column(col)
    for st in sorted(result.graded, key=lambda s: s.student):
        notes = "; ".join(([st.reden] if st.reden else []) + st.signalen)
        colour = "red" if st.status == "mislukt" else ("yellow" if st.signalen else "green")
        table.add_row(
            st.student,
            names.get(st.student, ""),
            f"[{colour}]{st.status}[/{colour}]",
            f"{st.autoscore:g}/{st.max_autoscore:g}",
            notes,
        )
    if not student:
        for sid in sorted(set(names) - set(submissions)):
            table.add_row(sid, names[sid], "[red]niet ingeleverd[/red]", "", "staat op de klaslijst, geen inzending")
    console.print(table)
    console.print(
        f"{len(result.graded)} nagekeken in {result.seconds:.1f} s met {result.workers} processen; "
        f"{len(result.failed)} mislukt, {len(result.flagged)} met signalen, "
        f"{len(result.skipped)} overgeslagen (ongewijzigd)."
    )
    if result.interrupted:
        console.print("[yellow]Onderbroken. Draai hetzelfde commando opnieuw om verder te gaan.[/yellow]")
        raise typer.Exit(130)


@app.command(cls=_DutchCommand)
@guarded
def rubricblad(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht."),
    cursus: Path | None = CursusMap,
    instellingen: Path | None = NakijkMap,
) -> None:
    """Stap 4. Maak een leeg beoordelingsblad (CSV voor Excel) om de rubric per student in te vullen.

    Een blad waarin al punten of opmerkingen staan wordt nooit overschreven.
    """
    from activering.grading.autograde import find_submissions
    from activering.grading.rubrics import write_assessment_template

    course = _course(cursus, instellingen)
    check_assignment(course, opdracht, released=True)
    path = write_assessment_template(course, opdracht, sorted(find_submissions(course, opdracht)), _names(course))
    console.print(f"Beoordelingsblad: {path}")
    console.print(
        f"Vul de kolom 'punten' in met een niveau uit de kolom 'niveaus' en zet de punten daarna in het "
        f"cijferboek met: activering docent beoordelingen {opdracht}"
    )


@app.command(cls=_DutchCommand)
@guarded
def beoordelingen(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht."),
    cursus: Path | None = CursusMap,
    instellingen: Path | None = NakijkMap,
) -> None:
    """Stap 5. Zet de punten en opmerkingen uit het ingevulde beoordelingsblad in het cijferboek.

    Draai dit opnieuw na elke wijziging in het blad; feedback en cijfers weigeren zolang het blad punten heeft die nog niet in het cijferboek staan.
    """
    from activering.grading.nbapi import gradebook
    from activering.grading.rubrics import apply_assessments, assessments_path, read_assessments

    course = _course(cursus, instellingen)
    check_assignment(course, opdracht, released=True, graded=True)
    sheet = assessments_path(course, opdracht)
    if not sheet.exists():
        raise DocentError(
            f"Beoordelingsblad {sheet} bestaat niet: maak het met 'activering docent rubricblad "
            f"{opdracht}' en vul het in."
        )
    scores = read_assessments(course, opdracht)  # refuses scores outside the rubric before anything is written
    if not scores:
        raise DocentError(f"Beoordelingsblad {sheet} heeft nog geen punten: vul de kolom 'punten' in.")
    with gradebook(course) as gb:
        ids = {s.student.id for s in gb.find_assignment(opdracht).submissions}
    if not ids:
        raise DocentError(
            f"Er is voor '{opdracht}' nog niets nagekeken: draai eerst activering docent nakijken {opdracht}."
        )
    count = apply_assessments(course, opdracht)
    _warn_unknown_in_sheet(opdracht, set(scores) - ids)
    console.print(f"{count} beoordeelde antwoorden van {len(set(scores) & ids)} student(en) staan in het cijferboek.")


@app.command(cls=_DutchCommand)
@guarded
def feedback(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht."),
    cursus: Path | None = CursusMap,
    instellingen: Path | None = NakijkMap,
) -> None:
    """Stap 6. Schrijf per student een HTML-feedbackpagina met punten, rubric en opmerkingen."""
    from activering.files import write_atomic
    from activering.grading.feedback_html import render_feedback
    from activering.grading.nbapi import gradebook
    from activering.grading.rubrics import read_assessments, refuse_unapplied

    course = _course(cursus, instellingen)
    check_assignment(course, opdracht, released=True, graded=True)
    scores = read_assessments(course, opdracht)  # refuses scores outside the rubric before anything is written
    with gradebook(course) as gb:
        ids = sorted(s.student.id for s in gb.find_assignment(opdracht).submissions)
        if ids:
            refuse_unapplied(course, opdracht, gb)  # the gradebook must hold what the sheet says
    if not ids:
        raise DocentError(
            f"Er is voor '{opdracht}' nog niets nagekeken: draai eerst activering docent nakijken {opdracht}."
        )
    _warn_unknown_in_sheet(opdracht, set(scores) - set(ids))
    # the same pages as feedback_html.feedback, one student at a time for the progress bar
    written = {}
    with _Bar(f"Feedback {opdracht}") as bar:
        bar(None, 0, len(ids))
        for done, sid in enumerate(ids, start=1):
            path = course.folder("feedback") / sid / opdracht / f"{opdracht}.html"
            write_atomic(path, render_feedback(course, opdracht, sid))
            written[sid] = path
            bar(sid, done, len(ids))
    console.print(f"{len(written)} feedbackpagina's geschreven in {course.folder('feedback')}.")
    missing = sorted(set(_names(course)) - set(ids))
    if missing:
        console.print(
            f"Geen feedback voor {len(missing)} student(en) van de klaslijst zonder nagekeken inzending: "
            + ", ".join(missing[:10])
            + (" …" if len(missing) > 10 else "")
        )


@app.command(cls=_DutchCommand)
@guarded
def cijfers(
    opdracht: list[str] | None = typer.Option(None, "--opdracht", help="Alleen deze opdracht(en); standaard alle."),
    uitvoer: Path | None = typer.Option(None, help="Map voor de cijferbestanden (standaard exercises/cijfers/)."),
    formaat: str | None = typer.Option(
        None,
        "--formaat",
        help="Maak ook het importbestand voor het LMS: brightspace, canvas of moodle (punten per opdracht, "
        "met de LMS-gegevens uit de klaslijst).",
    ),
    lms_item: str | None = typer.Option(
        None,
        "--lms-item",
        help="Naam van het cijferonderdeel in het LMS (bij één opdracht); standaard de titel uit "
        "grading/config.yml, anders de naam van de opdracht.",
    ),
    cursus: Path | None = CursusMap,
    instellingen: Path | None = NakijkMap,
) -> None:
    """Stap 7. Maak de cijferlijst (CSV voor Excel en standaard-CSV) met cijfer 1–10 en een histogram.

    Iedere student van de klaslijst staat erin; wie niets inleverde met 'niet ingeleverd'.

    Met --formaat ook het importbestand voor Brightspace, Canvas of Moodle.
    """
    from activering.grading.grades import MANUAL_PENDING
    from activering.grading.grades import cijfers as run
    from activering.grading.lms_export import FORMATS, lms_files
    from activering.grading.nbapi import gradebook
    from activering.grading.rubrics import read_assessments

    if lms_item is not None and formaat is None:
        raise DocentError("--lms-item hoort bij --formaat: kies ook brightspace, canvas of moodle.")
    course = _course(cursus, instellingen)
    extra = lms_files(course, formaat, lms_item) if formaat is not None else None
    with _Bar("Cijfers") as bar:
        result = run(course, opdracht or None, uitvoer, on_progress=bar, extra_files=extra)
    with gradebook(course) as gb:
        for name in opdracht or [a.name for a in gb.assignments]:
            graded = {s.student.id for s in gb.find_assignment(name).submissions}
            _warn_unknown_in_sheet(name, set(read_assessments(course, name)) - graded)
    console.print(f"Voor Excel (puntkomma, decimale komma): [bold]{result.excel_csv}[/bold]")
    console.print(f"Standaard-CSV: {result.csv}")
    console.print(f"Histogram: {result.svg} en {result.html}")
    absent = int(
        result.table.filter(like="opmerkingen")
        .apply(lambda col: col.str.contains("niet ingeleverd", regex=False))
        .any(axis=1)
        .sum()
    )
    console.print(f"{len(result.table)} studenten, van wie {absent} iets niet ingeleverd hebben.")
    if formaat is not None:
        spec = FORMATS[formaat.strip().lower()]
        console.print(f"Voor {spec.label} (importbestand): [bold]{result.csv.parent / spec.filename}[/bold]")
        pending = result.table.filter(like="opmerkingen").apply(
            lambda col: col.str.contains(MANUAL_PENDING, regex=False)
        )
        if pending.any(axis=None):
            n = int(pending.any(axis=1).sum())
            console.print(
                f"[yellow]Let op: bij {n} {'student' if n == 1 else 'studenten'} is het handmatig nakijken "
                f"nog niet af; die punten in het importbestand zijn voorlopig.[/yellow]"
            )


@app.command(cls=_DutchCommand)
@guarded
def overzicht(
    opdracht: str | None = typer.Argument(
        None, help="Naam van de opdracht; zonder naam: de hele cursus (student × opdracht)."
    ),
    uitvoer: Path | None = typer.Option(None, help="Map voor de overzichtsbestanden (standaard exercises/overzicht/)."),
    cursus: Path | None = CursusMap,
    instellingen: Path | None = NakijkMap,
) -> None:
    """Stap 8. Een overzicht van de klas (HTML-pagina en CSV): cijferverdeling, itemanalyse, rubric en wie aandacht nodig heeft.

    Zonder opdracht: alle opdrachten per student (punten, niet ingeleverd, te laat) als tabel en heatmap. Leest het cijferboek alleen.
    """
    from activering.grading.overzicht import overzicht as run

    course = _course(cursus, instellingen)
    with _Bar(f"Overzicht {opdracht or 'alle opdrachten'}") as bar:
        result = run(course, opdracht, uitvoer, on_progress=bar)
    for note in result.notes:
        console.print(f"Let op: {note}", style="yellow", markup=False)
    console.print(f"Pagina (opent zonder internet): [bold]{result.html}[/bold]")
    for path in result.csv:
        console.print(f"Voor Excel (puntkomma, decimale komma): {path}")
    if opdracht:
        flagged = ", ".join(result.flagged) or "geen"
        console.print(
            f"{result.students} studenten; vragen om nog eens naar te kijken: {flagged}; "
            f"{result.attention} student(en) die aandacht nodig hebben."
        )
    else:
        console.print(f"{result.students} studenten.")
