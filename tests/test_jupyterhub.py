"""A class on JupyterHub: grading/jupyterhub/ run for real on 127.0.0.1.

The end-to-end test starts JupyterHub from ``grading/jupyterhub/jupyterhub_config.py`` (with
configurable-http-proxy from ``make hub-proxy``) in a temporary folder, with JupyterHub's
shared-password authenticator and the SimpleLocalProcessSpawner: a docent and two students,
each with their own single-user server. Everything goes over HTTP through the hub's proxy, with
each user's own API token, to the same nbgrader handlers the JupyterLab panels call:

docent: generate + release (formgrader) → students: list, fetch (Assignments), answer through the
contents API, submit → docent: collect, autograde (the course's own nbgrader config, sandboxed
kernel), scores from the gradebook, feedback → student: fetch the feedback.

The static tests keep the Kubernetes values (z2jh-values.yaml) and the local configuration in step.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import yaml
from traitlets.config.loader import PyFileConfigLoader

from activering.grading.config import Course
from activering.paths import REPO_ROOT

HUB_DIR = REPO_ROOT / "grading" / "jupyterhub"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "grading"
sys.path.insert(0, str(FIXTURE))
import synthetic  # noqa: E402

ASSIGNMENT = "oefening"
STUDENTS = ("student1", "student2")
USERS = ("docent", *STUDENTS)
PASSWORD = "geheim-wachtwoord"
HUB_ENV = ("ACTIVERING_HUB_", "ACTIVERING_ROL", "ACTIVERING_CURSUS", "NBGRADER_EXCHANGE_ROOT", "JUPYTER")


# --- the configuration files, loaded as JupyterHub and nbgrader load them ----------------------


@contextmanager
def _environment(**values: str):
    """Only the given hub variables set (the rest of the environment as is), restored afterwards."""
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith(HUB_ENV) or key == "JUPYTERHUB_USER":
            del os.environ[key]
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def load_config(name: str, **env: str):
    with _environment(**env):
        return PyFileConfigLoader(name, str(HUB_DIR)).load_config()


def hub_config(tmp_path: Path, **env: str):
    return load_config(
        "jupyterhub_config.py",
        ACTIVERING_HUB_STATE=str(tmp_path / "state"),
        NBGRADER_EXCHANGE_ROOT=str(tmp_path / "exchange"),
        **env,
    )


def test_course_id_is_the_course_s_own(tmp_path):
    cursus = Course.default().config.cursus
    assert load_config("nbgrader_config.py").CourseDirectory.course_id == cursus
    groups = hub_config(tmp_path).JupyterHub.load_groups
    assert set(groups) == {f"formgrade-{cursus}", f"nbgrader-{cursus}"}


def test_nbgrader_config_per_role(tmp_path):
    student = load_config("nbgrader_config.py", ACTIVERING_ROL="student", JUPYTERHUB_USER="s123")
    assert student.CourseDirectory.student_id == "s123"
    assert "root" not in student.CourseDirectory
    docent = load_config(
        "nbgrader_config.py",
        ACTIVERING_ROL="docent",
        JUPYTERHUB_USER="docent",
        ACTIVERING_CURSUSMAP=str(tmp_path / "cursus"),
    )
    assert docent.CourseDirectory.root == str(tmp_path / "cursus")
    assert "student_id" not in docent.CourseDirectory
    moved = load_config("nbgrader_config.py", NBGRADER_EXCHANGE_ROOT=str(tmp_path / "x"))
    assert moved.Exchange.root == str(tmp_path / "x")


def test_kubernetes_values_match_the_local_set_up(tmp_path):
    values = yaml.safe_load((HUB_DIR / "z2jh-values.yaml").read_text(encoding="utf-8"))
    exchange_root = load_config("nbgrader_config.py").Exchange.root
    single = values["singleuser"]

    # The shared exchange volume sits exactly where nbgrader looks for the exchange.
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    assert mounts["nbgrader-exchange"] == exchange_root
    assert single["extraEnv"]["NBGRADER_EXCHANGE_ROOT"] == exchange_root
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in single["storage"]["extraVolumes"]}
    pvc = yaml.safe_load((HUB_DIR / "exchange-pvc.yaml").read_text(encoding="utf-8"))
    assert claims["nbgrader-exchange"] == pvc["metadata"]["name"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]

    # The same nbgrader config and student settings as the local set-up.
    files = single["extraFiles"]
    assert files["nbgrader-config"]["mountPath"] == "/etc/jupyter/nbgrader_config.py"
    for key, local in (
        ("student-server-config", "student/jupyter_server_config.json"),
        ("student-page-config", "student/labconfig/page_config.json"),
    ):
        assert files[key]["mountPath"] == f"/etc/jupyter/{local}"
        assert files[key]["data"] == json.loads((HUB_DIR / local).read_text(encoding="utf-8"))

    # The same docent role (the groups come from the LMS launch: tests/test_jupyterhub_waarden.py).
    hub = hub_config(tmp_path)
    local_role = next(r for r in hub.JupyterHub.load_roles if r["name"] == "docent")
    k8s_role = values["hub"]["loadRoles"]["docent"]
    assert k8s_role["scopes"] == local_role["scopes"]
    assert k8s_role["groups"] == local_role["groups"]
    for name, code in values["hub"]["extraConfig"].items():
        compile(code, name, "exec")
        assert local_role["groups"][0] in code


# --- the hub, for real --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Hub:
    """A real JupyterHub from grading/jupyterhub/jupyterhub_config.py; `env` adds or (value None) removes settings."""

    def __init__(self, base: Path, env: dict[str, str | None] | None = None):
        self.base = base
        self.extra_env = dict(env or {})
        self.homes = base / "homes"
        self.exchange = base / "exchange"
        self.state = base / "state"
        self.log_path = base / "jupyterhub.log"
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.admin_token = secrets.token_hex(16)
        self.tokens: dict[str, str] = {}
        self.pids: dict[str, int] = {}
        self.process: subprocess.Popen | None = None
        self.session = requests.Session()

    # -- helpers
    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(geen hub-log)"
        return "\n".join(text.splitlines()[-lines:])

    def expect(self, condition, message: str) -> None:
        if not condition:
            raise AssertionError(f"{message}\n--- laatste regels van het hub-log ---\n{self.log_tail()}")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.admin_token}"}
        return self.session.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=kwargs.pop("timeout", 30), **kwargs
        )

    def server(
        self, user: str, method: str, path: str, *, as_user: str | None = None, timeout: float = 60, **kwargs
    ) -> requests.Response:
        """A request to `user`'s single-user server through the proxy, with the token of `as_user`."""
        headers = {"Authorization": f"token {self.tokens[as_user or user]}"}
        return self.session.request(method, f"{self.url}/user/{user}{path}", headers=headers, timeout=timeout, **kwargs)

    def json(self, user: str, method: str, path: str, **kwargs):
        response = self.server(user, method, path, **kwargs)
        self.expect(
            response.status_code == 200, f"{method} /user/{user}{path}: {response.status_code} {response.text[:2000]}"
        )
        return response.json()

    def login(self, user: str, password: str) -> int:
        """Log in on the hub's login page as a browser does; the HTTP status of the form post."""
        with requests.Session() as browser:
            browser.get(f"{self.url}/hub/login", timeout=30)
            form = {"username": user, "password": password, "_xsrf": browser.cookies.get("_xsrf", "")}
            return browser.post(f"{self.url}/hub/login", data=form, allow_redirects=False, timeout=30).status_code

    def disabled_lab_plugins(self, user: str) -> set[str]:
        """The JupyterLab plugins switched off in `user`'s Lab page (its page config)."""
        page = self.server(user, "GET", "/lab").text
        found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
        self.expect(found, f"geen JupyterLab-pagina voor {user}")
        return set(json.loads(found.group(1)).get("disabledExtensions", []))

    def wait(self, what: str, check, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.expect(self.process.poll() is None, f"JupyterHub stopte tijdens: {what}")
            try:
                if check():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.expect(False, f"time-out na {timeout:.0f} s: {what}")

    # -- life cycle
    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(HUB_ENV)}
        env.update(
            ACTIVERING_HUB_URL=self.url,
            ACTIVERING_HUB_STATE=str(self.state),
            ACTIVERING_HUB_HOMES=str(self.homes),
            NBGRADER_EXCHANGE_ROOT=str(self.exchange),
            ACTIVERING_HUB_AUTHENTICATOR="shared-password",
            ACTIVERING_HUB_WACHTWOORD=PASSWORD,
            ACTIVERING_HUB_SPAWNER="simple",
            ACTIVERING_HUB_DOCENTEN="docent",
            ACTIVERING_HUB_STUDENTEN=",".join(STUDENTS),
            ACTIVERING_HUB_BEHEER_TOKEN=self.admin_token,
        )
        env.update(self.extra_env)
        env = {key: value for key, value in env.items() if value is not None}
        command = [
            str(Path(sys.executable).with_name("jupyterhub")),
            "-f",
            str(HUB_DIR / "jupyterhub_config.py"),
            f"--JupyterHub.hub_port={_free_port()}",
            f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{_free_port()}",
        ]
        self.state.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w") as log:
            # Its own session: at the end the whole group goes, whatever happens to the test.
            self.process = subprocess.Popen(
                command,
                cwd=self.state,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.wait("de hub start", lambda: self.api("GET", "/", timeout=2).status_code == 200, 90)

    def spawn(self, users) -> None:
        for user in users:
            response = self.api("POST", f"/users/{user}/tokens", json={"note": "test", "expires_in": 3600})
            self.expect(response.status_code == 201, f"token voor {user}: {response.status_code} {response.text}")
            self.tokens[user] = response.json()["token"]
        for user in users:
            response = self.api("POST", f"/users/{user}/server", timeout=120)
            self.expect(
                response.status_code in (201, 202), f"server van {user}: {response.status_code} {response.text}"
            )

        def ready(user: str) -> bool:
            info = self.api("GET", f"/users/{user}").json()
            server = info.get("servers", {}).get("", {})
            if server.get("state", {}).get("pid"):
                self.pids[user] = server["state"]["pid"]
            return bool(server.get("ready"))

        for user in users:
            self.wait(f"de server van {user} start", lambda user=user: ready(user), 150)
        self.expect(set(self.pids) == set(users), f"geen proces-id van elke server: {self.pids}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            for user in {*self.tokens, *self.pids}:
                try:
                    self.api("DELETE", f"/users/{user}/server", timeout=30)
                except requests.RequestException:
                    pass
            self.process.terminate()  # the hub stops the proxy and any server still running
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        for pgid in [self.process.pid, *self.pids.values(), *self._proxy_pid()]:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.process.wait(timeout=10)
        self.session.close()

    def _proxy_pid(self) -> list[int]:
        try:
            return [int((self.state / "jupyterhub-proxy.pid").read_text().strip())]
        except (OSError, ValueError):
            return []


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _docent_course(home: Path, course_id: str) -> Path:
    """The docent's home: a course checkout (exercises/ + grading/) with the fixture assignment."""
    course = home / course_id
    (course / "exercises" / "source").mkdir(parents=True)
    shutil.copytree(FIXTURE / "source" / ASSIGNMENT, course / "exercises" / "source" / ASSIGNMENT)
    shutil.copy(REPO_ROOT / "exercises" / "nbgrader_config.py", course / "exercises" / "nbgrader_config.py")
    shutil.copytree(FIXTURE / "grading", course / "grading")
    settings = yaml.safe_load((course / "grading" / "config.yml").read_text(encoding="utf-8"))
    settings["cursus"] = course_id
    (course / "grading" / "config.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return course / "exercises"


def _answer(nb: dict, answers: dict[str, str]) -> dict:
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    return nb


ANSWERS = {
    "student1": {"antwoord_telling": synthetic.CORRECT, "reflectie": synthetic.REFLECTION},
    "student2": {"antwoord_telling": synthetic.WRONG},
}
EXPECTED_CODE_SCORE = {"student1": synthetic.EXPECTED["correct"][0], "student2": synthetic.EXPECTED["fout"][0]}


@pytest.mark.slow
def test_a_class_on_jupyterhub(tmp_path):
    assert PROXY.exists(), f"{PROXY} ontbreekt: eerst `make hub-proxy` (npm ci in grading/jupyterhub)"
    assert shutil.which("bwrap"), "bubblewrap ontbreekt (make system): de cursusconfiguratie kijkt afgeschermd na"
    course_id = Course.default().config.cursus
    hub = Hub(tmp_path)
    course_dir = _docent_course(hub.homes / "docent", course_id)
    try:
        hub.start()
        hub.spawn(USERS)
        course = {"course_id": course_id, "assignment_id": ASSIGNMENT}

        # Logging in: the class's password works, another doesn't, and strangers stay out.
        hub.expect(hub.login("student1", PASSWORD) == 302, "student1 kan niet inloggen")
        hub.expect(hub.login("student1", "fout-wachtwoord") == 403, "inloggen met een verkeerd wachtwoord")
        hub.expect(hub.login("buitenstaander", PASSWORD) == 403, "iemand buiten de klas kan inloggen")

        # Roles: the formgrader exists only on the docent's server, and nobody opens another's server.
        hub.expect(hub.server("docent", "GET", "/formgrader/api/status").status_code == 200, "formgrader bij de docent")
        for student in STUDENTS:
            status = hub.server(student, "GET", "/formgrader/api/status").status_code
            hub.expect(status == 404, f"{student} heeft een formgrader ({status})")
        hub.expect(
            hub.server("docent", "GET", "/api/contents", as_user="student1").status_code == 403,
            "student1 kan de server van de docent openen",
        )
        docent_panels = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"}
        hub.expect(
            docent_panels <= hub.disabled_lab_plugins("student1"), "docentpanelen in de JupyterLab van de student"
        )
        hub.expect(not docent_panels & hub.disabled_lab_plugins("docent"), "docentpanelen uit bij de docent")

        # Docent: generate the student version and release it to the exchange (formgrader API).
        for action in ("assign", "release"):
            result = hub.json("docent", "POST", f"/formgrader/api/assignment/{ASSIGNMENT}/{action}", timeout=120)
            hub.expect(result["success"], f"{action}: {result.get('log') or result.get('error')}")
        released = hub.exchange / course_id / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        hub.expect(released.exists(), "niets vrijgegeven in de exchange")
        hub.expect("BEGIN SOLUTION" not in released.read_text(encoding="utf-8"), "de oplossing staat in de exchange")

        # Students: list, fetch, answer, submit — the Assignments panel's own handlers.
        for student in STUDENTS:
            listed = hub.json(student, "GET", "/assignments", params={"course_id": course_id})
            hub.expect(
                [(a["assignment_id"], a["status"]) for a in listed["value"]] == [(ASSIGNMENT, "released")],
                f"{student} ziet: {listed}",
            )
            if student == "student2":
                # The LMS link of `activering docent vrijgeven`: fetches and opens the notebook in JupyterLab;
                # a second click only opens it again. An assignment that was never released: 404.
                notebook = f"{course_id}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
                for _ in range(2):
                    opened = hub.server(student, "GET", f"/activering/ophalen/{ASSIGNMENT}", allow_redirects=False)
                    hub.expect(
                        opened.status_code == 302
                        and opened.headers["Location"].endswith(f"/user/{student}/lab/tree/{notebook}"),
                        f"link per opdracht: {opened.status_code} {opened.headers.get('Location')} {opened.text[:300]}",
                    )
                missing = hub.server(student, "GET", "/activering/ophalen/bestaat-niet", allow_redirects=False)
                hub.expect(missing.status_code == 404, f"niet vrijgegeven opdracht: {missing.status_code}")
            else:
                fetched = hub.json(student, "POST", "/assignments/fetch", json=course)
                notebook = next(a for a in fetched["value"] if a["status"] == "fetched")["notebooks"][0]["path"]
                hub.expect(notebook == f"{course_id}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", f"opgehaald naar {notebook}")
            model = hub.json(student, "GET", f"/api/contents/{notebook}", params={"content": 1})
            saved = hub.server(
                student,
                "PUT",
                f"/api/contents/{notebook}",
                json={"type": "notebook", "format": "json", "content": _answer(model["content"], ANSWERS[student])},
            )
            hub.expect(saved.status_code == 200, f"opslaan door {student}: {saved.status_code} {saved.text[:500]}")
            submitted = hub.json(student, "POST", "/assignments/submit", json=course)
            hub.expect(submitted["success"], f"inleveren door {student}: {submitted}")
            mine = [a for a in submitted["value"] if a["status"] == "submitted"]
            hub.expect(
                len(mine) == 1 and {s["student_id"] for s in mine[0]["submissions"]} == {student},
                f"{student} ziet andermans inzendingen: {mine}",
            )
        inbound = sorted(p.name.split("+")[0] for p in (hub.exchange / course_id / "inbound").iterdir())
        hub.expect(inbound == list(STUDENTS), f"inbound: {inbound}")

        # Docent: collect and autograde (formgrader API), scores from the gradebook.
        collected = hub.json("docent", "POST", f"/formgrader/api/assignment/{ASSIGNMENT}/collect", timeout=120)
        hub.expect(collected["success"], f"collect: {collected}")
        for student in STUDENTS:
            graded = hub.json(
                "docent", "POST", f"/formgrader/api/submission/{ASSIGNMENT}/{student}/autograde", timeout=180
            )
            hub.expect(graded["success"], f"autograde {student}: {graded.get('log', graded)[-3000:]}")
            hub.expect("SandboxedExecute" in graded["log"], "niet nagekeken met de cursusconfiguratie (sandbox)")
        submissions = {s["student"]: s for s in hub.json("docent", "GET", f"/formgrader/api/submissions/{ASSIGNMENT}")}
        hub.expect(set(submissions) == set(STUDENTS), f"inzendingen in het cijferboek: {list(submissions)}")
        for student in STUDENTS:
            row = submissions[student]
            hub.expect(
                row["autograded"]
                and row["code_score"] == EXPECTED_CODE_SCORE[student]
                and row["max_code_score"] == 3.0
                and row["max_score"] == 5.0,
                f"{student}: {row}",
            )
        hub.expect(submissions["student1"]["needs_manual_grade"], "de reflectie van student1 wacht op de docent")
        hub.expect(submissions["student1"]["score"] > submissions["student2"]["score"], f"{submissions}")

        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", course_id) as gradebook:
            scores = {s: gradebook.find_submission(ASSIGNMENT, s).code_score for s in STUDENTS}
        assert scores == EXPECTED_CODE_SCORE

        # Docent: feedback back through the exchange; student1 fetches it.
        for action in ("generate_feedback", "release_feedback"):
            result = hub.json("docent", "POST", f"/formgrader/api/assignment/{ASSIGNMENT}/{action}", timeout=120)
            hub.expect(result["success"], f"{action}: {result}")
        hub.json("student1", "POST", "/assignments/fetch_feedback", json=course)
        feedback = hub.json("student1", "GET", f"/api/contents/{course_id}/{ASSIGNMENT}/feedback")
        reports = [
            item["path"]
            for folder in feedback["content"]
            if folder["type"] == "directory"
            for item in hub.json("student1", "GET", f"/api/contents/{folder['path']}")["content"]
        ]
        hub.expect(any(p.endswith(f"{ASSIGNMENT}.html") for p in reports), f"feedback bij student1: {reports}")
    finally:
        hub.stop()
    leftovers = [pid for pid in [hub.process.pid, *hub.pids.values()] if _alive(pid)]
    assert not leftovers, f"processen van de hub leven nog: {leftovers}"


def test_link_per_assignment_for_the_lms(tmp_path):
    """`activering docent vrijgeven` prints the link that opens the assignment on the hub (item: LMS link)."""
    from typer.testing import CliRunner

    from activering.grading import cli as docent_cli
    from activering.grading.ophalen import hub_url, lms_link

    course_dir = _docent_course(tmp_path, "oefencursus")
    root = course_dir.parent
    assert hub_url(root) == ""
    result = CliRunner().invoke(docent_cli.app, ["vrijgeven", ASSIGNMENT, "--cursus", str(course_dir)])
    assert result.exit_code == 0, result.output
    assert "user-redirect" not in result.output  # no hub configured: no link

    (root / "_config.yml").write_text(
        "sphinx:\n  config:\n    activering_jupyterhub_url: https://jupyter.hogeschool.example/\n", encoding="utf-8"
    )
    link = "https://jupyter.hogeschool.example/hub/user-redirect/activering/ophalen/oefening"
    assert lms_link(hub_url(root), ASSIGNMENT) == link
    result = CliRunner().invoke(docent_cli.app, ["vrijgeven", ASSIGNMENT, "--cursus", str(course_dir)])
    assert result.exit_code == 0, result.output
    assert link in result.output.replace("\n", "")
