"""Command line: ``activering anonimiseer EXPORT... --uit MAP``."""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from typer.core import TyperGroup

from activering.anonimisering.pipeline import PLAN_NAME, REPORT_NAME, Progress, run
from activering.anonimisering.read import ExportError

KEY_ENV = "ACTIVERING_SLEUTEL"
MIN_KEY_LENGTH = 16
MIN_KEY_DISTINCT = 8
# scrypt with a fixed, public salt: the same key text gives the same pseudonyms in every run, and
# trying candidate keys costs about 50 ms each instead of a microsecond.
_KDF_SALT = b"activering-anonimiseer/sleutel/v1"


def key_problem(text: str) -> str | None:
    """Why a key is too weak to protect the pseudonyms, or None when it is strong enough."""
    if len(text) < MIN_KEY_LENGTH:
        return f"te kort ({len(text)} tekens; minstens {MIN_KEY_LENGTH})"
    if len(set(text)) < MIN_KEY_DISTINCT:
        return f"te eentonig (minder dan {MIN_KEY_DISTINCT} verschillende tekens)"
    if text.isdigit() or text.lower() == text.lower()[0] * len(text):
        return "te voorspelbaar"
    return None


def derive_key(text: str) -> bytes:
    """The 32-byte secret behind every pseudonym and the row order, derived from the key with scrypt."""
    return hashlib.scrypt(text.encode("utf-8"), salt=_KDF_SALT, n=2**14, r=8, p=1, dklen=32)


def _accept(text: str, where: Path | str) -> bytes:
    problem = key_problem(text)
    if problem is not None:
        raise ExportError(
            where,
            f"sleutel is te zwak: {problem}. Gebruik een lange willekeurige sleutel, of laat het "
            "programma er een maken met --sleutel-bestand NIEUW_BESTAND",
        )
    return derive_key(text)


class _SingleCommand(TyperGroup):
    """A group without subcommands, so that `activering anonimiseer EXPORT... --uit MAP` reads as one command."""

    allow_interspersed_args = True

    def collect_usage_pieces(self, ctx):  # type: ignore[no-untyped-def]
        return [p for p in super().collect_usage_pieces(ctx) if "COMMAND" not in p and p != "[ARGS]..."]


_MAIN_PID = os.getpid()


def _stop(signum, frame):  # noqa: ANN001
    """SIGTERM in the main process: stop like Ctrl+C, so the run cleans up. In a forked worker: just end."""
    if os.getpid() != _MAIN_PID:
        os._exit(0)
    raise KeyboardInterrupt


