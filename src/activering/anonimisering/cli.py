"""Command line: ``activering anonimiseer EXPORT... --uit MAP``."""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
from pathlib import Path

import typer
from rich.console import Console
from typer.core import TyperGroup

from activering.anonimisering.pipeline import PLAN_NAME, REPORT_NAME, run
from activering.anonimisering.read import ExportError

KEY_ENV = "ACTIVERING_SLEUTEL"


class _SingleCommand(TyperGroup):
    """A group without subcommands, so that `activering anonimiseer EXPORT... --uit MAP` reads as one command."""

    allow_interspersed_args = True

    def collect_usage_pieces(self, ctx):  # type: ignore[no-untyped-def]
        return [p for p in super().collect_usage_pieces(ctx) if "COMMAND" not in p and p != "[ARGS]..."]


app = typer.Typer(
    cls=_SingleCommand,
    help="Anonimiseer een echte caseload-export (CSV of .xlsx) voordat iemand anders hem ziet.",
    invoke_without_command=True,
    no_args_is_help=True,
)


def _inside(path: Path, folder: Path) -> bool:
    p, f = path.resolve(), folder.resolve()
    return p == f or f in p.parents


def resolve_key(key_file: Path | None, out_dir: Path, console: Console) -> tuple[bytes, str]:
    """The secret key: from a key file, $ACTIVERING_SLEUTEL, a prompt, or freshly generated."""
    if key_file is not None and _inside(key_file, out_dir):
        raise ExportError(key_file, "het sleutelbestand mag niet in de uitvoermap staan (de sleutel hoort niet bij het resultaat)")
    if key_file is not None and key_file.exists():
        try:
            text = key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ExportError(key_file, f"sleutelbestand is niet leesbaar ({error})") from None
        if not text:
            raise ExportError(key_file, "sleutelbestand is leeg")
        return hashlib.sha256(text.encode("utf-8")).digest(), f"uit het sleutelbestand {key_file.name}"
    if key_file is None and os.environ.get(KEY_ENV):
        return hashlib.sha256(os.environ[KEY_ENV].encode("utf-8")).digest(), f"uit de omgevingsvariabele {KEY_ENV}"
    if key_file is None and sys.stdin.isatty():
        text = typer.prompt("Geheime sleutel voor de schuilnamen (leeg laten: eenmalige nieuwe sleutel)",
                            default="", show_default=False, hide_input=True)
        if text.strip():
            return hashlib.sha256(text.strip().encode("utf-8")).digest(), "ingetypt"
    text = secrets.token_hex(32)
    if key_file is not None:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        console.print(f"Nieuwe sleutel bewaard in {key_file}: bewaar dit bestand veilig en buiten de uitvoermap.")
        return hashlib.sha256(text.encode("utf-8")).digest(), f"nieuw gemaakt en bewaard in {key_file.name}"
    console.print("Eenmalige sleutel gemaakt en niet bewaard: schuilnamen zijn bij een volgende run anders "
                  "(gebruik --sleutel-bestand om ze gelijk te houden).")
    return hashlib.sha256(text.encode("utf-8")).digest(), "eenmalig gemaakt en nergens bewaard"


@app.callback()
def anonimiseer(
    export: list[Path] = typer.Argument(..., help="Eén of meer bestanden van één export (CSV of .xlsx)."),
    uit: Path = typer.Option(..., "--uit", help="Map voor het resultaat (wordt in één keer geschreven)."),
    plan: Path | None = typer.Option(None, "--plan", help=f"Een (bewerkt) {PLAN_NAME} om mee te werken."),
    alleen_plan: bool = typer.Option(False, "--alleen-plan", help="Alleen het plan maken, nog geen data schrijven."),
    sleutel_bestand: Path | None = typer.Option(
        None, "--sleutel-bestand",
        help=f"Bestand met de geheime sleutel (bestaat het niet, dan wordt er een gemaakt). Anders ${KEY_ENV} of een vraag.",
    ),
    k: int | None = typer.Option(None, "-k", min=1, help="k voor k-anonimiteit (standaard uit het plan, anders 5)."),
    l: int | None = typer.Option(None, "-l", min=1, help="l voor l-diversiteit (standaard uit het plan, anders 2)."),  # noqa: E741
) -> None:
    """Anonimiseer een caseload-export: identificerende gegevens eruit, k-anonimiteit en l-diversiteit erin.

    Voorbeeld: activering anonimiseer clienten.csv contacten.csv --uit geanonimiseerd/
    """
    console = Console(stderr=True)
    try:
        key, source = (None, "") if alleen_plan else resolve_key(sleutel_bestand, uit, console)
        summary = run(list(export), uit, key, plan_path=plan, only_plan=alleen_plan, k=k, l=l, key_source=source)
    except ExportError as error:
        console.print(f"[red]Fout:[/red] {error}")
        raise typer.Exit(code=2) from None
    for warning in summary.warnings:
        console.print(f"[yellow]Let op:[/yellow] {warning}")
    out = Console()
    if alleen_plan:
        out.print(f"Plan geschreven: {uit / PLAN_NAME}. Controleer het en draai daarna met --plan {uit / PLAN_NAME}.")
        return
    for o in summary.outcomes.values():
        k_text = "–" if o.k_reached is None else str(o.k_reached)
        l_text = "–" if o.l_reached is None else str(o.l_reached)
        out.print(f"{o.file}: {o.rows_in:,} → {o.rows_out:,} rijen, k = {k_text}, l = {l_text}")
    out.print(f"Klaar in {summary.seconds:.1f} s. Resultaat in {uit}; lees {uit / (REPORT_NAME + '.html')}.")
    if plan is None:
        out.print(f"Controleer het plan {uit / PLAN_NAME} en draai zo nodig opnieuw met --plan.")
