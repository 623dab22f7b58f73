"""Short author–year citations from book/references.bib, for text outside Sphinx (widgets, scripts)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pybtex.database import parse_file

from activering.paths import REPO_ROOT

BIB_FILE = REPO_ROOT / "book" / "references.bib"


@cache
def _entries(path: Path = BIB_FILE) -> dict:
    return parse_file(str(path), bib_format="bibtex").entries


def known_keys() -> set[str]:
    return set(_entries())


def _surname(person) -> str:
    parts = person.prelast_names + person.last_names
    return " ".join(part.strip("{}") for part in parts)


def short_cite(key: str, location: str = "") -> str:
    """'Van der Aa (2012), §6.2' for key 'vanderaa2012'; raises KeyError for an unknown key."""
    entry = _entries()[key]
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(person) for person in people]
    if len(names) > 2:
        authors = f"{names[0]} e.a."
    else:
        authors = " en ".join(names) or entry.fields.get("title", key)
    authors = authors[:1].upper() + authors[1:]
    year = entry.fields.get("year", "z.j.")
    return f"{authors} ({year}){', ' + location if location else ''}"
