"""Short author–year citations from book/references.bib, for text outside Sphinx (widgets, scripts)."""

from __future__ import annotations

import re
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


def _authors_year(key: str) -> tuple[str, str]:
    """('Van der Aa', '2012') for key 'vanderaa2012'; raises KeyError for an unknown key."""
    entry = _entries()[key]
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(person) for person in people]
    if len(names) > 2:
        authors = f"{names[0]} e.a."
    else:
        authors = " en ".join(names) or entry.fields.get("title", key)
    return authors[:1].upper() + authors[1:], entry.fields.get("year", "z.j.")


def short_cite(key: str, location: str = "") -> str:
    """'Van der Aa (2012), §6.2' for key 'vanderaa2012'; raises KeyError for an unknown key."""
    authors, year = _authors_year(key)
    return f"{authors} ({year}){', ' + location if location else ''}"


#: One cited work inside a {cite:p}/{cite:t} role, in sphinxcontrib-bibtex's syntax: ``{pre}key{post}``.
_CITED = re.compile(r"^\s*(?:\{(?P<pre>[^{}]*)\})?(?P<key>[^\s{},]+)(?:\{(?P<post>[^{}]*)\})?\s*$")


def _split_cited(content: str) -> list[str]:
    """The works in a role's content, split on commas outside braces ('a{p. 1, 2},b' -> two works)."""
    parts, depth, current = [], 0, ""
    for char in content:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def plain_citation(kind: str, content: str) -> str:
    """A {cite:p} or {cite:t} role as the book shows it, in plain text.

    ``plain_citation("p", "vanderaa2012{§6.4}")`` gives '[Van der Aa, 2012, §6.4]'; ``"t"`` gives
    'Van der Aa [2012, §6.4]'. Raises KeyError for an unknown key and ValueError for content that is not
    a list of works.
    """
    works = []
    for part in _split_cited(content):
        match = _CITED.match(part)
        if not match:
            raise ValueError(part)
        authors, year = _authors_year(match["key"])
        works.append((match["pre"], authors, ", ".join(filter(None, [year, match["post"]]))))
    if kind == "t":
        return "; ".join(f"{pre + ' ' if pre else ''}{authors} [{rest}]" for pre, authors, rest in works)
    return "[" + "; ".join(f"{pre + ' ' if pre else ''}{authors}, {rest}" for pre, authors, rest in works) + "]"


def register_dutch_styles() -> None:
    """Styles for the book: 'Van Berkel en Vanschoren, 2013' and titles kept as written.

    sphinxcontrib-bibtex and pybtex only ship English connectives, and pybtex's ``plain``
    lowercases titles ('dutch', 'danish'). Registered as ``author_year_nl`` (citations) and
    ``plain_nl`` (reference list); ``_config.yml`` selects them.
    """
    from dataclasses import dataclass
    from dataclasses import field as dataclass_field

    from pybtex.plugin import register_plugin as register_pybtex_plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.template import field, names, sentence
    from sphinxcontrib.bibtex.plugin import register_plugin
    from sphinxcontrib.bibtex.style.referencing import PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    def dutch_persons() -> PersonStyle:
        return PersonStyle(sep2=" en ", last_sep=" en ")

    @dataclass
    class DutchAuthorYearStyle(AuthorYearReferenceStyle):
        person: PersonStyle = dataclass_field(default_factory=dutch_persons)

    class DutchPlainStyle(PlainStyle):
        def format_names(self, role, as_sentence=True):
            formatted = names(role, sep=", ", sep2=" en ", last_sep=" en ")
            return sentence[formatted] if as_sentence else formatted

        def format_title(self, e, which_field, as_sentence=True):
            formatted = field(which_field)
            return sentence[formatted] if as_sentence else formatted

    register_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_nl", DutchAuthorYearStyle, force=True)
    register_pybtex_plugin("pybtex.style.formatting", "plain_nl", DutchPlainStyle, force=True)
