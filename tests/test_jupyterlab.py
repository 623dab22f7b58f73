"""The course in JupyterLab, in Chromium, as a student uses it.

A real JupyterLab runs on 127.0.0.1 with a token, in a temporary folder, with a temporary journal
(ACTIVERING_JOURNAL). The student opens a casus notebook, runs it, clicks through every decision in the
widget, sees the feedback and the end chart; the journal then holds the choices. The student also opens
the released (student) version of a graded exercise, runs the data cell, answers the first question and
runs its tests. A screenshot of a failing page is kept in test-artifacts/.
"""

from __future__ import annotations

import http.client
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
    server = start_lab(base, root, port, token, journal=base / "journaal.sqlite")
    url = f"http://127.0.0.1:{port}"
    try:
        yield Lab(url, token, root, base / "journaal.sqlite", release, course)
    finally:
        stop_lab(server)
        release.kill() if release.poll() is None else None


def start_lab(base: Path, root: Path, port: int, token: str, docent: bool = False, journal: Path | None = None):
    """Start the course's JupyterLab as `make lab` (or `make lab-docent`) does: `activering lab`.

    Only what belongs to this machine and this test is added: port, token, no browser, and empty
    folders for the user's own Jupyter settings, so that what is tested are the course's settings.
    """
    (base / "config").mkdir(exist_ok=True)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(base / "config"),  # no user settings or extensions of this machine
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
    )
    env.pop("JUPYTER_CONFIG_PATH", None)
    if journal:
        env["ACTIVERING_JOURNAL"] = str(journal)
    command = [
        str(Path(sys.executable).with_name("activering")),
        "lab",
        *(["--docent"] if docent else []),
        "--map",
        str(root),
        "--",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={base / 'user-settings'}",
    ]
    log = (base / "jupyterlab.log").open("w")
    server = subprocess.Popen(command, cwd=base, env=env, stdout=log, stderr=subprocess.STDOUT)
    server.log, server.log_path = log, base / "jupyterlab.log"
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as response:
                if response.status == 200:
                    return server
        except (OSError, http.client.HTTPException):
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("JupyterLab startte niet:\n" + server.log_path.read_text()[-3000:])
        time.sleep(0.3)


def stop_lab(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
    server.log.close()


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
    page.get_by_role("menuitem", name=re.compile(r"^(Run|Uitvoeren)$")).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()


def test_a_student_plays_a_casus_in_jupyterlab(lab, lab_page):
    page = lab_page
    casus = load_casus_file(casus_paths()[0])
    opened = time.monotonic()
    lab.open(page, f"{casus.slug}.ipynb")
    started = time.monotonic()
    run_all_cells(page)
    widget = page.locator(".jp-OutputArea-output .widget-vbox").first
    widget.get_by_text("Beslissing 1").first.wait_for(timeout=60_000)
    done = time.monotonic()
    print(
        f"casusnotebook: eerste beslissing {done - opened:.1f} s na openen, {done - started:.1f} s na 'Run All Cells'"
    )
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
        if radios.count():  # `enkelvoudig` and `schaal`: every point shown, none chosen in advance
            assert not widget.locator(".widget-radio-box input:checked").count()
            radios.first.check()
        elif boxes.count():
            boxes.first.check()
        motivation = widget.locator(".widget-textarea textarea")
        if motivation.is_visible():
            motivation.fill(MOTIVATION)
            motivation.blur()
        lab.settle(page, f"{casus.slug}.ipynb")
        confirm.click()
        feedback = widget.locator(".casus-feedback").first
        feedback.wait_for(timeout=20_000)
        assert feedback.inner_text().strip()
        following = widget.get_by_role("button", name=re.compile("Volgende beslissing|Naar de nabespreking"))
        assert following.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), "knoptekst afgekapt"
        following.click()
        widget.get_by_text(f"Beslissing {steps + 1}").first.or_(
            widget.get_by_role("heading", name="Nabespreking")
        ).wait_for(timeout=20_000)
    chart = widget.locator("figure.activering-chart")
    chart.wait_for()
    assert chart.locator("svg").count() == 1
    assert "Tekstalternatief" in chart.locator("figcaption").inner_text()
    recap = widget.locator("ol.casus-terugblik > li")
    assert recap.count() == steps  # every decision taken, with the choice and the options not taken
    assert "Jouw keuze" in recap.first.inner_text()

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


