"""One link per assignment for the LMS: the student clicks it and the assignment opens in JupyterLab.

The link goes through the hub to the student's own server:
``<hub>/hub/user-redirect/activering/ophalen/<opdracht>``. There this Jupyter Server extension fetches
the assignment from nbgrader's exchange (the same fetch as the Assignments tab, so submitting from the
Assignments tab works as always) and redirects to the notebook. A second click only opens it: work that
is already there is never replaced. As the target of an LTI 1.3 link the student logs in from the LMS
on the way (ltiauthenticator follows the target link).

Switched on for students in ``grading/jupyterhub/student/jupyter_server_config.json``; the link is
printed by ``activering docent vrijgeven`` when ``activering_jupyterhub_url`` is set in ``_config.yml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import yaml

ASSIGNMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
ROUTE = "activering/ophalen"


def hub_url(repo_root: Path) -> str:
    """The hub's public address from _config.yml (the same setting as "Open in JupyterLab"), or ""."""
    config = repo_root / "_config.yml"
    if not config.is_file():
        return ""
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    value = (settings.get("sphinx", {}).get("config", {}) or {}).get("activering_jupyterhub_url") or ""
    return str(value).strip().rstrip("/")


def lms_link(hub: str, assignment: str) -> str:
    """The link a docent pastes in the LMS for `assignment`."""
    return f"{hub.rstrip('/')}/hub/user-redirect/{ROUTE}/{quote(assignment, safe='')}"


def _jupyter_server_extension_points():
    return [{"module": "activering.grading.ophalen"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from nbgrader.apps import NbGrader
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError, ExchangeFactory
    from nbgrader.utils import chdir
    from tornado import web

    root = Path(serverapp.root_dir)

    def load_config():
        # As nbgrader's Assignments tab does: the global nbgrader config plus one in the server's root.
        app = NbGrader()
        app.config_file_paths.extend([str(root), *jupyter_config_path()])
        app.load_config_file()
        return app.config

    class FetchHandler(JupyterHandler):
        @web.authenticated
        def get(self, assignment: str) -> None:
            if not ASSIGNMENT_NAME.match(assignment):
                raise web.HTTPError(404, f"Geen opdracht: {assignment}")
            with chdir(str(root)):
                config = load_config()
                config.CourseDirectory.assignment_id = assignment
                coursedir = CourseDirectory(config=config)
                fetch = ExchangeFactory(config=config).FetchAssignment(
                    coursedir=coursedir, authenticator=Authenticator(config=config), config=config
                )
                fetch.assignment_dir = str(root)
                parts = (coursedir.course_id, assignment) if fetch.path_includes_course else (assignment,)
                folder = root.joinpath(*parts)
                if not folder.is_dir():  # fetched before: only open it, never replace the student's work
                    try:
                        fetch.start()
                    except ExchangeError:
                        raise web.HTTPError(404, f"Opdracht '{assignment}' is (nog) niet vrijgegeven.") from None
            notebooks = sorted(p.relative_to(root).as_posix() for p in folder.glob("*.ipynb"))
            target = f"lab/tree/{notebooks[0]}" if notebooks else f"lab/tree/{folder.relative_to(root).as_posix()}"
            self.redirect(url_path_join(self.base_url, *(quote(part) for part in target.split("/"))))

    route = url_path_join(serverapp.web_app.settings["base_url"], ROUTE, r"([^/]+)")
    serverapp.web_app.add_handlers(".*$", [(route, FetchHandler)])
