"""Ways in and out of the book: per module page a notebook download and "Open in JupyterLab", and the
whole book as one PDF.

A Sphinx extension (registered by ``activering.sphinx_ext``): every module page (``modules/NN-*/index``)
gets a small block under its title. The notebook next to the page (``index.ipynb``) is the jupytext
conversion of the MyST source, without outputs, written when the HTML build finishes. "Open in
JupyterLab" is an nbgitpuller link when ``activering_jupyterhub_url`` and ``activering_repository_url``
are set (in _config.yml); otherwise the block explains the local way (``make lab``). Nothing is
hard-coded to a local server.

``python -m activering.boekroutes <index.html> <pdf>`` prints a built (single-page) book with Debian's
Chromium; only local files are loaded.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse
from urllib.request import url2pathname

from activering import chromium
from activering.files import write_atomic

MODULE_PAGE = re.compile(r"^modules/(\d\d-[^/]+)/index$")


class BoekroutesError(Exception):
    """A problem a user can fix (a missing browser or file); the message is Dutch."""


def is_module_page(docname: str) -> bool:
    return MODULE_PAGE.match(docname) is not None


def repository_folder(repository_url: str) -> str:
    """The folder nbgitpuller clones into: the last part of the repository URL, without ``.git``."""
    name = urlparse(repository_url).path.rstrip("/").rsplit("/", 1)[-1]
    return name.removesuffix(".git")


def lab_link(docname: str, hub_url: str, repository_url: str, branch: str = "") -> str | None:
    """The nbgitpuller link that opens the page's source in JupyterLab on the hub; None when not configured."""
    hub_url, repository_url = hub_url.strip().rstrip("/"), repository_url.strip()
    if not hub_url or not repository_url:
        return None
    query = {"repo": repository_url}
    if branch.strip():
        query["branch"] = branch.strip()
    query["urlpath"] = f"lab/tree/{repository_folder(repository_url)}/{docname}.md"
    return f"{hub_url}/hub/user-redirect/git-pull?{urlencode(query, quote_via=quote, safe='')}"


def block_html(docname: str, hub_url: str = "", repository_url: str = "", branch: str = "") -> str:
    """The Dutch block under the title of a module page."""
    module = MODULE_PAGE.match(docname).group(1)
    source = html.escape(f"{docname}.md")
    download = (
        f'<li><a class="boekroutes-download" href="index.ipynb" download="{html.escape(module)}.ipynb">'
        "Download als notebook (.ipynb)</a></li>"
    )
    link = lab_link(docname, hub_url, repository_url, branch)
    if link:
        lab = (
            f'<li><a class="boekroutes-lab" href="{html.escape(link)}">Open in JupyterLab</a> '
            "(op de JupyterHub van je opleiding)</li>"
        )
    else:
        lab = (
            '<li class="boekroutes-lab"><details><summary>Open in JupyterLab</summary><ol>'
            "<li>Start JupyterLab in de cursusmap: <code>make lab</code>.</li>"
            f"<li>Open in JupyterLab het bestand <code>{source}</code> (dubbelklik).</li>"
            "</ol></details></li>"
        )
    return (
        '<nav class="boekroutes" aria-label="Deze module als notebook">'
        f'<ul class="boekroutes-lijst">{download}{lab}</ul></nav>'
    )


def _insert_block(app, doctree, docname: str) -> None:
    from docutils import nodes

    if app.builder.format != "html" or app.builder.name != "html" or not is_module_page(docname):
        return
    config = app.config
    raw = nodes.raw(
        "",
        block_html(
            docname,
            config.activering_jupyterhub_url,
            config.activering_repository_url,
            config.activering_repository_branch,
        ),
        format="html",
    )
    for section in doctree.findall(nodes.section):
        title = next(iter(section.findall(nodes.title)), None)
        if title is not None:
            section.insert(section.index(title) + 1, raw)
            return


def write_notebook(source: Path, target: Path) -> Path:
    """The MyST notebook ``source`` as an .ipynb without outputs."""
    import jupytext
    import nbformat

    notebook = jupytext.read(source)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return write_atomic(target, nbformat.writes(notebook))


def _write_notebooks(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    for docname in sorted(app.env.found_docs):
        if is_module_page(docname):
            write_notebook(Path(app.srcdir) / f"{docname}.md", Path(app.outdir) / f"{docname}.ipynb")


def _serve_local(route, page: Path) -> None:
    """Only local files. Sphinx's single-page build writes its page in the folder of the book's root
    (book/intro.html) but links "_static/..." as if it were at the top: such a file comes from the top."""
    url = urlparse(route.request.url)
    if url.scheme != "file":
        route.abort()
        return
    requested = Path(url2pathname(url.path))
    if not requested.exists() and requested.is_relative_to(page.parent):
        top = next((folder for folder in page.parents if (folder / "_static").is_dir()), None)
        fallback = top / requested.relative_to(page.parent) if top else None
        if fallback is not None and fallback.is_file():
            route.fulfill(path=fallback)
            return
    route.continue_()


def _pdf_of(tab, attempts: int = 3) -> bytes:
    """Chromium now and then answers a first print of a long page with "Printing failed": try again."""
    from playwright.sync_api import Error

    for attempt in range(attempts):
        try:
            return tab.pdf(format="A4", print_background=True, outline=True, tagged=True)
        except Error as error:
            if attempt == attempts - 1:
                raise BoekroutesError(f"Chromium kon het boek niet als PDF afdrukken: {error.message}") from error
    raise AssertionError("unreachable")


def print_pdf(page: Path, target: Path) -> Path:
    """Print a built HTML page with Debian's Chromium; requests that leave the machine are refused."""
    if not chromium.available():
        raise BoekroutesError(chromium.MISSING)
    page = Path(page).resolve()
    if not page.is_file():
        raise BoekroutesError(f"{page}: dit bestand bestaat niet; bouw eerst het boek (make pdf doet dat).")

    def job(browser) -> bytes:
        tab = browser.new_page()
        tab.route("**/*", lambda route: _serve_local(route, page))
        tab.goto(page.as_uri(), wait_until="networkidle")
        tab.evaluate("document.fonts.ready.then(() => true)")
        return _pdf_of(tab)

    return write_atomic(target, chromium.run_in_browser(job, name="boek-pdf"))


def setup(app) -> dict:
    app.add_config_value("activering_jupyterhub_url", "", "html", types=[str])
    app.add_config_value("activering_repository_url", "", "html", types=[str])
    app.add_config_value("activering_repository_branch", "", "html", types=[str])
    app.connect("doctree-resolved", _insert_block)
    app.connect("build-finished", _write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(arguments: list[str]) -> int:
    if len(arguments) != 2:
        print("Gebruik: python -m activering.boekroutes <index.html van het boek> <uitvoer.pdf>", file=sys.stderr)
        return 2
    try:
        target = print_pdf(Path(arguments[0]), Path(arguments[1]))
    except BoekroutesError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Het boek als PDF: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
