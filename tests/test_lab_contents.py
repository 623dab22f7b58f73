"""Citations in the course's JupyterLab: plain text while a page is open, roles again on disk.

The contents manager is the real one JupyterLab uses (jupytext's, with our two steps), on a temporary folder.
The expected texts are built here from references.bib with pybtex, not with the code under test.
"""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from pybtex.database import parse_file

from activering.bibliography import BIB_FILE
from activering.lab_contents import METADATA, CourseContentsManager
from activering.paths import REPO_ROOT

ENTRIES = parse_file(str(BIB_FILE), bib_format="bibtex").entries


def surname(key: str) -> str:
    """The first author's surname as it appears in the book, e.g. 'Van der Aa'."""
    entry = ENTRIES[key]
    person = (entry.persons.get("author") or entry.persons.get("editor"))[0]
    name = " ".join(p.strip("{}") for p in person.prelast_names + person.last_names)
    return name[:1].upper() + name[1:]


def page(body: str) -> str:
    return (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3 (ipykernel)\n  language: python\n---\n\n" + body
    )


@pytest.fixture
def manager(tmp_path):
    """The contents manager on a folder that, like a clone of the course, has the course's jupytext.toml."""
    (tmp_path / "jupytext.toml").write_bytes((REPO_ROOT / "jupytext.toml").read_bytes())
    return CourseContentsManager(root_dir=str(tmp_path))


def run(coroutine):
    """Run a coroutine of the contents manager in its own thread: a browser test in the same worker may
    have an event loop running in this one (Playwright's sync API)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def opened(manager, name):
    return run(manager.get(name, content=True, type="notebook"))


def markdown(model) -> str:
    return "\n".join(c["source"] for c in model["content"]["cells"] if c["cell_type"] == "markdown")


def test_an_opened_page_shows_citations_as_text_and_a_save_restores_the_roles(manager, tmp_path):
    keys = sorted(k for k in ENTRIES if (ENTRIES[k].persons.get("author") or ENTRIES[k].persons.get("editor")))
    rng = random.Random(17)
    locators = ["§6.4.2.1, p. 157", "tabel 7.4", "noot 4", "paragraaf 'Context'", "p. 15–19", "hoofdstuk 8"]
    for trial in range(25):
        roles, cited = [], []
        for _ in range(rng.randint(1, 4)):
            chosen = rng.sample(keys, rng.randint(1, 2))
            cited += chosen
            works = [f"{k}{{{rng.choice(locators)}}}" if rng.random() < 0.6 else k for k in chosen]
            roles.append(f"{{cite:{rng.choice('pt')}}}`{','.join(works)}`")
        body = (
            "# Kop\n\nTekst "
            + " en ".join(roles)
            + ".\n\n```{code-cell} ipython3\nx = 1\n```\n\nMeer {term}`beslisruimte`.\n"
        )
        name = f"pagina{trial}.md"
        (tmp_path / name).write_text(page(body), encoding="utf-8")
        before = (tmp_path / name).read_bytes()

        model = opened(manager, name)
        text = markdown(model)
        assert "{cite:" not in text, text
        for key in cited:
            assert surname(key) in text, (key, text)
        assert "{term}`beslisruimte`" in text  # other roles are jupyterlab-myst's job

        run(manager.save(model, name))  # saved as it was opened
        assert (tmp_path / name).read_bytes() == before


def test_an_edit_elsewhere_is_saved_and_the_citation_stays_a_role(manager, tmp_path):
    (tmp_path / "p.md").write_text(page("Een zin {cite:p}`vanderaa2012{§6.5.3}`.\n"), encoding="utf-8")
    model = opened(manager, "p.md")
    cell = next(c for c in model["content"]["cells"] if c["cell_type"] == "markdown")
    assert METADATA in cell["metadata"]
    cell["source"] = "Mijn eigen zin. " + cell["source"]
    run(manager.save(model, "p.md"))
    saved = (tmp_path / "p.md").read_text(encoding="utf-8")
    assert "Mijn eigen zin. Een zin {cite:p}`vanderaa2012{§6.5.3}`." in saved
    assert METADATA not in saved


def test_an_unknown_key_stays_as_it_is(manager, tmp_path):
    (tmp_path / "p.md").write_text(page("Zie {cite:p}`bestaat_niet{p. 1}`.\n"), encoding="utf-8")
    model = opened(manager, "p.md")
    assert "{cite:p}`bestaat_niet{p. 1}`" in markdown(model)


def test_the_course_pages_open_without_roles_and_save_unchanged(manager, tmp_path):
    from activering.lab import saved_form

    journaal = saved_form((REPO_ROOT / "modules" / "zelfstudie" / "journaal.md").read_text(encoding="utf-8"))
    (tmp_path / "journaal.md").write_text(journaal, encoding="utf-8")
    model = opened(manager, "journaal.md")
    assert "{cite:" not in markdown(model)
    run(manager.save(model, "journaal.md"))
    assert (tmp_path / "journaal.md").read_text(encoding="utf-8") == journaal


def test_the_lab_settings_use_this_contents_manager():
    config = (REPO_ROOT / "grading" / "jupyterlab" / "jupyter_server_config.py").read_text(encoding="utf-8")
    assert 'contents_manager_class = "activering.lab_contents.CourseContentsManager"' in config
