"""Ways in and out of the book: notebook download and "Open in JupyterLab" per module page, the book as PDF."""

from __future__ import annotations

import fcntl
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from activering.boekroutes import block_html, is_module_page, lab_link, print_pdf, repository_folder, write_notebook
from activering.paths import REPO_ROOT

MODULE_PAGES = [
    entry["file"]
    for part in yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))["parts"]
    for entry in part["chapters"]
    if is_module_page(entry["file"])
]
HUB = "https://hub.example.nl/"
REPO = "https://github.com/organisatie/vakmanschap-in-activeringswerk.git"


def test_the_toc_has_module_pages():
    assert len(MODULE_PAGES) >= 6
    assert not is_module_page("modules/zelfstudie/journaal")
    assert not is_module_page("book/intro")


def test_lab_link_is_an_nbgitpuller_link_when_the_hub_is_configured():
    link = lab_link("modules/01-activeringswerk/index", HUB, REPO, branch="main")
    parsed = urlparse(link)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "hub.example.nl", "/hub/user-redirect/git-pull")
    query = parse_qs(parsed.query)
    assert query == {
        "repo": [REPO],
        "branch": ["main"],
        "urlpath": ["lab/tree/vakmanschap-in-activeringswerk/modules/01-activeringswerk/index.md"],
    }
    assert "lab%2Ftree%2F" in parsed.query and "https%3A%2F%2Fgithub.com" in parsed.query  # encoded, not raw


def test_lab_link_encodes_awkward_paths():
    link = lab_link("modules/07-werk & inkomen/index", HUB, "https://git.example.nl/team/cursus met spatie")
    query = parse_qs(urlparse(link).query)
    assert query["urlpath"] == ["lab/tree/cursus met spatie/modules/07-werk & inkomen/index.md"]
    assert " " not in link and "&inkomen" not in link


@pytest.mark.parametrize(("hub", "repo"), [("", ""), (HUB, ""), ("", REPO), ("  ", REPO)])
def test_no_lab_link_without_hub_and_repository(hub, repo):
    assert lab_link("modules/01-activeringswerk/index", hub, repo) is None


def test_repository_folder():
    assert repository_folder(REPO) == "vakmanschap-in-activeringswerk"
    assert repository_folder("https://github.com/o/cursus/") == "cursus"


def test_block_without_hub_explains_the_local_way():
    block = block_html("modules/02-beslisruimte/index")
    assert 'href="index.ipynb"' in block and "Download als notebook (.ipynb)" in block
    assert "<details>" in block and "make lab" in block and "modules/02-beslisruimte/index.md" in block
    assert "127.0.0.1" not in block and "localhost" not in block and "git-pull" not in block


def test_block_with_hub_links_to_it():
    block = block_html("modules/02-beslisruimte/index", HUB, REPO)
    assert 'href="https://hub.example.nl/hub/user-redirect/git-pull?repo=' in block
    assert "&amp;urlpath=" in block and "<details>" not in block


def test_notebook_from_a_module_source_is_valid_and_has_no_outputs(tmp_path):
    import nbformat

    source = REPO_ROOT / f"{MODULE_PAGES[0]}.md"
    target = write_notebook(source, tmp_path / "index.ipynb")
    notebook = nbformat.read(target, as_version=4)
    nbformat.validate(notebook)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    assert any(cell.cell_type == "markdown" and cell.source.startswith("# ") for cell in notebook.cells)


def first_heading(notebook: dict) -> str:
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        match = re.search(r"^# (.+)$", source, re.MULTILINE) if cell["cell_type"] == "markdown" else None
        if match:
            return match.group(1).strip()
    return ""


@pytest.mark.slow
def test_every_module_page_offers_notebook_and_lab(book_server, browser, built_book):
    import nbformat

    page = browser.new_page(accept_downloads=True)
    try:
        for docname in MODULE_PAGES:
            page.goto(f"{book_server}/{docname}.html")
            block = page.locator("nav.boekroutes")
            assert block.count() == 1, docname
            assert block.is_visible(), docname
            download_link = block.get_by_role("link", name="Download als notebook (.ipynb)")
            with page.expect_download() as info:
                download_link.click()
            notebook = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
            nbformat.validate(nbformat.from_dict(notebook))
            heading = page.locator("article h1").first.inner_text().replace("#", "").strip()
            assert first_heading(notebook) == heading, docname
            lab = block.locator(".boekroutes-lab")
            assert "Open in JupyterLab" in lab.inner_text()
            lab.locator("summary").click()  # the default book has no hub: the local steps open
            assert "make lab" in lab.inner_text() and f"{docname}.md" in lab.inner_text()
            assert "127.0.0.1:8888" not in block.inner_html() and "localhost:8888" not in block.inner_html()
    finally:
        page.close()


def source_title(path: Path) -> str:
    """The first "# " heading of a MyST page, outside code cells."""
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("# "):
            return line[2:].strip()
    return ""


def pdf_text(path: Path) -> str:
    """The text of a PDF, ligatures ("ﬂ") as plain letters."""
    import pypdf

    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages))


@pytest.mark.slow
def test_print_pdf_prints_the_html_without_navigation(tmp_path):
    """The print step of `make pdf` on a small page: the print styles leave navigation out."""
    css = (REPO_ROOT / "book" / "_static" / "activering.css").read_text(encoding="utf-8")
    titles = [f"Module {number}: titel {number}" for number in range(1, 4)]
    sections = "".join(f"<section><h1>{title}</h1><p>Tekst.</p></section>" for title in titles)
    (tmp_path / "index.html").write_text(
        f"<!doctype html><html lang='nl'><head><meta charset='utf-8'><style>{css}</style>"
        "<link rel='stylesheet' href='https://cdn.example.org/niet.css'></head><body>"
        "<div class='bd-sidebar-primary'>Navigatiemenu</div>"
        f"<main><article class='bd-article'>{sections}"
        "<nav class='boekroutes'>Download als notebook</nav></article></main></body></html>",
        encoding="utf-8",
    )
    target = print_pdf(tmp_path / "index.html", tmp_path / "pdf" / "boek.pdf")
    text = pdf_text(target)
    for title in titles:
        assert title in text
    assert "Navigatiemenu" not in text and "Download als notebook" not in text


@pytest.mark.slow
def test_make_pdf_prints_the_whole_book_with_every_module(built_book, tmp_path):
    """What `make pdf` does: the single-page build (after the HTML build, with its execution cache), then print."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(REPO_ROOT), "--builder", "singlehtml"]
    with (REPO_ROOT / "_build" / ".book-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the same lock as the HTML build: they share _build/.doctrees
        try:
            build = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=1500)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    page = re.search(r"boekroutes (_build/singlehtml/\S+\.html)", makefile).group(1)
    text = pdf_text(print_pdf(REPO_ROOT / page, tmp_path / "boek.pdf"))
    for docname in MODULE_PAGES:
        assert source_title(REPO_ROOT / f"{docname}.md") in text, docname
    assert "Download als notebook" not in text and "Zoeken" not in text
