"""The course in JupyterLab, in Chromium, as a student uses it.

A real JupyterLab runs on 127.0.0.1 with a token, in a temporary folder, with a temporary journal
(ACTIVERING_JOURNAL). The student opens a casus notebook, runs it, clicks through every decision in the
widget, sees the feedback and the end chart; the journal then holds the choices. The student also opens
the released (student) version of a graded exercise, runs the data cell, answers the first question and
runs its tests. A screenshot of a failing page is kept in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from activering.casus.load import casus_paths, load_casus_file
from activering.casus.page import notebook_json
from activering.journal import Journal
from activering.paths import REPO_ROOT

pytestmark = pytest.mark.slow

ARTIFACTS = REPO_ROOT / "test-artifacts"
ASSIGNMENT = "caseload-verkennen"
MOTIVATION = "Ik kies dit omdat het past bij wat deze klant nu nodig heeft."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _release_assignment(course: Path) -> subprocess.Popen:
    """Start `activering docent vrijgeven` on a copy of the course (runs while JupyterLab starts)."""
    shutil.copytree(REPO_ROOT / "exercises" / "source", course / "source")
    shutil.copy(REPO_ROOT / "exercises" / "nbgrader_config.py", course / "nbgrader_config.py")
    command = [
        sys.executable,
        "-m",
        "activering.cli",
        "docent",
        "vrijgeven",
        ASSIGNMENT,
        "--cursus",
        str(course),
        "--instellingen",
        str(REPO_ROOT / "grading"),
    ]
    activering = Path(sys.executable).with_name("activering")
    if activering.exists():
        command = [str(activering), *command[3:]]
    return subprocess.Popen(command, cwd=course, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class Lab:
    def __init__(self, url: str, token: str, root: Path, journal: Path, release: subprocess.Popen, course: Path):
        self.url, self.token, self.root, self.journal, self.release, self.course = (
            url,
            token,
            root,
            journal,
            release,
            course,
        )

    def sessions(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.url}/api/sessions?token={self.token}", timeout=5) as response:
            return json.load(response)

    def settle(self, page, notebook: str, timeout: float = 30) -> None:
        """Wait until the notebook's kernel is idle again and the page has drawn what it sent."""
        deadline = time.monotonic() + timeout
        page.wait_for_timeout(150)
        while time.monotonic() < deadline:
            if any(
                s.get("path", "").endswith(notebook) and (s.get("kernel") or {}).get("execution_state") == "idle"
                for s in self.sessions()
            ):
                break
            time.sleep(0.1)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        page.wait_for_timeout(150)

    def open(self, page, notebook: str) -> None:
        """Open a notebook as a student does and wait until its kernel is ready.

        When JupyterLab asks which kernel to start (it does when the kernel list arrives after the
        notebook), the student accepts the proposed "Python 3 (ipykernel)".
        """
        page.goto(f"{self.url}/lab/tree/{notebook}?reset&token={self.token}", wait_until="domcontentloaded")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
        dialog = page.locator(".jp-Dialog").filter(has_text="Select Kernel")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if dialog.is_visible():
                dialog.get_by_role("button", name="Select", exact=True).click()
            ready = [
                s
                for s in self.sessions()
                if s.get("path", "").endswith(notebook) and (s.get("kernel") or {}).get("execution_state") == "idle"
            ]
            if ready:
                return
            time.sleep(0.2)
        raise AssertionError(f"de kernel van {notebook} werd niet gestart")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("jupyterlab")
    root, config, course = base / "werkmap", base / "config", base / "cursus"
    for folder in (root, config, course):
        folder.mkdir()
    casus = load_casus_file(casus_paths()[0])
    (root / f"{casus.slug}.ipynb").write_text(
        json.dumps(notebook_json(casus), indent=1, ensure_ascii=False), encoding="utf-8"
    )
    release = _release_assignment(course)
    port, token = _free_port(), secrets.token_hex(16)
    # No "official Jupyter news?" question in the corner: nothing is fetched from the internet.
    settings = base / "settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )
    env = dict(
        os.environ,
        ACTIVERING_JOURNAL=str(base / "journaal.sqlite"),
        JUPYTER_CONFIG_DIR=str(config),  # no user settings or extensions of this machine
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
    )
    command = [
        str(Path(sys.executable).with_name("jupyter-lab")),
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={settings}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI runners often run as root
    log = (base / "jupyterlab.log").open("w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("JupyterLab startte niet:\n" + (base / "jupyterlab.log").read_text()[-3000:])
        time.sleep(0.3)
    try:
        yield Lab(url, token, root, base / "journaal.sqlite", release, course)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        release.kill() if release.poll() is None else None
        log.close()


@pytest.fixture
def lab_page(browser, request):
    """A browser page; when the test fails, a screenshot of it is kept in test-artifacts/."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    failures = request.session.testsfailed
    yield page
    if request.session.testsfailed > failures:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"jupyterlab-{request.node.name}.png"), full_page=True)
    context.close()


def run_all_cells(page) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()


def test_a_student_plays_a_casus_in_jupyterlab(lab, lab_page):
    page = lab_page
    casus = load_casus_file(casus_paths()[0])
    lab.open(page, f"{casus.slug}.ipynb")
    started = time.monotonic()
    run_all_cells(page)
    widget = page.locator(".jp-OutputArea-output .widget-vbox").first
    widget.get_by_text("Beslissing 1").first.wait_for(timeout=60_000)
    print(f"casusnotebook: eerste beslissing {time.monotonic() - started:.1f} s na 'Run All Cells'")
    confirm = widget.get_by_role("button", name="Bevestig keuze")
    steps = 0
    while not widget.get_by_role("heading", name="Nabespreking").is_visible():
        steps += 1
        assert steps <= len(casus.beslissingen), "de casus eindigt niet"
        widget.get_by_role("heading", name=f"Beslissing {steps}").wait_for()
        lab.settle(page, f"{casus.slug}.ipynb")  # the kernel has sent the whole new decision to the page
        radios = widget.locator(".widget-radio-box input[type=radio]")
        boxes = widget.locator(".widget-checkbox input[type=checkbox]")
        # Every option is readable in full (an ipywidgets label cuts long text off with "…" by default).
        cut_off = widget.locator(".widget-checkbox label, .widget-radio-box label").evaluate_all(
            "labels => labels.filter(l => l.scrollWidth > l.clientWidth + 1).map(l => l.textContent)"
        )
        assert not cut_off, f"afgekapte opties: {cut_off}"
        if radios.count():
            radios.first.check()
        elif boxes.count():
            boxes.first.check()
        # A scale (SelectionSlider) starts on its middle option, which is a valid choice.
        motivation = widget.locator(".widget-textarea textarea")
        if motivation.is_visible():
            motivation.fill(MOTIVATION)
            motivation.blur()
        lab.settle(page, f"{casus.slug}.ipynb")
        confirm.click()
        feedback = widget.locator(".casus-feedback").first
        feedback.wait_for(timeout=20_000)
        assert feedback.inner_text().strip()
        widget.get_by_role("button", name=re.compile("Volgende beslissing|Naar de nabespreking")).click()
        widget.get_by_text(f"Beslissing {steps + 1}").first.or_(
            widget.get_by_role("heading", name="Nabespreking")
        ).wait_for(timeout=20_000)
    chart = widget.locator("figure.activering-chart")
    chart.wait_for()
    assert chart.locator("svg").count() == 1
    assert "Tekstalternatief" in chart.locator("figcaption").inner_text()

    journal = Journal(lab.journal)
    runs = journal.runs(casus.slug)
    assert len(runs) == 1 and runs[0]["finished"], runs
    choices = journal.choices(runs[0]["run_id"])
    assert len(choices) == steps
    assert choices[0].decision == casus.beslissingen[0].id
    for choice in choices:
        decision = casus.decision(choice.decision)
        if decision.opties:
            assert choice.options, f"{choice.decision}: geen keuze in het journaal"
        if decision.asks_motivation:
            assert choice.motivation == MOTIVATION


def test_a_student_opens_and_runs_a_released_assignment(lab, lab_page):
    output, _ = lab.release.communicate(timeout=180)
    assert lab.release.returncode == 0, output[-3000:]
    released = lab.course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    shutil.copy(released, lab.root / released.name)
    cells = nbformat.read(released, as_version=4).cells
    data_cell = next(i for i, c in enumerate(cells) if c.cell_type == "code")
    answer_cell = next(
        i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
    )
    tests = [i for i in range(answer_cell + 1, len(cells)) if cells[i].cell_type == "code"]
    tests = tests[
        : next((k for k, i in enumerate(tests) if not cells[i].metadata.get("nbgrader", {}).get("grade")), len(tests))
    ]
    assert "raise NotImplementedError()" in cells[answer_cell].source, "studentversie zonder lege antwoordcel?"

    page = lab_page
    lab.open(page, released.name)
    notebook_cells = page.locator(".jp-Notebook .jp-Cell")
    # JupyterLab renders a long notebook's cells in batches after it opens: wait for all of them.
    expect(notebook_cells).to_have_count(len(cells), timeout=30_000)

    def run_cell(index: int) -> None:
        cell = notebook_cells.nth(index)
        cell.locator(".jp-InputPrompt").click()  # select the cell (command mode), as a mouse user does
        page.keyboard.press("Shift+Enter")
        cell.locator(".jp-InputPrompt", has_text=re.compile(r"\[\d+\]")).wait_for(timeout=60_000)

    # The data cell: loads the synthetic caseload and shows the municipalities, without an error.
    run_cell(data_cell)
    data_output = notebook_cells.nth(data_cell).locator(".jp-OutputArea-output")
    assert "gemeente" in data_output.first.inner_text().lower()
    assert not page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()

    # Unanswered, the first question stops at nbgrader's placeholder, as the student is told.
    run_cell(answer_cell)
    assert "NotImplementedError" in notebook_cells.nth(answer_cell).locator(".jp-OutputArea").inner_text()

    # The student writes an answer in the cell and runs it and its tests: no errors.
    editor = notebook_cells.nth(answer_cell).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text('aantal_per_gemeente = clients["gemeente"].value_counts()\naantal_per_gemeente')
    page.keyboard.press("Escape")
    run_cell(answer_cell)
    for index in [answer_cell, *tests]:
        if index != answer_cell:
            run_cell(index)
        text = notebook_cells.nth(index).locator(".jp-OutputArea").inner_text()
        assert "Error" not in text, f"cel {index} geeft een fout:\n{text}"
