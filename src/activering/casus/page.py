"""A casus as a static book page: readable without scripts, playable with the shipped casus.js."""

from __future__ import annotations

import json
import string
from pathlib import Path

from activering.bibliography import short_cite
from activering.casus.model import THEME_TITLES, Casus, Decision, Kind, Theme
from activering.casus.profile import VARIANT_LABELS
from activering.files import write_atomic

KIND_HINTS = {
    Kind.SINGLE: "Kies één optie.",
    Kind.MULTIPLE: "Kies een of meer opties.",
    Kind.SCALE: "Kies een punt op de schaal (van de ene naar de andere kant).",
    Kind.OPEN: "Schrijf je antwoord voor jezelf op en lees daarna het modelantwoord.",
}
LAB_URL = "http://127.0.0.1:8888/lab/tree/casussen/notebooks/{slug}.ipynb"


def _cite(key: str, location: str) -> str:
    return f"({{cite:t}}`{key}`, {location})"


def _letter(index: int) -> str:
    return string.ascii_uppercase[index]


def casus_data(casus: Casus) -> dict:
    """Everything the page script needs, with citations already written out as text."""
    return {
        "slug": casus.slug,
        "titel": casus.titel,
        "varianten": {variant.value: label for variant, label in VARIANT_LABELS.items()},
        "beslissingen": [
            {
                "id": d.id,
                "vraag": d.vraag,
                "soort": d.soort.value,
                "hint": KIND_HINTS[d.soort],
                "motivatie": d.asks_motivation,
                "volgende": d.volgende,
                "modelantwoord": d.modelantwoord,
                "bron": short_cite(d.bron.key, d.bron.locatie) if d.bron else None,
                "opties": [
                    {
                        "id": o.id,
                        "tekst": o.tekst,
                        "feedback": o.feedback,
                        "bron": short_cite(o.bron.key, o.bron.locatie),
                        "varianten": [v.value for v in o.varianten],
                        "volgende": o.volgende,
                    }
                    for o in d.opties
                ],
            }
            for d in casus.beslissingen
        ],
        "volgorde": [d.id for d in casus.beslissingen],
        "nabespreking": [paragraph.strip() for paragraph in casus.nabespreking.split("\n\n") if paragraph.strip()],
    }


def _decision_markdown(number: int, decision: Decision) -> list[str]:
    lines = [f"```{{rubric}} Beslissing {number}: {decision.vraag}", "```", "", f"*{KIND_HINTS[decision.soort]}*", ""]
    if decision.soort is Kind.OPEN:
        lines += [
            ":::{dropdown} Modelantwoord",
            f"{decision.modelantwoord} {_cite(decision.bron.key, decision.bron.locatie)}",
            ":::",
            "",
        ]
    for index, option in enumerate(decision.opties):
        variants = ", ".join(VARIANT_LABELS[v] for v in option.varianten) or "geen variant in het bijzonder"
        lines += [
            f":::{{dropdown}} {_letter(index)}. {option.tekst}",
            f"{option.feedback} {_cite(option.bron.key, option.bron.locatie)}",
            "",
            f"*Typisch voor: {variants}.*",
            ":::",
            "",
        ]
    return lines