ROLES = re.compile(r"\{(cite:p|cite:t|cite|term|doc|ref|numref)\}")


def test_the_student_lab_is_dutch_and_shows_no_docent_tools(lab, lab_page):
    """`make lab`: Dutch menus, no news question, no nbgrader docent panels, MyST pages open as notebooks."""
    page = lab_page
    folder = lab.root / "modules" / "zelfstudie"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "modules" / "zelfstudie" / "journaal.md", folder / "journaal.md")
    page.goto(f"{lab.url}/lab/tree/modules/zelfstudie?reset&token={lab.token}", wait_until="domcontentloaded")
    menubar = page.locator("#jp-menu-panel")
    expect(menubar.get_by_role("menuitem", name="Bestand", exact=True)).to_be_visible(timeout=60_000)
    assert not menubar.get_by_role("menuitem", name="File", exact=True).count()
    assert not menubar.get_by_role("menuitem", name=re.compile("nbgrader", re.I)).count()
    page.wait_for_timeout(2000)  # the news question used to appear a moment after the page was ready
    assert not page.get_by_text(re.compile("Jupyter news|nieuws", re.I)).count()
    # The docent's panels: in the docent's Lab the right sidebar has a tab "Nbgrader Create Assignment".
    tabs = page.locator(".jp-SideBar .lm-TabBar-tab")
    expect(tabs.first).to_be_visible()
    titles = [tab.get_attribute("title") or "" for tab in tabs.all()]
    assert not [t for t in titles if re.search("nbgrader|assignment", t, re.I)], titles
    assert not page.get_by_text(re.compile("Create Assignment|Formgrader", re.I)).count()

    # A double click on a MyST page opens it as a notebook (cells), not as MyST text.
    page.locator(".jp-DirListing-item", has_text="journaal.md").dblclick()
    notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")
    notebook.locator(".jp-MarkdownCell").first.wait_for(timeout=60_000)
    assert not page.locator(".jp-FileEditor:visible").count(), "journaal.md opent als tekst"
    kernel = page.locator(".jp-Dialog")
    if kernel.is_visible():
        page.keyboard.press("Escape")
    heading = notebook.get_by_role("heading", name=re.compile("Je reflectiejournaal"))
    expect(heading).to_be_visible(timeout=30_000)
    markdown = page.locator(
        ".jp-NotebookPanel:visible .jp-MarkdownCell .jp-RenderedMarkdown, "
        ".jp-NotebookPanel:visible .jp-MarkdownCell .myst"
    )
    page.wait_for_timeout(1000)
    text = "\n".join(markdown.all_inner_texts())
    assert "reflectiesessies" in text, text[:2000]
    assert not ROLES.search(text), f"rollen onbewerkt zichtbaar: {ROLES.findall(text)}"
    # citations read as in the book (activering.lab_contents), not as a bib key marked "Citation Not Found"
    assert "[Van der Aa, 2012, §6.5.3]" in text, text[:2000]
    assert not page.get_by_text("Citation Not Found").count()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "jupyterlab-student.png"))


