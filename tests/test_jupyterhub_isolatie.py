"""Students cannot reach each other's work: a class on JupyterHub with one Unix account per user, on 127.0.0.1.

The hub runs from ``grading/jupyterhub/jupyterhub_config.py`` with its default spawner (LocalProcessSpawner:
each server under the user's own account) and nbgrader's filesystem exchange, closed per student by
``activering.grading.hub_exchange``. The test creates real Unix accounts (it needs root, as CI has) for a
docent, students A and B, and removes them afterwards.

After release → fetch → submit, student A tries to reach student B's submission and feedback through the
hub's API, through the file system (as A's own account, as in a terminal on A's server) and through
nbgrader's exchange; every attempt must fail, while the docent's collect, autograde and feedback work.
The docent's role reaches the course's students only.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from nbgrader.utils import notebook_hash

from activering.grading.config import Course
from activering.paths import REPO_ROOT
from test_jupyterhub import ANSWERS, ASSIGNMENT, HUB_DIR, PROXY, Hub, _answer, _docent_course

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="maakt Unix-accounts aan: alleen als root (zoals in CI)")


def _python_for_everyone(base: Path) -> str:
    """An interpreter every account may run that sees the course's packages.

    The environment's own Python may live where only root can look (pyenv under /root). Then its base
    installation (interpreter, libpython, standard library: no site-packages) is copied to `base`, with the
    library path in the interpreter pointed at the copy, and a venv on top sees the course's packages.
    """
    probe = subprocess.run(
        ["runuser", "-u", "nobody", "--", sys.executable, "-c", "import nbgrader"], capture_output=True, check=False
    )
    if probe.returncode == 0:
        return sys.executable
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    original, copy = Path(sys.base_prefix), base / "python-basis"
    (copy / "bin").mkdir(parents=True)
    interpreter = copy / "bin" / version
    binary = Path(os.path.realpath(sys._base_executable)).read_bytes()
    runpath = f"{original / 'lib'}".encode()
    if runpath + b"\0" in binary:  # RUNPATH of a shared-libpython build: "$ORIGIN/../lib", same length
        binary = binary.replace(runpath + b"\0", b"$ORIGIN/../lib".ljust(len(runpath), b"\0") + b"\0")
    interpreter.write_bytes(binary)
    interpreter.chmod(0o755)
    (copy / "lib").mkdir()
    for library in (original / "lib").glob("libpython*.so*"):
        shutil.copy2(library, copy / "lib" / library.name)
    shutil.copytree(
        original / "lib" / version,
        copy / "lib" / version,
        ignore=shutil.ignore_patterns("site-packages", "test", "__pycache__"),
        symlinks=True,
    )
    venv = base / "python"
    subprocess.run([str(interpreter), "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    shared = venv / "lib" / version / "site-packages" / "activering-cursus.pth"
    shared.write_text(f"import site; site.addsitedir({str(site)!r})\n", encoding="utf-8")
    python = venv / "bin" / "python"
    for script in (Path(sys.prefix) / "bin").iterdir():  # alembic, nbgrader, … with this interpreter
        if script.is_file() and not (venv / "bin" / script.name).exists():
            head, _, rest = script.read_bytes().partition(b"\n")
            if head.startswith(b"#!") and b"python" in head:
                (venv / "bin" / script.name).write_bytes(f"#!{python}\n".encode() + rest)
                (venv / "bin" / script.name).chmod(0o755)
    for folder in ("etc", "share"):  # Jupyter's settings and extensions of the environment (sys.prefix)
        if (Path(sys.prefix) / folder).is_dir():
            (venv / folder).symlink_to(Path(sys.prefix) / folder)
    check = subprocess.run(
        ["runuser", "-u", "nobody", "--", str(python), "-c", "import jupyterhub.singleuser, nbgrader, activering"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, f"gedeelde Python werkt niet: {check.stderr[-1500:]}"
    return str(python)


class Accounts:
    """Unix accounts for the test, with a prefix of their own; removed afterwards."""

    def __init__(self, base: Path):
        self.homes = base / "homes"
        self.homes.mkdir(mode=0o755)
        self.prefix = f"act{secrets.token_hex(3)}"
        self.created: list[str] = []

    def add(self, role: str) -> str:
        name = f"{self.prefix}{role}"
        subprocess.run(
            [
                "useradd",
                "--create-home",
                "--home-dir",
                str(self.homes / name),
                "--user-group",
                "--shell",
                "/bin/sh",
                name,
            ],
            check=True,
        )
        self.created.append(name)
        os.chmod(self.homes / name, 0o755)  # as an administrator may leave it: the hub closes it
        return name

    def remove(self) -> None:
        for name in self.created:
            subprocess.run(["userdel", "--force", "--remove", name], check=False, capture_output=True)


# Run as student A, as in a terminal on A's server: each attempt on a path → what happened.
ATTEMPTS = r"""
import json, os, sys
def attempt(action):
    try:
        result = action()
        return "gelukt" + (f": {result}" if result is not None else "")
    except OSError as error:
        return type(error).__name__
