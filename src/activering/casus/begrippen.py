"""Where a casus leads on to: the module section that lists it and the glossary terms its text uses.

Computed once here; the book page embeds the result with the step table (casus.js only renders it) and the
JupyterLab widget shows the same list. Nothing is guessed: a term counts when its exact wording from
book/begrippen.yml occurs in the casus text as a whole word (any case). The glossary knows no plurals or
inflections, so neither does this matching: "maatregelen" is not the term "Maatregel".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from activering.casus.model import Casus
from activering.glossary import GLOSSARY_FILE, GlossaryError, Term, load_glossary

#: From a casus page in casussen/gegenereerd/ to the book root.
BOOK_ROOT = "../../"
MODULE_PAGE = "modules/{module}/index.html"
MODULE_SOURCE = "modules/{module}/index.md"
#: The anchor the ``{casussen}`` directive gives the section of the module page it sits in.
MODULE_ANCHOR = "casussen-{module}"
GLOSSARY_PAGE = "book/begrippenlijst.html"
GLOSSARY_SOURCE = "book/begrippenlijst.md"
#: Sphinx's glossary gives each term the id ``term-<id of the term>``.
TERM_PREFIX = "term"


def module_anchor(module: str) -> str:
    return MODULE_ANCHOR.format(module=module)


def module_title(module: str) -> str:
    """'Module 7: De Participatiewet sinds 2015': the first heading of the module page (its folder name if none)."""
    from activering.paths import REPO_ROOT

    page = REPO_ROOT / MODULE_SOURCE.format(module=module)
    lines = page.read_text(encoding="utf-8").splitlines() if page.exists() else []
    return next((line[2:].strip() for line in lines if line.startswith("# ")), module)


def module_address(module: str) -> str:
    """The module page's section with the casus list, from the book root."""
    return f"{MODULE_PAGE.format(module=module)}#{module_anchor(module)}"


@dataclass(frozen=True)
class GlossaryLink:
    term: str
    address: str  # from the book root: book/begrippenlijst.html#term-…


def term_anchor(term: str) -> str:
    """The id Sphinx's ``glossary`` directive gives a term (its own rule, so the link cannot drift)."""
    from sphinx.util.nodes import _make_id  # the rule sphinx.domains.std.make_glossary_term applies

    return _make_id(f"{TERM_PREFIX}-{term}")


def casus_texts(casus: Casus) -> list[str]:
    """The casus text a reader meets: vignet, questions, options, their feedback and model answers."""
    texts = [casus.vignet]
    for decision in casus.beslissingen:
        texts.append(decision.vraag)
        if decision.modelantwoord:
            texts.append(decision.modelantwoord)
        for option in decision.opties:
            texts += [option.tekst, option.feedback]
    return texts


def term_pattern(term: str) -> re.Pattern[str]:
    """The term as a whole word in any case; spaces inside match any whitespace; not inside a longer
    word, also not a hyphenated compound ("maatregel-voorstel" does not contain "Maatregel")."""
    words = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<!\w)(?<!\w-){words}(?!\w)(?!-\w)", re.IGNORECASE)


def terms_in(texts: Iterable[str], terms: list[Term]) -> list[GlossaryLink]:
    """The glossary terms that occur in ``texts``, in the glossary's (alphabetical) order, with their link.

    Two terms with the same Sphinx id: the first in the page's order keeps the id, the next gets a serial
    number Sphinx makes up, so that one links to the glossary page itself.
    """
    text = "\n".join(texts)
    seen: set[str] = set()
    links = []
    for term in terms:
        anchor = term_anchor(term.term)
        unique = anchor not in seen
        seen.add(anchor)
        if term_pattern(term.term).search(text):
            links.append(GlossaryLink(term.term, f"{GLOSSARY_PAGE}#{anchor}" if unique else GLOSSARY_PAGE))
    return links


@cache
def _glossary() -> tuple[Term, ...]:
    try:
        return tuple(load_glossary(GLOSSARY_FILE))
    except GlossaryError:
        return ()  # the glossary page reports its own error; a casus then lists no terms


def casus_terms(casus: Casus, terms: list[Term] | None = None) -> list[GlossaryLink]:
    return terms_in(casus_texts(casus), list(_glossary()) if terms is None else terms)
