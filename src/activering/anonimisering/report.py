"""The privacy report, in Markdown and in HTML, built from one list of blocks.

It states for every column what was done and why, the k and l reached per file, how many rows
were suppressed and how much information the generalisation cost.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from activering.anonimisering.guarantees import Outcome
from activering.anonimisering.identifiers import PLACEHOLDERS
from activering.anonimisering.plan import Plan

ACTION_TEXT = {
    "verwijder": "verwijderd",
    "pseudonimiseer": "gepseudonimiseerd (sleutel-hash)",
    "leeftijdsklasse": "leeftijdsklasse",
    "regio": "postcode → regio",
    "maand": "datum → maand",
    "redigeer": "vrije tekst geredigeerd",
    "behoud": "behouden",
    "klasse": "getal → klasse",
    "afronden": "getal → afgerond",
}
# What each replacement kind puts in the text (the placeholders of the detectors), named for the report.
KIND_TEXT = {
    **PLACEHOLDERS,
    "naam": f"{PLACEHOLDERS['naam']} (herkend als naam)",
    "naam_export": f"{PLACEHOLDERS['naam']} (naam uit de eigen naamkolommen)",
}
ROLE_TEXT = {"quasi": "quasi-identificator", "gevoelig": "gevoelig", "geen": ""}


@dataclass
class RunSummary:
    plan: Plan
    plan_source: str
    files: list[dict]  # name, encoding, delimiter, rows_in, rows_out, output
    outcomes: dict[str, Outcome]
    redactions: dict[str, dict[str, dict[str, int]]]
    warnings: list[str]
    key_source: str
    seconds: float = 0.0
    kept_files: list[str] = field(default_factory=list)
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))


def _blocks(run: RunSummary) -> list[tuple]:
    plan = run.plan
    b: list[tuple] = [
        ("h1", "Privacyrapport"),
        (
            "p",
            f"Gemaakt op {run.created:%d-%m-%Y om %H:%M} met `activering anonimiseer`; "
            f"plan: {run.plan_source}. Peildatum voor leeftijden: {plan.peildatum:%d-%m-%Y}.",
        ),
    ]
    total_in = sum(f["rows_in"] for f in run.files)
    total_out = sum(f["rows_out"] for f in run.files)
    ok = all(
        (o.k_reached is None or o.k_reached >= o.k_target)
        and (o.l_reached is None or not o.sensitive or o.l_reached >= o.l_target)
        for o in run.outcomes.values()
    )
    b.append(("h2", "Samenvatting"))
    b.append(
        (
            "ul",
            [
                f"Doel: k = {plan.k} (k-anonimiteit) en l = {plan.l} (l-diversiteit); hoogstens {plan.max_onderdrukking:.0%} van de rijen weglaten.",
                "Resultaat: "
                + ("alle bestanden halen k en l." if ok else "NIET alle bestanden halen k en l; zie hieronder."),
                f"Rijen: {total_in:,} in de export, {total_out:,} in het resultaat ({total_in - total_out:,} weggelaten).",
                f"Sleutel voor de schuilnamen: {run.key_source}. De sleutel staat niet in het resultaat.",
            ],
        )
    )
    b.append(("h2", "Bestanden"))
    b.append(
        (
            "table",
            ["bestand", "gelezen als", "rijen in", "rijen uit", "resultaat"],
            [[f["name"], f["read_as"], f"{f['rows_in']:,}", f"{f['rows_out']:,}", f["output"]] for f in run.files],
        )
    )
    b.append(("h2", "Kolommen"))
    b.append(("p", "Per kolom: wat er gevonden is, wat ermee gedaan is en waarom."))
    rows = []
    for fplan in plan.bestanden:
        for name, c in fplan.kolommen.items():
            rows.append([fplan.bestand, name, c.soort, ACTION_TEXT[c.actie], ROLE_TEXT[c.rol], c.reden])
    b.append(("table", ["bestand", "kolom", "soort", "behandeling", "rol", "reden"], rows))

    b.append(("h2", "k-anonimiteit en l-diversiteit"))
    b.append(
        (
            "p",
            "Een klasse is een groep rijen met dezelfde waarden in alle quasi-identificatoren. k is de kleinste "
            "klasse: iedereen in het resultaat lijkt op minstens k − 1 anderen. l is het kleinste aantal "
            "verschillende waarden van een gevoelige kolom binnen één klasse: wie weet in welke klasse iemand "
            "zit, weet daardoor nog niet welke sanctie of belemmering hij heeft.",
        )
    )
    rows = []
    for o in run.outcomes.values():
        rows.append(
            [
                o.file,
                ", ".join(o.quasi) or "(geen)",
                ", ".join(o.sensitive) or "(geen)",
                "–"
                if o.k_reached is None
                else f"{o.k_reached:,}" + ("" if o.k_reached >= o.k_target else " (te laag!)"),
                "–" if o.l_reached is None else str(o.l_reached) + ("" if o.l_reached >= o.l_target else " (te laag!)"),
                f"{o.classes:,}",
                f"{o.suppressed:,}" + (" (meer dan toegestaan)" if o.budget_exceeded else ""),
                f"{o.cascaded:,}",
            ]
        )
    b.append(
        (
            "table",
            [
                "bestand",
                "quasi-identificatoren",
                "gevoelige kolommen",
                "k bereikt",
                "l bereikt",
                "klassen",
                "rijen weggelaten",
                "weggelaten via koppeling",
            ],
            rows,
        )
    )
    b.append(
        (
            "p",
            "Quasi-identificatoren zijn standaard alle kolommen die in het resultaat blijven, behalve "
            "schuilnamen, vrije tekst en gevoelige kolommen: samen kunnen ze iemand herkenbaar maken.",
        )
    )
    b.append(
        (
            "p",
            "'Weggelaten via koppeling': rijen in een ander bestand die bij een weggelaten persoon horen "
            "(zelfde schuilnaam), zodat koppelingen tussen de bestanden blijven kloppen.",
        )
    )

    b.append(("h2", "Informatieverlies"))
    rows = []
    for o in run.outcomes.values():
        for c in o.quasi:
            rows.append(
                [
                    o.file,
                    c,
                    o.level_descriptions.get(c, ""),
                    f"{o.levels[c]} van {o.max_levels[c]}",
                    f"{o.distinct_before.get(c, 0):,} → {o.distinct_after.get(c, 0):,}",
                ]
            )
    if rows:
        b.append(("table", ["bestand", "kolom", "gekozen generalisatie", "niveau", "verschillende waarden"], rows))
    b.append(
        (
            "ul",
            [
                f"{o.file}: precisie {o.precision:.0%} (100% = niets gegeneraliseerd), {o.suppressed + o.cascaded:,} van "
                f"{o.rows_in:,} rijen weggelaten ({(o.suppressed + o.cascaded) / o.rows_in:.1%})."
                if o.rows_in
                else f"{o.file}: leeg."
                for o in run.outcomes.values()
            ],
        )
    )

    b.append(("h2", "Vrije tekst"))
    kept_text = [(f.bestand, n) for f in plan.bestanden for n, c in f.kolommen.items() if c.actie == "redigeer"]
    dropped_text = [
        (f.bestand, n)
        for f in plan.bestanden
        for n, c in f.kolommen.items()
        if c.actie == "verwijder" and c.soort in ("vrije_tekst", "onbekend")
    ]
    b.append(
        (
            "ul",
            [
                "Behouden en opgeschoond: " + (", ".join(f"{f} › {n}" for f, n in kept_text) or "geen") + ".",
                "Weggelaten: " + (", ".join(f"{f} › {n}" for f, n in dropped_text) or "geen") + ".",
            ],
        )
    )
    red_rows = []
    for file, columns in run.redactions.items():
        for column, counts in columns.items():
            for kind, n in sorted(counts.items()):
                if n:
                    red_rows.append([file, column, KIND_TEXT.get(kind, f"[{kind.upper()}]"), f"{n:,}"])
    if red_rows:
        b.append(("p", "Aantal vervangingen per soort (een tekst met twee namen telt twee keer):"))
        b.append(("table", ["bestand", "kolom", "vervangen door", "vervangingen"], red_rows))
    else:
        b.append(("p", "Er is niets vervangen in vrije tekst."))
    b.append(
        (
            "p",
            "Opschonen vindt BSN's (elfproef), IBAN's, telefoonnummers, e-mailadressen, postcodes, adressen, "
            "geboortedata en lange nummers; elke naam uit de naamkolommen van de export (in elke schrijfwijze, "
            "met of zonder accenten); en andere namen, plaatsen en instellingen met de Nederlandse "
            "de-identificatiebibliotheek deduce. Een naam die geen van die wegen herkent, kan blijven staan: "
            "lees een steekproef na, of draai met --zonder-vrije-tekst.",
        )
    )

    b.append(("h2", "Wat dit rapport garandeert, en wat niet"))
    b.append(
        (
            "ul",
            [
                "Gecontroleerd op het resultaat zelf: k en l hierboven zijn na afloop gemeten op de rijen die in elk "
                "resultaatbestand staan, over de combinatie van alle quasi-identificatoren van dat bestand.",
                "Gecontroleerd: de rijvolgorde is met de sleutel geschud; de volgorde zegt niets over die in de export.",
                "Gecontroleerd: kolommen met BSN, namen, adressen, telefoon, e-mail en IBAN staan niet in het resultaat "
                "(verwijderd of vervangen door een schuilnaam).",
                "Niet gegarandeerd: dat vrije tekst geen enkele naam of aanwijzing meer bevat. Zie de aantallen hierboven.",
                "Niet gegarandeerd: k en l over bestanden heen. Wie bestanden via een schuilnaam koppelt, ziet bijvoorbeeld "
                "hoeveel contactmomenten iemand had; dat aantal is geen quasi-identificator in deze controle.",
                "Niet gegarandeerd: bescherming tegen iemand die de sleutel heeft. Bewaar de sleutel buiten het resultaat.",
            ],
        )
    )
    if run.kept_files:
        b.append(("p", "Eigen bestanden uit het vorige resultaat zijn bewaard: " + ", ".join(run.kept_files) + "."))
    b.append(("h2", "Meldingen"))
    b.append(("ul", run.warnings or ["Geen meldingen."]))
    return b


def markdown(run: RunSummary) -> str:
    out = []
    for block in _blocks(run):
        kind = block[0]
        if kind == "h1":
            out.append(f"# {block[1]}\n")
        elif kind == "h2":
            out.append(f"## {block[1]}\n")
        elif kind == "p":
            out.append(block[1] + "\n")
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in block[1]) + "\n")
        elif kind == "table":
            header, rows = block[1], block[2]
            cell = lambda v: str(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
            out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def _inline(text: str) -> str:
    escaped = html.escape(str(text))
    parts = escaped.split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def to_html(run: RunSummary) -> str:
    out = [
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>Privacyrapport</title>',
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em;line-height:1.4}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .5em;text-align:left;"
        "vertical-align:top}th{background:#eee}</style></head><body>",
    ]
    for block in _blocks(run):
        kind = block[0]
        if kind in ("h1", "h2"):
            out.append(f"<{kind}>{_inline(block[1])}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{_inline(block[1])}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f"<th>{_inline(h)}</th>" for h in block[1])
            body = "".join("<tr>" + "".join(f"<td>{_inline(v)}</td>" for v in row) + "</tr>" for row in block[2])
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    out.append("</body></html>\n")
    return "\n".join(out)