p = json.loads(sys.argv[1])
print(json.dumps({
    "inbound/ van de exchange opsommen": attempt(lambda: os.listdir(p["inbound"])),
    "inzending van B lezen (met de exacte naam)": attempt(lambda: len(open(p["b_notebook"]).read())),
    "geheim van B's inzending lezen": attempt(lambda: open(p["b_secret"]).read()[:4]),
    "inzending van B overschrijven": attempt(lambda: open(p["b_notebook"], "r+").write("{}")),
    "bestand toevoegen aan B's inzending": attempt(lambda: open(p["b_extra"], "x").write("x")),
    "inzending van B hernoemen of weghalen": attempt(lambda: os.rename(p["b_submission"], p["inbound"] + "/weg")),
    "feedbackmap van de exchange opsommen": attempt(lambda: os.listdir(p["feedback"])),
    "feedback van B lezen (met de exacte naam)": attempt(lambda: len(open(p["b_feedback"]).read())),
    "feedback van B overschrijven": attempt(lambda: open(p["b_feedback"], "r+").write("x")),
    "home van B opsommen (werk, cache met het geheim)": attempt(lambda: os.listdir(p["b_home"])),
    "bron van de docent lezen (met oplossingen)": attempt(lambda: len(open(p["source"]).read())),
    "cijferboek van de docent lezen": attempt(lambda: len(open(p["gradebook"], "rb").read())),
    "vrijgegeven opdracht lezen (mag)": attempt(lambda: len(open(p["released"]).read())),
}))
"""


@pytest.fixture
def repository_reachable_for_all():
    """The test accounts' servers run the course from this checkout. A CI runner may clone it under a folder
    only root may enter (/root): for the duration of the test, folders on the way get traverse permission
    (o+x, no listing), and get their old mode back afterwards."""
    changed = []
    for folder in [*reversed(REPO_ROOT.parents), REPO_ROOT]:
        mode = folder.stat().st_mode & 0o7777
        if not mode & 0o001:
            folder.chmod(mode | 0o001)
            changed.append((folder, mode))
    try:
        yield
    finally:
        for folder, mode in reversed(changed):
            folder.chmod(mode)


@pytest.mark.slow
def test_students_cannot_reach_each_other(tmp_path, repository_reachable_for_all):
    assert PROXY.exists(), f"{PROXY} ontbreekt: eerst `make hub-proxy` (npm ci in grading/jupyterhub)"
    readable = subprocess.run(
        ["runuser", "-u", "nobody", "--", "test", "-r", str(REPO_ROOT / "src" / "activering" / "__init__.py")],
        check=False,
    )
    assert readable.returncode == 0, (
        f"{REPO_ROOT} is niet leesbaar voor andere accounts; de servers van de testaccounts draaien de cursus "
        "vanaf daar. Zet de repository op een leesbare plek (bijvoorbeeld /srv of /work)."
    )
    course_id = Course.default().config.cursus
    # Outside pytest's own temporary folder (root only): the accounts must reach their homes.
    base = Path(f"/tmp/activering-isolatie-{secrets.token_hex(4)}")
    base.mkdir(mode=0o755)
    accounts = Accounts(base)
    hub = None
    try:
        python = _python_for_everyone(base)
        docent, a, b = accounts.add("d"), accounts.add("a"), accounts.add("b")
        outsider = f"{accounts.prefix}x"  # a hub user outside the course (no account needed)
        home = {user: Path(pwd.getpwnam(user).pw_dir) for user in (docent, a, b)}
        course_dir = _docent_course(home[docent], course_id)
        # Grading runs without the bubblewrap sandbox here: the interpreter made for the accounts lives under
        # /tmp, which the sandbox hides (test_jupyterhub.py grades sandboxed). Isolation is the subject here.
        config = course_dir.parent / "grading" / "config.yml"
        settings = yaml.safe_load(config.read_text(encoding="utf-8"))
        settings["nakijken"]["afscherming"] = False
        config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        subprocess.run(["chown", "-R", f"{docent}:{docent}", str(home[docent])], check=True)

        hub = Hub(
            base,
            env={
                "ACTIVERING_HUB_SPAWNER": "local",
                "ACTIVERING_HUB_HOMES": None,
                "ACTIVERING_HUB_PYTHON": python,
                "PATH": f"{Path(python).parent}:/usr/local/bin:/usr/bin:/bin",
                "ACTIVERING_HUB_DOCENTEN": docent,
                "ACTIVERING_HUB_STUDENTEN": f"{a},{b}",
            },
        )
        hub.start()
        hub.expect(hub.api("POST", f"/users/{outsider}").status_code == 201, "gebruiker buiten de cursus")
        hub.spawn((docent, a, b))
        for user in (docent, a, b):
            hub.expect(home[user].stat().st_mode & 0o077 == 0, f"de home van {user} is open voor anderen")
        hub.expect(hub.exchange.stat().st_mode & 0o1777 == 0o1777, "exchange zonder sticky bit")
        course = {"course_id": course_id, "assignment_id": ASSIGNMENT}

        for action in ("assign", "release"):
            result = hub.json(docent, "POST", f"/formgrader/api/assignment/{ASSIGNMENT}/{action}", timeout=180)
            hub.expect(result["success"], f"{action}: {result.get('log') or result.get('error')}")
        for student in (a, b):
            fetched = hub.json(student, "POST", "/assignments/fetch", json=course, timeout=120)
            notebook = next(x for x in fetched["value"] if x["status"] == "fetched")["notebooks"][0]["path"]
            model = hub.json(student, "GET", f"/api/contents/{notebook}", params={"content": 1})
            answers = ANSWERS["student1" if student == a else "student2"]
            saved = hub.server(
                student,
                "PUT",
                f"/api/contents/{notebook}",
                json={"type": "notebook", "format": "json", "content": _answer(model["content"], answers)},
            )
            hub.expect(saved.status_code == 200, f"opslaan door {student}: {saved.status_code}")
            submitted = hub.json(student, "POST", "/assignments/submit", json=course, timeout=120)
            hub.expect(submitted["success"], f"inleveren door {student}: {submitted}")

        inbound = hub.exchange / course_id / "inbound"
        hub.expect(inbound.stat().st_mode & 0o1000, "inbound/ zonder sticky bit")
        b_submission = next(p for p in inbound.iterdir() if p.name.startswith(f"{b}+"))
        hub.expect(
            b_submission.stat().st_mode & 0o007 == 0, f"inzending van B open: {oct(b_submission.stat().st_mode)}"
        )

        # Through the exchange: A files a submission under B's name (as if from a terminal).
        env = [
            f"HOME={home[a]}",
            "PATH=/usr/bin:/bin",
            f"JUPYTERHUB_USER={b}",  # claims to be B
            f"JUPYTER_CONFIG_PATH={HUB_DIR / 'student'}:{HUB_DIR}",
            f"NBGRADER_EXCHANGE_ROOT={hub.exchange}",
            "ACTIVERING_ROL=student",
            "ACTIVERING_EIGEN_UID=1",
        ]

        def as_a(*command: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                ["runuser", "-u", a, "--", "env", "-i", *env, python, *command],
                cwd=home[a],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )

        fake = home[a] / course_id / ASSIGNMENT
        fake_notebook = json.loads((fake / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8"))
        (fake / f"{ASSIGNMENT}.ipynb").write_text(
            json.dumps(_answer(fake_notebook, {"antwoord_telling": "# vervalst door A\n"})), encoding="utf-8"
        )
        forged = as_a("-m", "nbgrader", "submit", ASSIGNMENT, f"--course={course_id}")
        listed = as_a("-m", "nbgrader", "list", "--inbound", f"--course={course_id}")
        collect_by_a = as_a("-m", "nbgrader", "collect", ASSIGNMENT, f"--course={course_id}")

        # Docent: collect, autograde, feedback — through the formgrader, as always.
        collected = hub.json(docent, "POST", f"/formgrader/api/assignment/{ASSIGNMENT}/collect", timeout=180)
        hub.expect(collected["success"], f"collect: {collected}")
        b_collected = course_dir / "submitted" / b / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        hub.expect(b_collected.exists(), f"de inzending van B is niet verzameld: {collected}")
        hub.expect("vervalst door A" not in b_collected.read_text(encoding="utf-8"), "A's vervalsing verzameld als B")
        hub.expect("overgeslagen" in collected.get("log", ""), f"vervalsing niet gemeld: {collected.get('log')}")
        for student in (a, b):
            graded = hub.json(
                docent, "POST", f"/formgrader/api/submission/{ASSIGNMENT}/{student}/autograde", timeout=300
            )
            hub.expect(graded["success"], f"autograde {student}: {graded.get('log', graded)[-3000:]}")
        for action in ("generate_feedback", "release_feedback"):
            result = hub.json(docent, "POST", f"/formgrader/api/assignment/{ASSIGNMENT}/{action}", timeout=180)
            hub.expect(result["success"], f"{action}: {result}")
        for student in (a, b):
            hub.json(student, "POST", "/assignments/fetch_feedback", json=course, timeout=120)
            own = list((home[student] / course_id / ASSIGNMENT / "feedback").rglob("*.html"))
            hub.expect(own, f"{student} kreeg geen eigen feedback")
        feedback_dir = hub.exchange / course_id / "feedback"
        b_secret = (b_submission / "submission_secret.txt").read_text(encoding="utf-8")
        b_feedback = feedback_dir / f"{notebook_hash(secret=b_secret, notebook_id=ASSIGNMENT)}.html"
        hub.expect(b_feedback.is_file(), f"geen feedback van B in {sorted(p.name for p in feedback_dir.iterdir())}")

        # Through the file system, as A's account (with paths A could only guess).
        paths = {
            "inbound": str(inbound),
            "b_submission": str(b_submission),
            "b_notebook": str(b_submission / f"{ASSIGNMENT}.ipynb"),
            "b_secret": str(b_submission / "submission_secret.txt"),
            "b_extra": str(b_submission / "extra.txt"),
            "feedback": str(feedback_dir),
            "b_feedback": str(b_feedback),
            "b_home": str(home[b]),
            "source": str(course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
            "gradebook": str(course_dir / "gradebook.db"),
            "released": str(hub.exchange / course_id / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        }
        run = as_a("-c", ATTEMPTS, json.dumps(paths))
        hub.expect(run.returncode == 0, f"pogingen van A: {run.stderr[-2000:]}")
        results = json.loads(run.stdout)

        # Through the API, with A's own token.
        api = {
            "server van B openen (bestanden)": hub.server(b, "GET", "/api/contents", as_user=a).status_code,
            "bestand in B's server schrijven": hub.server(
                b, "PUT", "/api/contents/x.txt", as_user=a, json={"type": "file", "format": "text", "content": "x"}
            ).status_code,
            "feedback van B ophalen via B's server": hub.server(
                b, "POST", "/assignments/fetch_feedback", as_user=a, json=course
            ).status_code,
            "B opvragen in de hub": _hub_get(hub, a, f"/users/{b}"),
            "alle gebruikers opvragen in de hub": _hub_get(hub, a, "/users"),
            "exchange via eigen server (../)": hub.server(a, "GET", "/api/contents/..%2F..%2F").status_code,
        }
        exchange_attempts = {
            "inleveren onder de naam van B (nbgrader submit)": "niet verzameld"
            if "vervalst door A" not in b_collected.read_text(encoding="utf-8")
            else "verzameld als B",
            "inzendingen opsommen (nbgrader list --inbound)": _outcome(listed, b),
            "verzamelen (nbgrader collect)": _outcome(collect_by_a, b),
        }
        report = {**{f"bestand: {k}": v for k, v in results.items()}, **{f"API: {k}": v for k, v in api.items()}}
        report.update({f"exchange: {k}": v for k, v in exchange_attempts.items()})
        (Path(__file__).parent.parent / "test-artifacts").mkdir(exist_ok=True)
        artifact = Path(__file__).parent.parent / "test-artifacts" / "jupyterhub-isolatie.json"
        artifact.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

        allowed = {"bestand: vrijgegeven opdracht lezen (mag)"}
        for attempt, outcome in report.items():
            if attempt in allowed:
                hub.expect(str(outcome).startswith("gelukt"), f"{attempt}: {outcome}")
            elif attempt.startswith("bestand: "):
                hub.expect(outcome == "PermissionError", f"{attempt}: {outcome}")
            elif attempt.startswith("API: "):
                hub.expect(outcome in (400, 403, 404), f"{attempt}: {outcome}")
            else:
                hub.expect(
                    outcome in ("geweigerd", "niet verzameld", "niets van B te zien"),
                    f"{attempt}: {outcome} ({forged.stderr[-500:]})",
                )

        # The docent's role: the course's students, nobody else, and not inside their servers.
        docent_token = {"Authorization": f"token {hub.tokens[docent]}"}
        seen = hub.session.get(f"{hub.url}/hub/api/users", headers=docent_token, timeout=30)
        hub.expect({u["name"] for u in seen.json()} - {docent} == {a, b}, f"docent ziet: {seen.text[:300]}")
        for method, path in (("GET", f"/users/{outsider}"), ("POST", f"/users/{outsider}/server")):
            status = hub.session.request(method, f"{hub.url}/hub/api{path}", headers=docent_token, timeout=60)
            hub.expect(status.status_code in (403, 404), f"docent {method} {path}: {status.status_code}")
        hub.expect(hub.server(a, "GET", "/api/contents", as_user=docent).status_code == 403, "docent in server A")
    finally:
        if hub is not None:
            hub.stop()
        accounts.remove()
        if (base / "jupyterhub.log").exists():
            shutil.copy(base / "jupyterhub.log", tmp_path / "jupyterhub.log")  # kept by pytest for a look afterwards
        shutil.rmtree(base, ignore_errors=True)


def _hub_get(hub: Hub, user: str, path: str) -> int:
    response = hub.session.get(f"{hub.url}/hub/api{path}", headers={"Authorization": f"token {hub.tokens[user]}"})
    if response.status_code == 200 and path == "/users":
        names = {u["name"] for u in response.json()}
        return 200 if names - {user} else 404  # a list with only oneself reveals nobody
    return response.status_code


def _outcome(run: subprocess.CompletedProcess, other: str) -> str:
    """An nbgrader command of A: refused, or ran without showing anything of B, or what it showed of B."""
    output = run.stdout + run.stderr
    if other in output:
        return f"toonde B: {output[-300:]}"
    if run.returncode != 0:
        return "geweigerd"
    return "niets van B te zien"
