"""The course glossary: one YAML file (book/begrippen.yml) rendered as a MyST glossary.

Keeping terms as data lets every module add its own terms without editing a shared page.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from activering.paths import REPO_ROOT

GLOSSARY_FILE = REPO_ROOT / "book" / "begrippen.yml"


class GlossaryError(ValueError):
    """The glossary file cannot be used; the message names the file and the problem."""


class Term(BaseModel):
    term: str = Field(min_length=2)
    definitie: str = Field(min_length=20)
    bron: str | None = None  # citation key plus location, e.g. "vanderaa2012, §2.3"
    module: str | None = None


def load_glossary(path: Path = GLOSSARY_FILE) -> list[Term]:
    """Read and validate the glossary; terms are sorted alphabetically (Dutch-insensitive case)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise GlossaryError(f"{path}: kan de begrippenlijst niet lezen: {error}") from error
    if not isinstance(raw, list):
        raise GlossaryError(f"{path}: verwacht een lijst met begrippen, vond {type(raw).__name__}")
    try:
        terms = [Term.model_validate(item) for item in raw]
    except ValidationError as error:
        raise GlossaryError(f"{path}: ongeldig begrip: {error}") from error
    seen: set[str] = set()
    for term in terms:
        key = term.term.casefold()
        if key in seen:
            raise GlossaryError(f"{path}: het begrip '{term.term}' staat er twee keer in")
        seen.add(key)
    return sorted(terms, key=lambda term: term.term.casefold())


def _cite(source: str) -> str:
    key, _, location = source.partition(",")
    location = location.strip()
    return f" ({{cite:t}}`{key.strip()}`{', ' + location if location else ''})"


def glossary_markdown(terms: list[Term]) -> str:
    """MyST source of a ``{glossary}`` directive for the given terms."""
    lines = ["```{glossary}"]
    for term in terms:
        definition = " ".join(term.definitie.split())
        source = _cite(term.bron) if term.bron else ""
        lines += [term.term, f"  {definition}{source}", ""]
    lines.append("```")
    return "\n".join(lines)
