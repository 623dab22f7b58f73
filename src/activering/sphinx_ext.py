"""Sphinx extension for the course book: casus pages generated from casussen/*.yml at build time.

Pages are written into casussen/gegenereerd/ (git ignores it) before Sphinx looks for source files, so
the YAML stays the only copy. The ``casussen`` directive renders a module's list of casussen at build
time, so an edited casus never leaves a stale link. The casus player script and styles ship with the
book (no CDN). Importing this module imports no chart or data library (Altair, pandas).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from activering.bibliography import register_dutch_styles
from activering.casus.begrippen import module_anchor
from activering.casus.load import CasusError, load_all_casussen
from activering.casus.page import GENERATED_DIR, generate_pages, module_casus_markdown
from activering.data.databron import data_dir

STATIC = Path(__file__).parent / "static"
logger = logging.getLogger(__name__)

# Pages generated from data files: they are re-read and re-executed when those files change.
DATA_DEPENDENCIES = {
    "book/begrippenlijst": ["book/begrippen.yml", "book/references.bib"],
    "book/over-de-data": ["data/codebook.yml"],
}


def _generate_casus_pages(app: Sphinx, config) -> None:
    source = Path(app.srcdir)
    try:
        casussen = load_all_casussen(source / "casussen")
    except CasusError as error:
        raise ExtensionError(f"Ongeldige casus:\n{error}") from error
    app.activering_casussen = casussen
    generate_pages(casussen, source / GENERATED_DIR)


class CasussenDirective(SphinxDirective):
    """```{casussen}```: the list of casussen of a module, with links to their pages.

    The module is the folder of the page (modules/<module>/index), or the directive's argument.
    """

    optional_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        parts = self.env.docname.split("/")
        if self.arguments:
            module = self.arguments[0]
        elif len(parts) == 3 and parts[0] == "modules":
            module = parts[1]
        else:
            raise self.error(
                "De lijst met casussen hoort op een modulepagina; geef anders de module op: ```{casussen} 04-sancties"
            )
        if not (Path(self.env.srcdir) / "modules" / module).is_dir():
            raise self.error(f"Onbekende module '{module}' (er is geen map modules/{module}).")
        text = module_casus_markdown(module, self.env.app.activering_casussen)
        self.env.activering_casus_lists.setdefault(self.env.docname, []).append((module, text))
        container = nodes.container(classes=["casus-lijst"])
        if self.env.docname == f"modules/{module}/index":
            container["casus_anchor"] = module_anchor(module)  # given to the enclosing section (doctree-read)
        self.state.nested_parse(StringList(text.splitlines(), source=self.env.docname), self.content_offset, container)
        return [container]


def _anchor_casus_sections(app: Sphinx, doctree: nodes.document) -> None:
    """The section a module's casus list sits in gets the id the casus pages link to (casus.begrippen)."""
    for container in doctree.findall(nodes.container):
        anchor = container.get("casus_anchor")
        section = container.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        if anchor and section is not None and anchor not in doctree.ids:
            section["ids"].append(anchor)
            doctree.ids[anchor] = section


def _check_module_anchors(app: Sphinx, env) -> None:
    """Every casus page links to the casus list on its module page: that list must be there."""
    lists = getattr(env, "activering_casus_lists", {})
    for casus in getattr(app, "activering_casussen", []):
        page = f"modules/{casus.module}/index"
        if page in env.found_docs and not any(module == casus.module for module, _ in lists.get(page, [])):
            logger.warning(
                f"casus '{casus.slug}' linkt naar de casuslijst van {page}, maar daar staat geen {{casussen}}-lijst",
                location=page,
            )


def _init_casus_lists(app: Sphinx) -> None:
    if not hasattr(app.env, "activering_casus_lists"):
        app.env.activering_casus_lists = {}


def _purge_casus_lists(app: Sphinx, env, docname: str) -> None:
    getattr(env, "activering_casus_lists", {}).pop(docname, None)


def _merge_casus_lists(app: Sphinx, env, docnames, other) -> None:
    lists = getattr(other, "activering_casus_lists", {})
    env.activering_casus_lists.update({docname: lists[docname] for docname in docnames if docname in lists})


