"""``activering docent …``: release, collect, grade, feedback and grades (Dutch help texts)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from activering.grading.config import Course

app = typer.Typer(help="Opdrachten vrijgeven, inzendingen verzamelen, nakijken, feedback en cijfers.",
                  no_args_is_help=True)
console = Console()

CursusMap = typer.Option(None, "--cursus", help="nbgrader-cursusmap (standaard: exercises/ van deze cursus).")
NakijkMap = typer.Option(None, "--instellingen", help="Map met config.yml en rubrics/ (standaard: grading/ naast de cursusmap).")


def _course(cursus: Optional[Path], instellingen: Optional[Path]) -> Course:
    return Course.at(cursus, instellingen)


@app.command()
def vrijgeven(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht (map in exercises/source/)."),
    cursus: Optional[Path] = CursusMap,
    instellingen: Optional[Path] = NakijkMap,
) -> None:
    """Maak de studentversie (zonder oplossingen en verborgen tests) en een zip voor de leeromgeving."""
    from activering.grading.release import ReleaseError, vrijgeven as run

    try:
        result = run(opdracht, _course(cursus, instellingen))
    except ReleaseError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    console.print(f"Studentversie: {result.release_dir}")
    console.print(f"Zip om te uploaden in de leeromgeving: [bold]{result.zip_path}[/bold]")
    console.print("Gecontroleerd: geen oplossingen, geen verborgen tests, geen uitvoer.")


@app.command()
def verzamel(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht."),
    bron: Path = typer.Argument(..., help="Zip-export uit Brightspace, Canvas of Moodle, of een map met een submap per student."),
    klaslijst: Optional[Path] = typer.Option(None, help="CSV met studentnummer, naam en eventueel lms_id/email."),
    cursus: Optional[Path] = CursusMap,
    instellingen: Optional[Path] = NakijkMap,
) -> None:
    """Zet inzendingen klaar om na te kijken en meld bestanden die bij niemand horen."""
    from activering.grading.collect import verzamel as run

    result = run(opdracht, bron, _course(cursus, instellingen), klaslijst=klaslijst)
    console.print(f"Herkend als: {result.lms}. {len(result.placed)} studenten klaargezet in submitted/.")
    if result.unplaced:
        table = Table(title="Niet geplaatst", show_lines=False)
        table.add_column("Bestand")
        table.add_column("Reden")
        for path, reason in result.unplaced:
            table.add_row(path, reason)
        console.print(table)


@app.command()
def nakijken(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", help="Aantal parallelle processen (standaard: aantal kernen)."),
    student: Optional[list[str]] = typer.Option(None, "--student", help="Alleen deze student(en)."),
    opnieuw: bool = typer.Option(False, "--opnieuw", help="Ook ongewijzigde, al nagekeken inzendingen opnieuw nakijken."),
    cursus: Optional[Path] = CursusMap,
    instellingen: Optional[Path] = NakijkMap,
) -> None:
    """Kijk alle inzendingen automatisch na, parallel, met tijd- en geheugenlimiet.

    Veilig om opnieuw te draaien: ongewijzigde inzendingen worden overgeslagen en een
    onderbroken run gaat verder waar hij stopte.
    """
    from activering.grading.autograde import GradingError, nakijken as run
    from activering.grading.sandbox import SandboxUnavailable

    course = _course(cursus, instellingen)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task(f"Nakijken {opdracht}", total=None)

        def update(status, done, total):
            progress.update(task, total=total, completed=done,
                            description=f"Nakijken {opdracht}" + (f" — {status.student}" if status else ""))

        try:
            result = run(opdracht, course, students=student or None, workers=workers, opnieuw=opnieuw, on_progress=update)
        except (GradingError, SandboxUnavailable) as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1)
    table = Table(title=f"Nakijkverslag {opdracht}")
    for col in ("Student", "Status", "Autopunten", "Reden / signalen"):
        table.add_column(col)
    for st in sorted(result.graded, key=lambda s: s.student):
        notes = "; ".join(([st.reden] if st.reden else []) + st.signalen)
        colour = "red" if st.status == "mislukt" else ("yellow" if st.signalen else "green")
        table.add_row(st.student, f"[{colour}]{st.status}[/{colour}]", f"{st.autoscore:g}/{st.max_autoscore:g}", notes)
    console.print(table)
    console.print(f"{len(result.graded)} nagekeken in {result.seconds:.1f} s met {result.workers} processen; "
                  f"{len(result.failed)} mislukt, {len(result.flagged)} met signalen, "
                  f"{len(result.skipped)} overgeslagen (ongewijzigd).")
    if result.interrupted:
        console.print("[yellow]Onderbroken. Draai hetzelfde commando opnieuw om verder te gaan.[/yellow]")
        raise typer.Exit(130)


@app.command()
def feedback(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht."),
    cursus: Optional[Path] = CursusMap,
    instellingen: Optional[Path] = NakijkMap,
) -> None:
    """Schrijf per student een HTML-feedbackpagina met punten, rubric en opmerkingen."""
    from activering.grading.feedback_html import feedback as run

    written = run(opdracht, _course(cursus, instellingen))
    folder = next(iter(written.values())).parents[2] if written else None
    console.print(f"{len(written)} feedbackpagina's geschreven" + (f" in {folder}" if folder else "") + ".")


@app.command()
def rubricblad(
    opdracht: str = typer.Argument(..., help="Naam van de opdracht."),
    cursus: Optional[Path] = CursusMap,
    instellingen: Optional[Path] = NakijkMap,
) -> None:
    """Maak een leeg beoordelingsblad (CSV voor Excel) om de rubric per student in te vullen."""
    from activering.grading.autograde import find_submissions
    from activering.grading.rubrics import write_assessment_template

    course = _course(cursus, instellingen)
    path = write_assessment_template(course, opdracht, sorted(find_submissions(course, opdracht)))
    console.print(f"Beoordelingsblad: {path} (vul de kolom 'punten' in; feedback en cijfers lezen het in).")


@app.command()
def cijfers(
    opdracht: Optional[list[str]] = typer.Option(None, "--opdracht", help="Alleen deze opdracht(en); standaard alle."),
    uitvoer: Optional[Path] = typer.Option(None, help="Map voor de cijferbestanden (standaard exercises/cijfers/)."),
    cursus: Optional[Path] = CursusMap,
    instellingen: Optional[Path] = NakijkMap,
) -> None:
    """Maak de cijferlijst (CSV voor Excel en standaard-CSV) met cijfer 1–10 en een histogram."""
    from activering.grading.grades import cijfers as run

    result = run(_course(cursus, instellingen), opdracht or None, uitvoer)
    console.print(f"Voor Excel (puntkomma, decimale komma): [bold]{result.excel_csv}[/bold]")
    console.print(f"Standaard-CSV: {result.csv}")
    console.print(f"Histogram: {result.svg} en {result.html}")
