"""The glossary: valid, big enough, and every term is used in the modules."""

from __future__ import annotations

import re

import pytest

from activering.glossary import GlossaryError, glossary_markdown, load_glossary
from activering.paths import REPO_ROOT


def module_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in (REPO_ROOT / "modules").glob("*/index.md"))


def used_terms(text: str) -> set[str]:
    """Terms referenced with {term}`Term` or {term}`text <Term>`."""
    found = set()
    for content in re.findall(r"\{term\}`([^`]+)`", text):
        target = re.search(r"<([^>]+)>\s*$", content)
        found.add((target.group(1) if target else content).strip().casefold())
    return found


def test_glossary_has_forty_terms_each_used_in_a_module():
    terms = load_glossary()
    assert len(terms) >= 40
    unused = sorted(t.term for t in terms if t.term.casefold() not in used_terms(module_text()))
    assert not unused, f"begrippen die geen module gebruikt: {unused}"


def test_glossary_renders_every_term_with_its_source():
    terms = load_glossary()
    markdown = glossary_markdown(terms)
    assert markdown.startswith("```{glossary}")
    for term in terms:
        assert f"\n{term.term}\n" in markdown
        if term.bron:
            assert f"{{cite:t}}`{term.bron.split(',')[0].strip()}`" in markdown


def test_duplicate_term_is_refused(tmp_path):
    path = tmp_path / "begrippen.yml"
    entry = "- term: Trede\n  definitie: Een stap op de participatieladder van de gemeente.\n"
    path.write_text(entry + entry.replace("Trede", "trede"), encoding="utf-8")
    with pytest.raises(GlossaryError, match="twee keer"):
        load_glossary(path)
