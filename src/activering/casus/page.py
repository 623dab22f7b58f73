"""A casus as a static book page: readable without scripts, playable with the shipped casus.js.

The page embeds the casus's step table (:func:`activering.casus.engine.step_table`); casus.js only looks
things up in it. This module imports no chart or data library: the book build imports it.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

from activering.casus.engine import hint, step_table, typical_text
from activering.casus.load import CASUS_DIR
from activering.casus.model import THEME_TITLES, Casus, Decision, Kind, Theme
from activering.casus.overzicht import INDEX_NOTEBOOK, index_notebook_json
from activering.files import write_atomic

# The casus pages are generated at every build into this folder of the book (git ignores it). Nothing
# hand-written lives there: files that no casus produces are removed.
GENERATED_DIR = "casussen/gegenereerd"
LAB_URL = "http://127.0.0.1:8888/lab/tree/casussen/notebooks/{slug}.ipynb"


def _cite(key: str, location: str) -> str:
    return f"({{cite:t}}`{key}`, {location})"


def _letter(index: int) -> str:
    return string.ascii_uppercase[index]


def _decision_markdown(number: int, decision: Decision) -> list[str]:
    lines = [f"```{{rubric}} Beslissing {number}: {decision.vraag}", "```", "", f"*{hint(decision)}*", ""]
    if decision.soort is Kind.OPEN:
        lines += [
            ":::{dropdown} Modelantwoord",
            f"{decision.modelantwoord} {_cite(decision.bron.key, decision.bron.locatie)}",
            ":::",
            "",
        ]
    for index, option in enumerate(decision.opties):
        variants = typical_text(option)
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
    data = json.dumps(step_table(casus), ensure_ascii=False).replace("</", "<\\/")
    sources = "; ".join(f"{{cite:t}}`{source.key}`, {source.locatie}" for source in casus.bronnen)
    lines = [
        f"% Gegenereerd uit casussen/{casus.slug}.yml bij elke bouw van het boek; bewerk de YAML, niet dit bestand.",
        "",
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
    lines += ["```{rubric} Nabespreking", "```", "", casus.nabespreking, ""]
    if casus.toen_en_nu:  # the player shows the same note at the end (step table: toen_en_nu)
        lines += [
            "```{admonition} Toen en nu",
            ":class: note",
            casus.toen_en_nu.tekst,
            "",
            f"Lees verder in {{doc}}`/modules/{casus.toen_en_nu.module}/index`.",
            "```",
            "",
        ]
    lines += ["::::", ""]
    return "\n".join(lines)


def index_markdown(casussen: list[Casus]) -> str:
    lines = [
        "% Gegenereerd uit casussen/*.yml bij elke bouw van het boek; bewerk de YAML, niet dit bestand.",
        "",
        "# Casussen",
        "",
        "In een casus ontmoet je een verzonnen klant en neem je de beslissingen die een klantmanager neemt. Na elke "
        "keuze lees je wat het onderzoek erover zegt, en aan het eind zie je hoe jouw keuzes zich verhouden tot de "
        "drie uitvoeringsvarianten: de interventionist, de regisseur en de administrateur. Je kunt elke casus hier in "
        "het boek spelen, ook zonder internet, of in JupyterLab, waar je keuzes in je journaal komen.",
        "",
        "De casussen staan per thema. Een casus die je in deze browser tot het eind hebt gespeeld, krijgt het "
        "label *gespeeld*; in JupyterLab toont `activering casus lijst` wat je al hebt gespeeld.",
        "",
    ]
    for theme in Theme:
        members = sorted((c for c in casussen if c.thema is theme), key=lambda c: c.titel)
        if not members:
            continue
        lines += [f"## {THEME_TITLES[theme]}", "", ":::{container} casus-index", ""]
        lines += [f"- {{doc}}`{c.titel} <{c.slug}>` ({len(c.beslissingen)} beslissingen)" for c in members]
        lines += ["", ":::", ""]
    return "\n".join(lines)


def notebook_json(casus: Casus) -> dict:
    """A two-cell notebook that plays the casus in JupyterLab."""
    return {
        "cells": [
            {
                "cell_type": "markdown",
                "id": "uitleg",
                "metadata": {},
                "source": [f"# Casus: {casus.titel}\n\nVoer de cel hieronder uit om de casus te spelen."],
            },
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


def _remove_others(folder: Path, keep: set[str]) -> None:
    for stale in folder.iterdir() if folder.is_dir() else ():
        if stale.is_file() and stale.name not in keep:
            stale.unlink()


def generate_pages(casussen: list[Casus], pages_dir: Path) -> list[Path]:
    """Write every casus page and the index page into ``pages_dir``; remove every other file there."""
    written = [pages_dir / f"{casus.slug}.md" for casus in casussen]
    for casus, page in zip(casussen, written):
        write_if_changed(page, casus_markdown(casus))
    write_if_changed(pages_dir / "index.md", index_markdown(casussen))
    _remove_others(pages_dir, {page.name for page in written} | {"index.md"})
    return written


def write_notebooks(casussen: list[Casus], notebooks_dir: Path) -> list[Path]:
    """Write a JupyterLab notebook per casus into ``notebooks_dir``, and the index notebook that lists them
    with what the journal says was played; remove other notebooks there."""
    written = [notebooks_dir / f"{casus.slug}.ipynb" for casus in casussen]
    for casus, notebook in zip(casussen, written):
        write_if_changed(notebook, json.dumps(notebook_json(casus), indent=1, ensure_ascii=False) + "\n")
    index = notebooks_dir / INDEX_NOTEBOOK
    casus_dir = None if notebooks_dir.parent.resolve() == CASUS_DIR.resolve() else notebooks_dir.parent
    write_if_changed(index, json.dumps(index_notebook_json(casus_dir), indent=1, ensure_ascii=False) + "\n")
    written.append(index)
    for stale in notebooks_dir.glob("*.ipynb"):
        if stale not in written:
            stale.unlink()
    return written


def module_casus_markdown(module: str, casussen: list[Casus]) -> str:
    """The list of casussen that belong to a module, as MyST links (the `casussen` directive renders it)."""
    members = [c for c in casussen if c.module == module]
    if not members:
        return f"Bij deze module hoort geen eigen casus; kies er een uit het {{doc}}`overzicht van de casussen </{GENERATED_DIR}/index>`."
    return "\n".join(
        f"- {{doc}}`{c.titel} </{GENERATED_DIR}/{c.slug}>` ({THEME_TITLES[c.thema].lower()})" for c in members
    )
