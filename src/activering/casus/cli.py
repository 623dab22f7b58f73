"""`activering casus …`: list, check and open casussen from the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from activering.casus.graph import graph_problems
from activering.casus.load import CASUS_DIR, CasusError, casus_paths, load_all_casussen, load_casus_file
from activering.casus.model import THEME_TITLES

app = typer.Typer(help="Casussen: bekijken, controleren en klaarzetten voor JupyterLab.", no_args_is_help=True)
console = Console()


@app.command("lijst")
def list_casussen(map_: Path = typer.Option(CASUS_DIR, "--map", help="Map met casusbestanden (*.yml).")) -> None:
    """Toon alle casussen per thema."""
    table = Table("casus", "titel", "thema", "beslissingen")
    for casus in load_all_casussen(map_):
        table.add_row(casus.slug, casus.titel, THEME_TITLES[casus.thema], str(len(casus.beslissingen)))
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
    from activering.casus.page import write_notebooks

    casussen = load_all_casussen(map_)
    write_notebooks(casussen, map_ / "notebooks")
    console.print(f"{len(casussen)} casusnotebooks staan in {map_ / 'notebooks'}")