class BarProgress(Progress):
    """A rich progress bar: the phase as its description, the free-text notes as its steps."""

    def __init__(self, console: Console) -> None:
        self.bar = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("nog"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.task = self.bar.add_task("Starten", total=None)

    def __enter__(self) -> BarProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.bar.__exit__(*exc)

    def phase(self, text: str) -> None:
        self.bar.update(self.task, description=text)

    def texts_total(self, total: int) -> None:
        self.bar.update(self.task, total=total or None, completed=0)

    def texts_done(self, n: int) -> None:
        self.bar.advance(self.task, n)


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
        raise ExportError(
            key_file, "het sleutelbestand mag niet in de uitvoermap staan (de sleutel hoort niet bij het resultaat)"
        )
    if key_file is not None and key_file.exists():
        try:
            text = key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ExportError(key_file, f"sleutelbestand is niet leesbaar ({error})") from None
        if not text:
            raise ExportError(key_file, "sleutelbestand is leeg")
        return _accept(text, key_file), f"uit het sleutelbestand {key_file.name}"
    if key_file is None and os.environ.get(KEY_ENV):
        return _accept(os.environ[KEY_ENV].strip(), f"${KEY_ENV}"), f"uit de omgevingsvariabele {KEY_ENV}"
    if key_file is None and sys.stdin.isatty():
        text = typer.prompt(
            "Geheime sleutel voor de schuilnamen (leeg laten: eenmalige nieuwe sleutel)",
            default="",
            show_default=False,
            hide_input=True,
        )
        if text.strip():
            return _accept(text.strip(), "ingetypte sleutel"), "ingetypt"
    text = secrets.token_hex(32)
    if key_file is not None:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        console.print(f"Nieuwe sleutel bewaard in {key_file}: bewaar dit bestand veilig en buiten de uitvoermap.")
        return derive_key(text), f"nieuw gemaakt en bewaard in {key_file.name}"
    console.print(
        "Eenmalige sleutel gemaakt en niet bewaard: schuilnamen zijn bij een volgende run anders "
        "(gebruik --sleutel-bestand om ze gelijk te houden)."
    )
    return derive_key(text), "eenmalig gemaakt en nergens bewaard"


@app.callback()
def anonimiseer(
    export: list[Path] = typer.Argument(..., help="Eén of meer bestanden van één export (CSV of .xlsx)."),
    uit: Path = typer.Option(..., "--uit", help="Map voor het resultaat (wordt in één keer geschreven)."),
    plan: Path | None = typer.Option(None, "--plan", help=f"Een (bewerkt) {PLAN_NAME} om mee te werken."),
    alleen_plan: bool = typer.Option(False, "--alleen-plan", help="Alleen het plan maken, nog geen data schrijven."),
    sleutel_bestand: Path | None = typer.Option(
        None,
        "--sleutel-bestand",
        help=f"Bestand met de geheime sleutel (bestaat het niet, dan wordt er een gemaakt). Anders ${KEY_ENV} of een vraag.",
    ),
    k: int | None = typer.Option(None, "-k", min=1, help="k voor k-anonimiteit (standaard uit het plan, anders 5)."),
    l: int | None = typer.Option(None, "-l", min=1, help="l voor l-diversiteit (standaard uit het plan, anders 2)."),  # noqa: E741
    zonder_vrije_tekst: bool = typer.Option(
        False,
        "--zonder-vrije-tekst",
        help="Laat alle vrije tekst (gespreksverslagen, notities) weg in plaats van ze op te schonen.",
    ),
    bedragen: str = typer.Option(
        "klassen", "--bedragen", help="Bedragen in klassen (standaard, bijv. 1000-1249) of 'afronden' (op 100 euro)."
    ),
) -> None:
    """Anonimiseer een caseload-export: identificerende gegevens eruit, k-anonimiteit en l-diversiteit erin.

    Voorbeeld: activering anonimiseer clienten.csv contacten.csv --uit geanonimiseerd/
    """
    console = Console(stderr=True, soft_wrap=True)
    if bedragen not in ("klassen", "afronden"):
        console.print(f"[red]Fout:[/red] --bedragen '{bedragen}' bestaat niet; kies 'klassen' of 'afronden'")
        raise typer.Exit(code=2)
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    try:
        previous = signal.signal(signal.SIGTERM, _stop)  # so that a stopped run cleans up like Ctrl+C
    except ValueError:  # not the main thread
        previous = None
    try:
        key, source = (None, "") if alleen_plan else resolve_key(sleutel_bestand, uit, console)
        with BarProgress(console) as progress:
            summary = run(
                list(export),
                uit,
                key,
                plan_path=plan,
                only_plan=alleen_plan,
                k=k,
                l=l,
                key_source=source,
                drop_text=zonder_vrije_tekst,
                amounts=bedragen,
                progress=progress,
            )
    except ExportError as error:
        console.print(f"[red]Fout:[/red] {error}")
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt:
        console.print("[red]Afgebroken.[/red] Er is niets geschreven; een eerder resultaat is onveranderd.")
        raise typer.Exit(code=130) from None
    except MemoryError:
        console.print("[red]Fout:[/red] te weinig geheugen voor deze export; er is niets geschreven.")
        raise typer.Exit(code=2) from None
    except OSError as error:
        console.print(
            f"[red]Fout:[/red] {getattr(error, 'filename', None) or uit}: {error.strerror or error}; er is niets geschreven."
        )
        raise typer.Exit(code=2) from None
    except Exception as error:  # noqa: BLE001 - a docent never sees a traceback
        console.print(
            f"[red]Fout:[/red] onverwachte fout bij het anonimiseren ({type(error).__name__}); er is niets "
            "geschreven. Meld dit bij de makers van de cursus."
        )
        raise typer.Exit(code=3) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    for warning in summary.warnings:
        console.print(f"[yellow]Let op:[/yellow] {warning}")
    if summary.kept_files:
        console.print(f"Bewaard uit het vorige resultaat (eigen bestanden): {', '.join(summary.kept_files)}")
    out = Console(soft_wrap=True)
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
