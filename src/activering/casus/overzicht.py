"""The casus index for JupyterLab and the command line: every casus by theme, and whether you played it.

One function, :func:`overview`, gives the rows; `activering casus lijst` prints them as a table and the
notebook `casussen/notebooks/00-overzicht.ipynb` shows them (:func:`toon_overzicht`) with a link to each
casus notebook. "Gespeeld" comes from the journal at the moment the list is made.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from activering.casus.load import CASUS_DIR, load_all_casussen
from activering.casus.model import THEME_TITLES, Casus, Theme
from activering.journal import Journal, JournalError

PLAYED = "ja"
IN_PROGRESS = "bezig"
NOT_PLAYED = "nee"
INDEX_NOTEBOOK = "00-overzicht.ipynb"


@dataclass(frozen=True)
class Row:
    slug: str
    titel: str
    thema: str  # the theme's title
    beslissingen: int
    gespeeld: str  # PLAYED, IN_PROGRESS or NOT_PLAYED


def played_status(journal: Journal) -> dict[str, str]:
    """Per casus slug: 'ja' when a run reached the end, 'bezig' when only an unfinished run exists."""
    status: dict[str, str] = {}
    for run in journal.runs():
        if run["finished"]:
            status[run["casus"]] = PLAYED
        else:
            status.setdefault(run["casus"], IN_PROGRESS)
    return status


def overview(casussen: list[Casus], played: dict[str, str]) -> list[Row]:
    """Every casus, ordered by theme (the course's order) and then title, with what the journal says."""
    order = list(Theme)
    return [
        Row(c.slug, c.titel, THEME_TITLES[c.thema], len(c.beslissingen), played.get(c.slug, NOT_PLAYED))
        for c in sorted(casussen, key=lambda c: (order.index(c.thema), c.titel))
    ]


def read_played(journal: Journal | None = None) -> tuple[dict[str, str], str | None]:
    """What the journal says was played, and a Dutch note when the journal cannot be read."""
    try:
        return played_status(journal or Journal()), None
    except JournalError as error:
        return {}, f"Je journaal is niet te lezen ({error}); de lijst toont daarom niet wat je al speelde."


def overview_html(rows: list[Row], note: str | None = None) -> str:
    """The index as HTML: a table per theme; each title links to its casus notebook (next to this one)."""
    parts = ["<div class='casus-overzicht'>"]
    if note:
        parts.append(f"<p role='alert'>{html.escape(note)}</p>")
    played = sum(row.gespeeld == PLAYED for row in rows)
    parts.append(f"<p>Je hebt {played} van de {len(rows)} casussen tot het eind gespeeld.</p>")
    for theme in dict.fromkeys(row.thema for row in rows):
        parts.append(f"<h3>{html.escape(theme)}</h3><table><thead><tr><th>casus</th><th>beslissingen</th>")
        parts.append("<th>gespeeld</th></tr></thead><tbody>")
        for row in (r for r in rows if r.thema == theme):
            link = f"<a href='{html.escape(row.slug)}.ipynb'>{html.escape(row.titel)}</a>"
            parts.append(
                f"<tr data-casus='{html.escape(row.slug)}'><td>{link}<br><code>{html.escape(row.slug)}</code></td>"
                f"<td>{row.beslissingen}</td><td>{html.escape(row.gespeeld)}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append("</div>")
    return "".join(parts)


def toon_overzicht(map_: Path | str = CASUS_DIR, journal: Journal | None = None):
    """In a notebook: show the index of casussen with what you played (read from your journal now)."""
    from IPython.display import HTML

    played, note = read_played(journal)
    return HTML(overview_html(overview(load_all_casussen(Path(map_)), played), note))


def index_notebook_json(casus_dir: Path | None = None) -> dict:
    """The index notebook: one code cell that shows the overview when run (of ``casus_dir`` if not the course's)."""
    argument = "" if casus_dir is None else json.dumps(str(casus_dir.resolve()), ensure_ascii=False)
    return {
        "cells": [
            {
                "cell_type": "markdown",
                "id": "uitleg",
                "metadata": {},
                "source": [
                    "# Overzicht van de casussen\n\nVoer de cel hieronder uit: je ziet alle casussen per thema en "
                    "welke je al hebt gespeeld (uit je journaal). Voer de cel opnieuw uit na het spelen van een casus."
                ],
            },
            {
                "cell_type": "code",
                "id": "overzicht",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": [f"from activering.casus.overzicht import toon_overzicht\n\ntoon_overzicht({argument})"],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
