"""`activering journaal …`: the reflection journal from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from activering.files import write_atomic
from activering.journal import Journal, JournalError, Reflection
from activering.reflectie import identiteit, zelfevaluatie
from activering.reflectie.model import FIELD_LABELS, THEMES
from activering.vocabulary import REFLECTION_FIELDS

app = typer.Typer(
    help="Je reflectiejournaal: reflecties, gespeelde casussen, zelfevaluatie en portfolio.", no_args_is_help=True
)
console = Console()

FIELDS_HELP = ", ".join(["datum", *FIELD_LABELS, "themas", "casussen"])
# Every field after the title (given with --titel, shown as the heading), in form order.
_BODY_FIELDS = tuple(field for field in REFLECTION_FIELDS if field.name != "title")


def _journal() -> Journal:
    try:
        return Journal()
    except JournalError as error:
        console.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(2) from error


def _confirm_identity(reflection: Reflection, redigeer: bool | None) -> Reflection | None:
    """Warn about apparent client data; redact, keep or cancel. None means: do not save."""
    findings = identiteit.check(reflection.text())
    if not findings:
        return reflection
    console.print(
        f"[yellow]Let op: dit lijkt gegevens van een klant te bevatten: {identiteit.summary(findings)}.[/yellow]",
        highlight=False,
    )
    for finding in findings:
        console.print(
            f"  - {identiteit.KIND_LABELS.get(finding.kind, finding.kind)}: '{finding.text}'", highlight=False
        )
    if redigeer is None:
        redigeer = typer.confirm("Vervangen door neutrale aanduidingen zoals [NAAM] en dan bewaren?", default=True)
        if not redigeer and not typer.confirm("Toch bewaren zoals het staat?", default=False):
            return None
    if redigeer:
        for name in FIELD_LABELS:
            setattr(reflection, name, identiteit.redact(getattr(reflection, name)))
    return reflection


@app.command("pad")
def show_path() -> None:
    """Toon waar je journaal staat (alleen op deze computer)."""
    journal = _journal()
    console.print(f"{journal.path} (schemaversie {journal.schema_version})", highlight=False)


@app.command("lijst")
def list_entries(
    van: str = typer.Option(None, "--van", help="Vanaf datum (JJJJ-MM-DD)."),
    tot: str = typer.Option(None, "--tot", help="Tot en met datum (JJJJ-MM-DD)."),
) -> None:
    """Toon reflecties en gespeelde casussen, op datum."""
    table = Table("soort", "nr", "datum", "titel", "thema's", "details")
    for entry in _journal().entries(van, tot):
        table.add_row(entry.kind, str(entry.id), entry.date, entry.title, ", ".join(entry.tags), entry.detail)
    console.print(table)


@app.command("zoek")
def search(woorden: str = typer.Argument(..., help="Zoekwoorden; alle woorden moeten voorkomen.")) -> None:
    """Zoek in je reflecties."""
    found = _journal().search(woorden)
    if not found:
        console.print("Niets gevonden.")
        return
    table = Table("nr", "datum", "titel", "thema's")
    for r in found:
        table.add_row(str(r.id), r.date, r.title, ", ".join(r.tags))
    console.print(table)


@app.command("toon")
def show(nummer: int = typer.Argument(..., help="Nummer van de reflectie.")) -> None:
    """Toon één reflectie volledig."""
    try:
        r = _journal().reflection(nummer)
    except KeyError as error:
        console.print(f"[red]{error.args[0]}[/red]")
        raise typer.Exit(1) from error
    console.print(f"[bold]{r.title}[/bold]  ({r.date}; {', '.join(r.tags) or 'geen thema'})", highlight=False)
    if r.casussen:
        console.print(f"Casussen: {', '.join(r.casussen)}", highlight=False)
    for field in _BODY_FIELDS:
        console.print(f"\n[bold]{field.label}[/bold]\n{getattr(r, field.name) or '-'}", highlight=False)


@app.command("nieuw")
def new(
    titel: str = typer.Option(..., "--titel", help="Korte titel zonder namen van klanten."),
    datum: str = typer.Option(None, "--datum", help="Datum van de situatie (JJJJ-MM-DD); standaard vandaag."),
    themas: str = typer.Option("", "--themas", help=f"Komma-gescheiden, uit: {', '.join(THEMES)}."),
    casussen: str = typer.Option("", "--casussen", help="Komma-gescheiden casus-slugs."),
    vragen: bool = typer.Option(True, "--vragen/--geen-vragen", help="Vraag de velden één voor één."),
    redigeer: bool = typer.Option(
        None, "--redigeer/--niet-redigeren", help="Klantgegevens zonder te vragen vervangen (of niet)."
    ),
) -> None:
    """Schrijf een nieuwe reflectie in de terminal (het formulier in JupyterLab kan hetzelfde)."""
    reflection = Reflection(
        title=titel,
        date=datum or date.today().isoformat(),
        tags=[t.strip() for t in themas.split(",") if t.strip()],
        casussen=[s.strip() for s in casussen.split(",") if s.strip()],
    )
    if vragen:
        for field in _BODY_FIELDS:
            setattr(
                reflection, field.name, typer.prompt(f"{field.label} ({field.prompt})", default="", show_default=False)
            )
    checked = _confirm_identity(reflection, redigeer)
    if checked is None:
        console.print("Niet bewaard.")
        raise typer.Exit(1)
    console.print(f"Bewaard als reflectie nr. {_journal().add_reflection(checked)}.")


@app.command("bewerk")
def edit(
    nummer: int = typer.Argument(..., help="Nummer van de reflectie."),
    veld: str = typer.Option(..., "--veld", help=f"Welk veld: {FIELDS_HELP}."),
    waarde: str = typer.Option(..., "--waarde", help="De nieuwe inhoud (bij themas/casussen komma-gescheiden)."),
    redigeer: bool = typer.Option(
        None, "--redigeer/--niet-redigeren", help="Klantgegevens zonder te vragen vervangen (of niet)."
    ),
) -> None:
    """Wijzig één veld van een reflectie."""
    journal = _journal()
    try:
        reflection = journal.reflection(nummer)
    except KeyError as error:
        console.print(f"[red]{error.args[0]}[/red]")
        raise typer.Exit(1) from error
    names = {
        "datum": "date",
        "themas": "tags",
        "casussen": "casussen",
        **{n: n for n in FIELD_LABELS},
        **{label.lower().rstrip("?"): n for n, label in FIELD_LABELS.items()},
    }
    if veld not in names:
        console.print(f"[red]Onbekend veld '{veld}'. Kies uit: {FIELDS_HELP}.[/red]", highlight=False)
        raise typer.Exit(1)
    name = names[veld]
    setattr(
        reflection,
        name,
        [v.strip() for v in waarde.split(",") if v.strip()] if name in ("tags", "casussen") else waarde,
    )
    checked = _confirm_identity(reflection, redigeer)
    if checked is None:
        console.print("Niet bewaard.")
        raise typer.Exit(1)
    journal.update_reflection(checked)
    console.print(f"Reflectie nr. {nummer} bijgewerkt.")


@app.command("verwijder")
def delete(
    nummer: int = typer.Argument(..., help="Nummer van de reflectie."),
    ja: bool = typer.Option(False, "--ja", help="Niet om bevestiging vragen."),
) -> None:
    """Verwijder een reflectie (na bevestiging)."""
    journal = _journal()
    try:
        title = journal.reflection(nummer).title
    except KeyError as error:
        console.print(f"[red]{error.args[0]}[/red]")
        raise typer.Exit(1) from error
    if not ja and not typer.confirm(f"Reflectie nr. {nummer} '{title}' verwijderen?", default=False):
        raise typer.Exit(1)
    journal.delete_reflection(nummer)
    console.print(f"Reflectie nr. {nummer} verwijderd.")


@app.command("zelfevaluatie")
def self_assessment(
    invullen: bool = typer.Option(False, "--invullen", help="Vul de zelfevaluatie nu in de terminal in."),
) -> None:
    """Toon je eerdere zelfevaluaties, of vul er een in met --invullen."""
    journal = _journal()
    if invullen:
        answers: dict[str, int] = {}
        console.print("Deel 1: activeringsnormen. 1 = eens met de linkeruitspraak, 5 = met de rechter.")
        for norm in zelfevaluatie.NORMS:
            console.print(
                f"\n[bold]{norm.label}[/bold]\n 1 = {norm.left}\n 5 = {norm.right}"
                + (f"\n midden: {norm.middle}" if norm.middle else ""),
                highlight=False,
            )
            answers[norm.id] = typer.prompt("Jouw positie (1-5)", type=typer.IntRange(1, 5))
        console.print("\nDeel 2: je werkwijze. 1 = helemaal oneens, 5 = helemaal eens.")
        for item in zelfevaluatie.ITEMS:
            answers[item.id] = typer.prompt(item.text, type=typer.IntRange(1, 5))
        console.print(f"Bewaard als zelfevaluatie nr. {journal.add_assessment(answers)}.")
    history = journal.assessments()
    if not history:
        console.print("Nog geen zelfevaluatie. Vul er een in met --invullen of in de notebook.")
        return
    table = Table("nr", "datum", *[d.label for d in zelfevaluatie.DIMENSIONS], "lijkt op")
    for a in history:
        scores = zelfevaluatie.dimension_scores(a.answers)
        table.add_row(
            str(a.id),
            a.taken[:10],
            *[zelfevaluatie.nl(scores.get(d.id, float("nan"))) for d in zelfevaluatie.DIMENSIONS],
            zelfevaluatie.nearest_variant(scores)[0].lower(),
        )
    console.print(table)


@app.command("portfolio")
def portfolio(
    uit: Path = typer.Option(..., "--uit", help="Doelbestand; er komen een .html en een .pdf met die naam."),
    van: str = typer.Option(None, "--van", help="Vanaf datum (JJJJ-MM-DD)."),
    tot: str = typer.Option(None, "--tot", help="Tot en met datum (JJJJ-MM-DD)."),
    naam: str = typer.Option("", "--naam", help="Je eigen naam op het voorblad (optioneel)."),
    pdf: bool = typer.Option(True, "--pdf/--geen-pdf", help="Ook een PDF maken (met Chromium)."),
) -> None:
    """Exporteer een periode als portfolio: zelfstandig HTML-bestand en PDF."""
    from activering.reflectie.portfolio import PortfolioError, export_portfolio

    try:
        written = export_portfolio(_journal(), uit, van, tot, naam, pdf)
    except (PortfolioError, ValueError) as error:
        console.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(1) from error
    for path in written:
        console.print(f"Geschreven: {path}", highlight=False)


@app.command("intervisie-blad")
def intervisie(
    nummer: int = typer.Argument(..., help="Nummer van de reflectie."),
    uit: Path = typer.Option(..., "--uit", help="Doelbestand (.html), om te printen of te delen."),
) -> None:
    """Maak van één reflectie een bespreekblad voor intervisie."""
    from activering.reflectie.portfolio import PortfolioError, intervisie_sheet

    try:
        document = intervisie_sheet(_journal(), nummer)
    except (KeyError, PortfolioError) as error:
        console.print(f"[red]{error.args[0]}[/red]", highlight=False)
        raise typer.Exit(1) from error
    write_atomic(uit, document)
    console.print(f"Geschreven: {uit}", highlight=False)


@app.command("export")
def export(
    casussen: bool = typer.Option(False, "--casussen", help="Exporteer je keuzes in de casussen (voor je docent)."),
    motiveringen: bool = typer.Option(
        False, "--met-motiveringen", help="Zet ook je motiveringen in de bestanden (standaard niet)."
    ),
    uit: Path = typer.Option(Path("."), "--uit", help="Map waarin de bestanden komen (keuzes-<casus>.json)."),
) -> None:
    """Exporteer je casuskeuzes: per casus een klein JSON-bestand zonder naam, om bij je docent in te leveren."""
    import json

    from activering.casus import CasusError, load_all_casussen
    from activering.casus.keuzes import FILE_NAME, from_journal

    if not casussen:
        console.print("[red]Kies wat je exporteert: --casussen.[/red]", highlight=False)
        raise typer.Exit(1)
    try:
        documents, notes = from_journal(_journal(), load_all_casussen(), motiveringen)
    except (CasusError, JournalError) as error:
        console.print(f"[red]{str(error).splitlines()[0]}[/red]", highlight=False)
        raise typer.Exit(1) from error
    for note in notes:
        console.print(f"[yellow]{note}[/yellow]", highlight=False)
    if not documents:
        console.print("[red]Je journaal heeft geen casus die je tot het eind speelde.[/red]", highlight=False)
        raise typer.Exit(1)
    for document in documents:
        path = uit / FILE_NAME.format(slug=document["casus"])
        try:
            write_atomic(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        except OSError as error:
            console.print(f"[red]{path}: kan niet schrijven ({error.strerror or error}).[/red]", highlight=False)
            raise typer.Exit(1) from error
        console.print(f"Geschreven: {path}", highlight=False)
    what = "met" if motiveringen else "zonder"
    console.print(f"{len(documents)} casusbestanden, {what} motiveringen en zonder je naam.", highlight=False)