def _outdated_casus_lists(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Pages whose list of casussen would now read differently (a casus was added, moved or renamed)."""
    lists = getattr(env, "activering_casus_lists", {})
    return sorted(
        docname
        for docname, rendered in lists.items()
        if any(module_casus_markdown(module, app.activering_casussen) != text for module, text in rendered)
    )


#: Package code every page runs through (chart rendering, palette, data loading): a change re-runs the pages.
PAGE_CODE = ("preamble.py", "vocabulary.py", "data/*.py")


def _fingerprint(files: list[tuple[str, Path]]) -> str:
    """A hash of files by name and content: it changes when any of them is added, removed, renamed or edited."""
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _data_fingerprint() -> str:
    """A hash of the caseload data the pages will load (the course set or a trainer's own) and of the
    package code that draws them: the execution cache only sees the code in the pages themselves."""
    package = Path(__file__).parent
    files = sorted(path for path in data_dir().glob("*") if path.is_file())
    files += sorted(path for pattern in PAGE_CODE for path in package.glob(pattern))
    return _fingerprint([(path.name, path) for path in files])


def _invalidate_cache_when_data_changed(app: Sphinx, config) -> None:
    """The execution cache keys on code only: when the data change, every page must run again."""
    cache = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    marker = cache.parent / ".data-fingerprint"
    fingerprint = _data_fingerprint()
    app.activering_data_changed = marker.exists() and marker.read_text() != fingerprint
    if app.activering_data_changed:
        shutil.rmtree(cache, ignore_errors=True)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(fingerprint)


def _outdated_after_data_change(app: Sphinx, env, added, changed, removed) -> list[str]:
    return sorted(env.found_docs) if getattr(app, "activering_data_changed", False) else []


#: Sphinx copies static files only when it writes a page: a change to the player's script or style alone would
#: leave the old copy in _build. A fingerprint of the static folder, kept next to the HTML, marks a page outdated.
STATIC_MARKER = ".activering-static"


def static_fingerprint(folder: Path = STATIC) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return _fingerprint([(path.relative_to(folder).as_posix(), path) for path in files])


def _outdated_after_static_change(app: Sphinx, env, added, changed, removed) -> list[str]:
    marker = Path(app.outdir) / STATIC_MARKER
    current = marker.read_text() if marker.exists() else ""
    return [app.config.root_doc] if current != static_fingerprint() else []


def _note_static_copied(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and Path(app.outdir).is_dir():
        (Path(app.outdir) / STATIC_MARKER).write_text(static_fingerprint())


def _note_data_dependencies(app: Sphinx, docname: str, source: list[str]) -> None:
    for dependency in DATA_DEPENDENCIES.get(docname, []):
        app.env.note_dependency(str(Path(app.srcdir) / dependency))


def _drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Jupyter Book always loads sphinx-thebe, which declares a CDN URL twice (a console error).

    The course runs code in JupyterLab, not in the page, so its scripts and styles are removed.
    """
    context["script_files"] = [
        script
        for script in context.get("script_files", [])
        if "thebe" not in str(script) and "THEBE" not in str(getattr(script, "attributes", {}).get("body", ""))
    ]
    context["css_files"] = [css for css in context.get("css_files", []) if "thebe" not in str(css)]


def _accessible_citations(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Docutils writes bibliography entries as role="doc-biblioentry" inside a role="list" container.

    That role is deprecated in ARIA 1.2 and is not a list item, so axe-core reports the list as broken
    (critical: aria-required-children). Each entry becomes a plain list item.
    """
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict:
    register_dutch_styles()
    app.connect("config-inited", _generate_casus_pages, priority=1)
    app.connect("config-inited", _invalidate_cache_when_data_changed, priority=900)
    app.connect("env-get-outdated", _outdated_after_data_change)
    app.connect("env-get-outdated", _outdated_casus_lists)
    app.connect("env-get-outdated", _outdated_after_static_change)
    app.connect("build-finished", _note_static_copied)
    app.connect("builder-inited", _init_casus_lists)
    app.connect("env-purge-doc", _purge_casus_lists)
    app.connect("env-merge-info", _merge_casus_lists)
    app.connect("doctree-read", _anchor_casus_sections)
    app.connect("env-check-consistency", _check_module_anchors)
    app.add_directive("casussen", CasussenDirective)
    app.connect("source-read", _note_data_dependencies)
    app.connect("html-page-context", _drop_thebe)
    app.connect("html-page-context", _accessible_citations)
    app.connect("builder-inited", lambda app: app.config.html_static_path.append(str(STATIC)))
    app.add_css_file("casus.css")
    app.add_js_file("casus.js", defer="defer")
    app.add_js_file("toegankelijkheid.js", defer="defer")
    app.setup_extension("activering.zelftoets")  # self-check questions: the {vraag} directive
    app.setup_extension("activering.boekroutes")  # per module: notebook download, "Open in JupyterLab"
    # env_version: raised when what this extension puts in the doctrees changes (2: the casus-list section anchor),
    # so that an existing build re-reads every page once.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
