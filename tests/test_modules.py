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
    assert found[0] == "Leerdoelen", f"{path}: leerdoelen moeten vooraan staan"


def section_text(text: str, name: str) -> str:
    match = re.search(rf"^## {re.escape(name)}\s*$(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, name
    return match.group(1)


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
