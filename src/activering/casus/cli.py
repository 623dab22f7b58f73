"""`activering casus …`: list, check and open casussen from the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Column, Table

from activering.casus.graph import graph_problems
from activering.casus.load import CASUS_DIR, CasusError, casus_paths, load_all_casussen, load_casus_file
from activering.casus.model import THEME_TITLES, Theme
from activering.journal import Journal, JournalError

app = typer.Typer(help="Casussen: bekijken, controleren en klaarzetten voor JupyterLab.", no_args_is_help=True)
console = Console()


@app.command("lijst")
def list_casussen(map_: Path = typer.Option(CASUS_DIR, "--map", help="Map met casusbestanden (*.yml).")) -> None:
    """Toon alle casussen per thema, en welke je al hebt gespeeld (uit je journaal)."""
    console = Console()  # made here, so it takes the terminal's width at the time of the command
    try:
        played = played_status(Journal())
    except JournalError as error:
        console.print(f"Je journaal is niet te lezen ({error}); de lijst toont daarom niet wat je al speelde.")
        played = {}
    order = list(Theme)
    casussen = sorted(load_all_casussen(map_), key=lambda c: (order.index(c.thema), c.titel))
    table = Table("titel", "thema", "beslissingen", "gespeeld")
    # The slug is what a student types next: never shortened.
    table.columns.insert(0, Column("casus", no_wrap=True, min_width=max((len(c.slug) for c in casussen), default=5)))
    for casus in casussen:
        table.add_row(
            casus.slug,
            casus.titel,
            THEME_TITLES[casus.thema],
            str(len(casus.beslissingen)),
            played.get(casus.slug, "nee"),
        )
    console.print(table)


def played_status(journal: Journal) -> dict[str, str]:
    """Per casus slug: 'ja' when a run reached the end, 'bezig' when only an unfinished run exists."""
    status: dict[str, str] = {}
    for run in journal.runs():
        if run["finished"]:
            status[run["casus"]] = "ja"
        else:
            status.setdefault(run["casus"], "bezig")
    return status


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
    from activering.casus.page import write_notebooks

    casussen = load_all_casussen(map_)
    write_notebooks(casussen, map_ / "notebooks")
    console.print(f"{len(casussen)} casusnotebooks staan in {map_ / 'notebooks'}")