def casus_markdown(casus: Casus) -> str:
    """The MyST source of the casus page."""
    data = json.dumps(casus_data(casus), ensure_ascii=False).replace("</", "<\\/")
    sources = "; ".join(_cite(s.key, s.locatie).strip("()") for s in casus.bronnen)
    lines = [
        f"(casus-{casus.slug})=",
        f"# Casus: {casus.titel}",
        "",
        f"**Thema:** {THEME_TITLES[casus.thema]} · **Hoort bij:** {{doc}}`/modules/{casus.module}/index` · "
        f"**Bronnen:** {sources}",
        "",
        "**Leerdoelen:**",
        "",
        *[f"- {goal}" for goal in casus.leerdoelen],
        "",
        "*Deze klant is verzonnen; elke gelijkenis met een echt persoon berust op toeval.*",
        "",
        "## De situatie",
        "",
        casus.vignet,
        "",
        "## Aan de slag",
        "",
        "```{raw} html",
        f'<script type="application/json" class="casus-data">{data}</script>',
        '<div class="casus-speler" data-casus="' + casus.slug + '"></div>',
        "```",
        "",
        f"In JupyterLab speel je dezelfde casus met widgets en bewaar je je keuzes in je journaal: start `make lab` "
        f"en open [casussen/notebooks/{casus.slug}.ipynb]({LAB_URL.format(slug=casus.slug)}), of voer in een "
        f'notebook uit: `from activering.casus import speel; speel("{casus.slug}")`.',
        "",
        "::::{container} casus-statisch",
        "Hieronder staan alle beslissingen met hun opties. Open een optie om de feedback te lezen.",
        "",
    ]
    for number, decision in enumerate(casus.beslissingen, start=1):
        lines += _decision_markdown(number, decision)
    lines += ["```{rubric} Nabespreking", "```", "", casus.nabespreking, "", "::::", ""]
    return "\n".join(lines)


def index_markdown(casussen: list[Casus]) -> str:
    lines = [
        "# Casussen",
        "",
        "In een casus ontmoet je een verzonnen klant en neem je de beslissingen die een klantmanager neemt. Na elke "
        "keuze lees je wat het onderzoek erover zegt, en aan het eind zie je hoe jouw keuzes zich verhouden tot de "
        "drie uitvoeringsvarianten: de interventionist, de regisseur en de administrateur. Je kunt elke casus hier in "
        "het boek spelen, ook zonder internet, of in JupyterLab, waar je keuzes in je journaal komen.",
        "",
    ]
    for theme in Theme:
        members = [c for c in casussen if c.thema is theme]
        if not members:
            continue
        lines += [f"## {THEME_TITLES[theme]}", ""]
        lines += [f"- {{doc}}`{c.titel} <{c.slug}>` ({len(c.beslissingen)} beslissingen)" for c in members]
        lines.append("")
    return "\n".join(lines)


def notebook_json(casus: Casus) -> dict:
    """A two-cell notebook that plays the casus in JupyterLab."""
    return {
        "cells": [
            {"cell_type": "markdown", "id": "uitleg", "metadata": {}, "source": [f"# Casus: {casus.titel}\n\nVoer de cel hieronder uit om de casus te spelen."]},
            {
                "cell_type": "code",
                "id": "speel",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": [f'from activering.casus import speel\n\nspeel("{casus.slug}")'],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_if_changed(path: Path, text: str) -> None:
    """Atomic write that leaves unchanged files untouched (so Sphinx does not re-read them)."""
    if not (path.exists() and path.read_text(encoding="utf-8") == text):
        write_atomic(path, text)


def generate_pages(casussen: list[Casus], pages_dir: Path, notebooks_dir: Path) -> list[Path]:
    """Write every casus page, the index page and the JupyterLab notebooks; remove stale ones."""
    written = []
    for casus in casussen:
        page = pages_dir / f"{casus.slug}.md"
        write_if_changed(page, casus_markdown(casus))
        write_if_changed(notebooks_dir / f"{casus.slug}.ipynb", json.dumps(notebook_json(casus), indent=1, ensure_ascii=False) + "\n")
        written.append(page)
    write_if_changed(pages_dir / "index.md", index_markdown(casussen))
    keep = {casus.slug for casus in casussen} | {"index"}
    for folder, suffix in ((pages_dir, ".md"), (notebooks_dir, ".ipynb")):
        for stale in folder.glob(f"*{suffix}"):
            if stale.stem not in keep:
                stale.unlink()
    return written


def module_casus_markdown(module: str, casussen: list[Casus]) -> str:
    """The list of casussen that belong to a module, as MyST links (rendered inside the module page)."""
    members = [c for c in casussen if c.module == module]
    if not members:
        return "Bij deze module hoort geen eigen casus; kies er een uit het {doc}`overzicht van de casussen </casussen/paginas/index>`."
    return "\n".join(f"- {{doc}}`{c.titel} </casussen/paginas/{c.slug}>` ({THEME_TITLES[c.thema].lower()})" for c in members)
