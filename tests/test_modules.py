"""Every module has the structure of the model module and runs as a notebook in a real kernel."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
import yaml
from nbclient import NotebookClient

from activering.paths import REPO_ROOT

#: A new module starts as a copy of this template; its ``## `` headings are the required sections, in order.
TEMPLATE = REPO_ROOT / "modules" / "SJABLOON.md"


def toc_modules() -> list[Path]:
    """The module pages in the order of the book's table of contents (the part captioned "Modules")."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(part for part in toc["parts"] if part.get("caption") == "Modules")
    return [REPO_ROOT / f"{chapter['file']}.md" for chapter in part["chapters"]]


MODULES = toc_modules()
REQUIRED_SECTIONS = re.findall(r"^## (.+?)\s*$", TEMPLATE.read_text(encoding="utf-8"), flags=re.MULTILINE)


def test_every_module_folder_is_in_the_toc_in_number_order():
    on_disk = sorted(path.parent.name for path in (REPO_ROOT / "modules").glob("[0-9][0-9]-*/index.md"))
    in_toc = [path.parent.name for path in MODULES]
    assert in_toc == on_disk, f"_toc.yml (deel 'Modules') en de map modules/ verschillen: {in_toc} tegenover {on_disk}"
    assert all(path.exists() for path in MODULES)
    assert len(REQUIRED_SECTIONS) >= 5 and "Leerdoelen" in REQUIRED_SECTIONS


def module_id(path: Path) -> str:
    return path.parent.name


def sections(text: str) -> list[str]:
    return re.findall(r"^## (.+?)\s*$", text, flags=re.MULTILINE)


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_module_has_required_sections_in_order(path):
    found = sections(path.read_text(encoding="utf-8"))
    positions = [found.index(name) for name in REQUIRED_SECTIONS if name in found]
    missing = [name for name in REQUIRED_SECTIONS if name not in found]
    assert not missing, f"{path}: ontbrekende secties {missing}"
    assert positions == sorted(positions), f"{path}: secties in verkeerde volgorde: {found}"
    first, last = REQUIRED_SECTIONS[0], REQUIRED_SECTIONS[-1]
    assert found[0] == first, f"{module_id(path)}: de eerste sectie moet '{first}' zijn, niet '{found[0]}'"
    assert found[-1] == last, f"{module_id(path)}: de laatste sectie moet '{last}' zijn, niet '{found[-1]}'"


def section_text(text: str, name: str, module: str = "") -> str:
    match = re.search(rf"^## {re.escape(name)}\s*$(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"{module or 'module'}: de sectie '## {name}' ontbreekt"
    return match.group(1)


#: The summary at the top ("In het kort") and the five-sentence core at the end ("De kern in vijf zinnen").
SUMMARY, CORE = "In het kort", "De kern in vijf zinnen"
SUMMARY_WORDS = range(150, 251)
CORE_SENTENCES = 5

#: Abbreviations that end in a full stop without ending a sentence (compared in lower case).
ABBREVIATIONS = (
    "bijv.", "bv.", "o.a.", "e.a.", "d.w.z.", "m.a.w.", "enz.", "etc.", "ca.", "nl.", "zgn.", "vgl.", "i.p.v.",
    "t.o.v.", "m.b.t.", "a.s.", "z.g.a.n.", "resp.", "p.", "pp.", "nr.", "hfst.", "dr.", "mr.", "drs.", "prof.",
)  # fmt: skip


def rendered_prose(markdown: str) -> str:
    """The words a reader sees of a piece of MyST, without citations, comments and markup.

    Citations ({cite:p}`…`, {cite:t}`…`) are left out: they are references, not prose. Other roles keep the
    text they show ({term}`tekst <Term>` shows "tekst"), links keep their text, emphasis marks go.
    """
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"^%.*$", " ", text, flags=re.MULTILINE)
    text = re.sub(r"\s*\{cite:[a-z]+\}`[^`]*`", "", text)
    text = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*<[^`>]*>`", r"\1", text)
    text = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"\(\s*[;,]?\s*\)", "", text)  # brackets that held only citations
    return text


def words(text: str) -> list[str]:
    """Words counted the simple way: letters or digits, with inner hyphens and apostrophes (zo'n, re-integratie)."""
    return re.findall(r"\w+(?:['’-]\w+)*", text)


