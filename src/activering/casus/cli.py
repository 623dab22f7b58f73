"""`activering casus …`: list, check and open casussen from the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from activering.casus.graph import graph_problems
from activering.casus.load import CASUS_DIR, CasusError, casus_paths, load_all_casussen, load_casus_file
from activering.casus.overzicht import overview, played_status, read_played

__all__ = ["app", "played_status"]

app = typer.Typer(help="Casussen: bekijken, controleren en klaarzetten voor JupyterLab.", no_args_is_help=True)
console = Console()


@app.command("lijst")
def list_casussen(map_: Path = typer.Option(CASUS_DIR, "--map", help="Map met casusbestanden (*.yml).")) -> None:
    """Toon alle casussen per thema, en welke je al hebt gespeeld (uit je journaal)."""
    console = Console()  # made here, so it takes the terminal's width at the time of the command
    played, note = read_played()
    if note:
        console.print(note, highlight=False)
    rows = overview(load_all_casussen(map_), played)
    table = Table("titel", "thema", "beslissingen", "gespeeld")
    # The slug is what a student types next: never shortened.
    table.columns.insert(0, Column("casus", no_wrap=True, min_width=max((len(r.slug) for r in rows), default=5)))
    for row in rows:
        table.add_row(row.slug, row.titel, row.thema, str(row.beslissingen), row.gespeeld)
    console.print(table)


@app.command("controleer")
def check(map_: Path = typer.Option(CASUS_DIR, "--map", help="Map met casusbestanden (*.yml).")) -> None:
    """Controleer elk casusbestand: velden, verwijzingen en vertakkingen."""
    failures = 0
    for path in casus_paths(map_):
        try:
            problems = graph_problems(load_casus_file(path))
        except CasusError as error:
            problems = [str(error)]
        failures += bool(problems)
        for problem in problems:
            console.print(f"[red]✗[/red] {path.name}: {problem}", highlight=False)
        if not problems:
            console.print(f"[green]✓[/green] {path.name}")
    if failures:
        raise typer.Exit(code=1)


@app.command("notebooks")
def notebooks(map_: Path = typer.Option(CASUS_DIR, "--map", help="Map met casusbestanden (*.yml).")) -> None:
    """Zet voor elke casus een notebook klaar in casussen/notebooks/ (om in JupyterLab te spelen)."""
    from activering.casus.overzicht import INDEX_NOTEBOOK
    from activering.casus.page import write_notebooks

    casussen = load_all_casussen(map_)
    write_notebooks(casussen, map_ / "notebooks")
    console.print(f"{len(casussen)} casusnotebooks en het overzicht ({INDEX_NOTEBOOK}) staan in {map_ / 'notebooks'}")


def klas_casussen(
    export: Path = typer.Argument(..., help="De zip uit de leeromgeving met de casusexports van de klas (of een map)."),
    uit: Path = typer.Option(Path("klaskeuzes"), "--uit", help="Map voor de pagina's (een HTML-bestand per casus)."),
    map_: Path = typer.Option(CASUS_DIR, "--map", help="Map met casusbestanden (*.yml)."),
) -> None:
    """Maak per casus een pagina voor de beamer: hoe de klas koos, het profiel en de gedeelde motiveringen."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from activering.casus.klas import KlasError, count_entries, read_exports, write_overviews

    errors = Console(stderr=True, soft_wrap=True)
    try:
        casussen = load_all_casussen(map_)
        if not export.exists():
            raise KlasError(f"{export}: bestaat niet.")
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("Exports lezen", total=count_entries(export))
            result, seen = read_exports(export, casussen, lambda n: progress.advance(task, n))
        written = write_overviews(result, casussen, uit)
    except (KlasError, CasusError) as error:
        errors.print(str(error).splitlines()[0], style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except OSError as error:
        errors.print(f"{uit}: kan niet schrijven ({error.strerror or error}).", style="red", markup=False)
        raise typer.Exit(1) from None
    for name, reason in result.skipped:
        console.print(f"[yellow]overgeslagen[/yellow] {escape(name)}: {escape(reason)}", highlight=False)
    used = sum(len(exports) for exports in result.exports.values())
    console.print(f"{used} exports gebruikt, {len(result.skipped)} overgeslagen (van {seen} bestanden).")
    for path in written:
        console.print(f"Geschreven: {path}", highlight=False)