def test_the_docent_lab_lists_the_assignments_in_the_formgrader(tmp_path, browser):
    """`make lab-docent`: JupyterLab in the course folder; the formgrader lists the course's assignments."""
    course = tmp_path / "exercises"
    shutil.copytree(REPO_ROOT / "exercises" / "source", course / "source")
    shutil.copy(REPO_ROOT / "exercises" / "nbgrader_config.py", course / "nbgrader_config.py")
    port, token = _free_port(), secrets.token_hex(16)
    server = start_lab(tmp_path, course, port, token, docent=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/formgrader?token={token}", wait_until="domcontentloaded")
        expect(page.locator("body")).to_contain_text(ASSIGNMENT, timeout=60_000)
        # The docent's JupyterLab has nbgrader's menu and the Create Assignment panel.
        page.goto(f"http://127.0.0.1:{port}/lab?reset&token={token}", wait_until="domcontentloaded")
        menubar = page.locator("#jp-menu-panel")
        expect(menubar.get_by_role("menuitem", name="Nbgrader", exact=True)).to_be_visible(timeout=60_000)
        expect(page.locator(".jp-SideBar .lm-TabBar-tab[title*='Create Assignment']")).to_have_count(1)
    except AssertionError:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "jupyterlab-docent.png"), full_page=True)
        raise
    finally:
        context.close()
        stop_lab(server)


def test_opening_and_saving_a_myst_page_in_the_lab_keeps_its_source(lab, lab_page):
    """A student opens journaal.md, runs nothing and saves: the MyST source stays byte for byte the same.

    Before, a save rewrote the header (jupytext's version numbers, the kernel's name). JupyterLab still marks
    the page as changed once the kernel reports its language; saving it changes nothing in the file.
    """
    page = lab_page
    folder = lab.root / "modules" / "zelfstudie"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "journaal.md"
    shutil.copy(REPO_ROOT / "modules" / "zelfstudie" / "journaal.md", target)
    for config in ("jupytext.toml",):  # the repository's own jupytext settings, as in a clone
        if (REPO_ROOT / config).exists():
            shutil.copy(REPO_ROOT / config, lab.root / config)
    before = target.read_bytes()
    lab.open(page, "modules/zelfstudie/journaal.md")
    lab.settle(page, "journaal.md")
    page.wait_for_timeout(1500)
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="journaal.md")
    page.locator(".jp-NotebookPanel:visible .jp-Notebook").click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "jp-mod-dirty" in (tab.get_attribute("class") or ""):
        time.sleep(0.2)
    page.wait_for_timeout(1000)
    after = target.read_bytes()
    if after != before:
        import difflib

        diff = "\n".join(
            difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0)
        )
        raise AssertionError(f"opslaan herschreef journaal.md:\n{diff[:3000]}")


def test_the_casus_index_notebook_shows_what_the_journal_says_was_played(lab, lab_page):
    """The Lab's casus index (casussen/notebooks/00-overzicht.ipynb): run it, see which casus you finished."""
    from activering.casus.overzicht import PLAYED
    from activering.casus.page import write_notebooks

    casussen = [load_casus_file(path) for path in casus_paths()]
    finished = casussen[-1]
    journal = Journal(lab.journal)
    run = journal.open_run(finished.slug)
    journal.record_choice(run, finished.beslissingen[0].id, [finished.beslissingen[0].opties[0].id])
    journal.finish_run(run)
    folder = lab.root / "casussen"  # as in the course: the casussen and, under them, their notebooks
    (folder / "notebooks").mkdir(parents=True)
    for path in casus_paths():
        shutil.copy(path, folder / path.name)
    write_notebooks(casussen, folder / "notebooks")
    lab.open(lab_page, "casussen/notebooks/00-overzicht.ipynb")
    run_all_cells(lab_page)
    table = lab_page.locator(".jp-OutputArea-output .casus-overzicht")
    table.wait_for(timeout=60_000)
    expect(table.locator(f"tr[data-casus='{finished.slug}'] td").nth(2)).to_have_text(PLAYED)
    others = [c.slug for c in casussen if c.slug != finished.slug and not journal.runs(c.slug)]
    assert others and table.locator(f"tr[data-casus='{others[0]}'] td").nth(2).inner_text() != PLAYED
    assert f"van de {len(casussen)} casussen tot het eind gespeeld" in table.inner_text()
