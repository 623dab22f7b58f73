"""Command line for the synthetic data: ``activering data genereer``."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from activering.data.codebook import load_codebook
from activering.data.gebruik import gebruik
from activering.data.generate import generate, write_dataset
from activering.data.loader import DEFAULT_DATA_DIR

_CODEBOOK = load_codebook()

app = typer.Typer(
    help="Synthetische caseloaddata: fictieve cliënten, klantmanagers en gemeenten (geen echte personen).",
    no_args_is_help=True,
)


def _size(size: int) -> str:
    return f"{size:,} B" if size < 1024 else f"{size / 1024:,.0f} kB"


@app.callback()
def _data() -> None:
    """Synthetische caseloaddata: fictieve cliënten, klantmanagers en gemeenten (geen echte personen)."""


@app.command()
def genereer(
    clients: int = typer.Option(
        _CODEBOOK.generator.default_clients, "--clients", min=1, help="Aantal fictieve cliënten."
    ),
    seed: int = typer.Option(
        _CODEBOOK.generator.default_seed,
        "--seed",
        min=0,
        help="Startwaarde van het toeval: zelfde seed, zelfde bestanden.",
    ),
    uit: Path = typer.Option(DEFAULT_DATA_DIR, "--uit", help="Map waarin de CSV-bestanden komen."),
) -> None:
    """Genereer de synthetische tabellen en schrijf ze als CSV (UTF-8) naar een map."""
    console = Console()
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task(f"{clients:,} fictieve cliënten genereren (seed {seed})…", total=None)
        tables = generate(clients, seed)
        progress.update(task, description=f"CSV-bestanden schrijven naar {uit}…")
        paths = write_dataset(tables, uit)
    seconds = time.perf_counter() - started

    summary = RichTable(title="Synthetische data (geen echte personen)")
    summary.add_column("tabel")
    summary.add_column("bestand")
    summary.add_column("rijen", justify="right")
    summary.add_column("grootte", justify="right")
    for (name, frame), path in zip(tables.items(), paths):
        summary.add_row(name, path.name, f"{len(frame):,}", _size(path.stat().st_size))
    console.print(summary)
    console.print(f"Klaar in {seconds:.1f} s: {clients / seconds:,.0f} cliënten per seconde, in {uit}.")


# `activering data gebruik MAP`: the course on a trainer's own anonymised export (made with `activering anonimiseer`).
app.command()(gebruik)