def sentences(text: str) -> int:
    """The number of sentences in a piece of prose: a full stop, ! or ? followed by space and a capital or digit,
    or the end. Abbreviations (bijv., o.a.) and section numbers (§8.2) do not end a sentence."""
    prose = f" {rendered_prose(text).strip()} "
    for abbreviation in ABBREVIATIONS:
        prose = re.sub(rf"(?<=[\s(]){re.escape(abbreviation)}", abbreviation.replace(".", ""), prose, flags=re.I)
    return len(re.findall(r"[.!?]+[\"”’')]*(?=\s+[\"“‘(]?[A-ZÀ-Ý0-9]|\s*$)", prose))


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_summary_is_150_to_250_words(path):
    summary = section_text(path.read_text(encoding="utf-8"), SUMMARY, module_id(path))
    count = len(words(rendered_prose(summary)))
    assert count in SUMMARY_WORDS, (
        f"{module_id(path)}: '{SUMMARY}' telt {count} woorden (zonder bronverwijzingen); "
        f"het moeten er {SUMMARY_WORDS.start} tot {SUMMARY_WORDS.stop - 1} zijn"
    )
    assert "<" not in rendered_prose(summary), f"{module_id(path)}: '{SUMMARY}' bevat nog tekst uit het sjabloon"


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_core_is_five_sentences_in_a_numbered_list(path):
    core = section_text(path.read_text(encoding="utf-8"), CORE, module_id(path))
    items = re.split(r"^\d+\.\s+", core.strip(), flags=re.MULTILINE)
    before, items = items[0].strip(), [item.strip() for item in items[1:]]
    assert not before, f"{module_id(path)}: '{CORE}' bevat tekst vóór de genummerde lijst: {before[:60]!r}"
    assert len(items) == CORE_SENTENCES, (
        f"{module_id(path)}: '{CORE}' heeft {len(items)} genummerde punten; het moeten er {CORE_SENTENCES} zijn"
    )
    for number, item in enumerate(items, start=1):
        assert re.search(r"[.!?][\"”’')]*$", item), (
            f"{module_id(path)}: punt {number} van '{CORE}' eindigt niet als zin"
        )
        count = sentences(item)
        assert count == 1, (
            f"{module_id(path)}: punt {number} van '{CORE}' bestaat uit {count} zinnen in plaats van één: {item[:80]!r}"
        )


def test_the_counts_handle_citations_abbreviations_and_roles():
    text = (
        "Klantmanagers gebruiken beslisruimte, bijv. bij sancties {cite:p}`vanderaa2012{§6.5.2.1}`. "
        "Zie ook {term}`coping <Coping>` en **o.a.** Van Berkel e.a. (2010)."
    )
    assert words(rendered_prose(text)) == [
        "Klantmanagers", "gebruiken", "beslisruimte", "bijv", "bij", "sancties",
        "Zie", "ook", "coping", "en", "o", "a", "Van", "Berkel", "e", "a", "2010",
    ]  # fmt: skip
    assert sentences(text) == 2
    assert sentences("Zo'n 80 cliënten per klantmanager (§7.3.1.3, tabel 7.4), d.w.z. minder dan regisseurs.") == 1
    assert sentences("Eén zin. Twee zinnen! Drie?") == 3
    assert sentences("Het werk vraagt oordeel {cite:p}`abbott1988`. Dat is Abbotts punt.") == 2


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_self_check_answers_open_on_request(path):
    zelftoets = section_text(path.read_text(encoding="utf-8"), "Zelftoets")
    questions = re.findall(r"^:::+\{vraag\} (meerkeuze|open)\s*$", zelftoets, flags=re.MULTILINE)
    assert len(questions) >= 5, f"{path}: minstens vijf vragen ({{vraag}}) met een antwoord op verzoek"
    assert "meerkeuze" in questions, f"{path}: minstens één meerkeuzevraag die je in de pagina controleert"
    assert not re.search(r"^:::+\{dropdown\}", zelftoets, flags=re.MULTILINE), (
        f"{path}: zelftoetsvragen gaan via {{vraag}}, niet via een losse dropdown"
    )


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_reflection_and_citations(path):
    text = path.read_text(encoding="utf-8")
    reflectie = section_text(text, "Reflectie")
    assert reflectie.count("?") >= 2, f"{path}: minstens twee reflectievragen"
    assert len(re.findall(r"\{cite:[tp]\}`", text)) >= 5, f"{path}: te weinig bronverwijzingen"


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_every_chart_goes_through_show_chart(path):
    text = path.read_text(encoding="utf-8")
    shown = len(re.findall(r"show_chart\(", text))
    minimum = 2
    assert shown >= minimum, f"{path}: minstens {minimum} grafiek(en) via show_chart"
    assert "```{casussen}" in text, f"{path}: de module linkt naar haar casussen"
    assert ".display()" not in text and "alt.renderers" not in text, f"{path}: grafieken altijd via show_chart"


@pytest.mark.slow
@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_module_executes_as_notebook(path):
    """What a student gets in JupyterLab: the MyST page opened as a notebook runs without errors."""
    notebook = jupytext.read(path)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_data_cells_ask_whether_the_data_have_what_they_need(path):
    """On a trainer's own export a column can be missing: a cell that loads data asks first (beschikbaar/heeft),
    so the page shows 'niet in jouw data' instead of an error or an empty chart."""
    notebook = jupytext.read(path)
    for cell in notebook.cells:
        if cell.cell_type == "code" and "load_table(" in cell.source:
            assert re.search(r"^if (beschikbaar|heeft)\(", cell.source, flags=re.MULTILINE), (
                f"{path.parent.name}: cel met load_table zonder beschikbaar(...): {cell.source[:80]!r}"
            )
