"""The course's JupyterLab shows a MyST page's citations as the book does: '[Van der Aa, 2012, §6.4]'.

JupyterLab renders MyST (jupyterlab-myst) but cannot read ``book/references.bib``: a ``{cite:p}`` role shows
its bib key with "Citation Not Found". This contents manager (jupytext's, which opens a ``.md`` page as a
notebook) replaces each citation role in a Markdown cell by its plain text when a page is opened, and keeps
the role in the cell's metadata; when the page is saved, the roles go back in place of their text, so the
source on disk keeps ``{cite:p}`` and a page saved without changes stays byte for byte the same.
Set in ``grading/jupyterlab/jupyter_server_config.py`` (students, docenten and the hub).
"""

from __future__ import annotations

import copy
import re

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

from activering.bibliography import plain_citation

ROLE = re.compile(r"\{cite:(?P<kind>[pt])\}`(?P<content>[^`]+)`")
#: Cell metadata that remembers, per plain text, the role it stands for (removed again on save).
METADATA = "activering_bronnen"


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def plain_citations(notebook) -> None:
    """In every Markdown cell: citation roles -> plain text, the roles remembered in the cell's metadata."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        roles: dict[str, str] = {}

        def plain(match: re.Match, roles=roles) -> str:
            try:
                text = plain_citation(match["kind"], match["content"])
            except (KeyError, ValueError):
                return match[0]  # an unknown key stays a role: the book's strict build reports it
            if roles.setdefault(text, match[0]) != match[0]:
                return match[0]  # the same text for two different roles: keep the second as it is
            return text

        source = ROLE.sub(plain, _source(cell))
        if roles:
            cell["source"] = source
            cell.setdefault("metadata", {})[METADATA] = roles


def restore_citations(notebook) -> None:
    """The inverse of :func:`plain_citations`: each remembered text becomes its role again."""
    for cell in notebook.get("cells", []):
        roles = (cell.get("metadata") or {}).pop(METADATA, None)
        if not roles:
            continue
        source = _source(cell)
        for text in sorted(roles, key=len, reverse=True):
            source = source.replace(text, roles[text])
        cell["source"] = source


class CourseContentsManager(build_async_jupytext_contents_manager_class(AsyncLargeFileManager)):
    """jupytext's contents manager, with the citations of MyST pages in plain text while they are open."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if content and model.get("type") == "notebook" and str(path).endswith(".md") and model.get("content"):
            plain_citations(model["content"])
        return model

    async def save(self, model, path=""):
        if model.get("type") == "notebook" and model.get("content") and str(path).endswith(".md"):
            model = {**model, "content": copy.deepcopy(model["content"])}
            restore_citations(model["content"])
        return await super().save(model, path)
