"""Hostile submissions against the grading pipeline (issue 15).

One temporary course with the fixture assignment, whose hidden tests also define a value that
only they know. Every probe in ``synthetic.LEAK_PROBES`` tries to carry hidden-test source or
that value into the student's feedback page and into nbgrader's own feedback (the notebook that
goes back to the student on the hub); other submissions try the network, other students'
files, writing outside the work folder, background processes, forking and the environment.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from activering.grading.config import Course
from activering.paths import REPO_ROOT

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "grading"
sys.path.insert(0, str(FIXTURE))
import synthetic  # noqa: E402

# Hostile submissions graded in the sandbox (module fixtures start kernels): not for the fast suite.
pytestmark = pytest.mark.slow

ASSIGNMENT = "oefening"
SECRET = "VERBORGEN-WAARDE-X7Q"
HIDDEN_TEXT = ["('C', 4)", "BEGIN HIDDEN", "aantal_per_trede([])", "(('A', 2)", SECRET, "_geheim_verborgen"]


def _forbidden(text: str) -> list[str]:
    """Hidden-test text or value in ``text``, plainly or hex-encoded (as the probes print it)."""
    found = []
    for marker in HIDDEN_TEXT:
        if marker in text or html.escape(marker) in text or html.escape(marker, quote=False) in text:
            found.append(marker)
        if marker.encode().hex() in text:
            found.append(f"hex({marker})")
    return found


def _add_secret(source_nb: Path) -> None:
    """A hidden test that defines a value only it knows (built at run time, so not in the source),
    and an answer cell after the test cell, as in the course's real assignments."""
    nb = nbformat.read(str(source_nb), as_version=4)
    cell = synthetic._by_id(nb, "test_telling")
    answer = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nextra = 1\n### END SOLUTION\nextra")
    answer.metadata["nbgrader"] = {
        "grade": False,
        "grade_id": synthetic.AFTER_TEST,
        "locked": False,
        "schema_version": 3,
        "solution": True,
        "task": False,
    }
    visible = nbformat.v4.new_code_cell('assert extra == 1, "extra moet 1 zijn"')
    visible.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "test_zichtbaar",
        "locked": True,
        "points": 1,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    nb.cells.insert(nb.cells.index(cell) + 1, answer)
    nb.cells.insert(nb.cells.index(answer) + 1, visible)
    cell.source = cell.source.replace(
        "### BEGIN HIDDEN TESTS\n", "### BEGIN HIDDEN TESTS\n_geheim_verborgen = 'VERBORGEN-' + 'WAARDE-' + 'X7Q'\n"
    )
    assert "_geheim_verborgen" in cell.source
    nbformat.write(nb, str(source_nb))


# Other hostile kinds: code for the answer cell (the answer itself stays correct, so they score 3).
NETWORK = (
    synthetic.CORRECT
    + """
import socket, urllib.request
pogingen = []
for adres in [("127.0.0.1", {port}), ("localhost", {port})]:
    try:
        socket.create_connection(adres, timeout=2).sendall(b"LEK via netwerk")
        pogingen.append("gelukt")
    except OSError as exc:
        pogingen.append(type(exc).__name__)
print("netwerk:", pogingen)
"""
)

OTHERS = (
    synthetic.CORRECT
    + """
import glob, os
buit = []
for patroon in ["../*/*.ipynb", "../../*/*/*.ipynb", "/tmp/**/*.ipynb", "/tmp/**/*.db", "/proc/*/cwd/*.ipynb",
                "/proc/*/root/tmp/**/*.ipynb", "/proc/*/root/tmp/**/*.db", "/proc/*/root/{course}/**/*.ipynb"]:
    buit += [p for p in glob.glob(patroon, recursive=True)[:50] if os.path.isfile(p)]
print("buit:", buit)
"""
)

ESCAPE = (
    synthetic.CORRECT
    + """
import os, subprocess
schrijfpogingen = []
for pad in ["{outside}", os.path.expanduser("~/.bashrc-lek"), "/usr/lek", "../../lek.txt", "/proc/1/root/tmp/lek"]:
    try:
        with open(pad, "w") as fh:
            fh.write("lek")
        schrijfpogingen.append(pad)
    except OSError:
        pass
# a background process that outlives the cell and the kernel, and a fork that keeps running
subprocess.Popen(["sh", "-c", "sleep 600; echo laat > {outside}.laat"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    import time
    time.sleep(600)
    os._exit(0)
print("geschreven:", schrijfpogingen)
"""
)

ENVIRONMENT = (
    synthetic.CORRECT
    + """
import os
omgeving = dict(os.environ)
print("omgeving:", sorted(omgeving))
print("bevat geheim:", any("{secret_env}" in v for v in omgeving.values()))
"""
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The course graded with every probe and hostile kind; the listener counts network contact."""
    from activering.grading.autograde import nakijken
    from activering.grading.nbapi import nbgrader_api
    from activering.grading.release import vrijgeven

    root = tmp_path_factory.mktemp("vijandig")
    (root / "exercises" / "source").mkdir(parents=True)
    shutil.copytree(FIXTURE / "source" / ASSIGNMENT, root / "exercises" / "source" / ASSIGNMENT)
    shutil.copytree(FIXTURE / "grading", root / "grading")
    shutil.copy(REPO_ROOT / "exercises" / "nbgrader_config.py", root / "exercises" / "nbgrader_config.py")
    _add_secret(root / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    course = Course.at(root / "exercises", root / "grading")
    vrijgeven(ASSIGNMENT, course)
    release_nb = course.folder("release") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    submitted = course.folder("submitted")

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    contacts: list[bytes] = []
    stop = threading.Event()

    def listen():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    contacts.append(conn.recv(1000))
                except OSError:
                    contacts.append(b"")

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()

    for probe in synthetic.LEAK_PROBES:
        synthetic.leak_submission(probe, release_nb, submitted / f"lek-{probe.lower().strip('_')}" / ASSIGNMENT)
    outside = root / "buiten-de-werkmap.txt"
    secret_env = "GEHEIM-IN-OMGEVING-5512"
    os.environ["ACTIVERING_TEST_GEHEIM"] = secret_env
    kinds = {
        "netwerk": NETWORK.replace("{port}", str(listener.getsockname()[1])),
        "andermans-bestanden": OTHERS.replace("{course}", str(course.course_dir).lstrip("/")),
        "ontsnapping": ESCAPE.replace("{outside}", str(outside)),
        "omgeving": ENVIRONMENT.replace("{secret_env}", secret_env),
    }
    for sid, code in kinds.items():
        path = synthetic.make_submission("correct", release_nb, submitted / sid / ASSIGNMENT)
        nb = nbformat.read(str(path), as_version=4)
        synthetic._by_id(nb, "antwoord_telling").source = code
        nbformat.write(nb, str(path))
    synthetic.make_submission("correct", release_nb, submitted / "correct" / ASSIGNMENT)
    # hidden data spelled out bit by bit through which cells hit the memory limit
    path = synthetic.leak_submission("In", release_nb, submitted / "geheugenbits" / ASSIGNMENT)
    nb = nbformat.read(str(path), as_version=4)
    for bit in range(8):
        nb.cells.append(
            nbformat.v4.new_code_cell(
                f"if (sum(map(ord, str(gevangen))) >> {bit}) & 1:\n    raise MemoryError('bit {bit}')"
            )
        )
    nbformat.write(nb, str(path))
    # a visible test that fails with its own message; a hidden test that fails (empty caseload)
    fails_on_empty = synthetic.CORRECT.replace(
        "    telling = {}", '    if not caseload:\n        raise ValueError("leeg")\n    telling = {}'
    )
    for sid, code, extra in (
        ("zichtbaar-fout", synthetic.CORRECT, "extra = 2"),
        ("verborgen-fout", fails_on_empty, "extra = 1"),
    ):
        path = synthetic.make_submission("correct", release_nb, submitted / sid / ASSIGNMENT)
        nb = nbformat.read(str(path), as_version=4)
        synthetic._by_id(nb, "antwoord_telling").source = code
        synthetic._by_id(nb, synthetic.AFTER_TEST).source = extra
        nbformat.write(nb, str(path))
    try:
        run = nakijken(ASSIGNMENT, course, workers=2)
    finally:
        os.environ.pop("ACTIVERING_TEST_GEHEIM", None)
        time.sleep(0.5)
        stop.set()
        thread.join(5)
        listener.close()
    api = nbgrader_api(course)
    nbgrader_pages = {}
    for sid in sorted(p.name for p in submitted.iterdir()):
        api.generate_feedback(ASSIGNMENT, sid, force=True)
        page = course.folder("feedback") / sid / ASSIGNMENT / f"{ASSIGNMENT}.html"
        nbgrader_pages[sid] = page.read_text(encoding="utf-8") if page.exists() else ""
        if page.exists():
            page.unlink()  # our own page has the same name; it is written next
    from activering.grading.feedback_html import feedback

    ours = {sid: p.read_text(encoding="utf-8") for sid, p in feedback(ASSIGNMENT, course).items()}
    return {
        "course": course,
        "run": run,
        "ours": ours,
        "nbgrader": nbgrader_pages,
        "contacts": contacts,
        "outside": outside,
        "by_student": {s.student: s for s in run.graded},
    }


@pytest.mark.parametrize("probe", sorted(synthetic.LEAK_PROBES))
def test_no_hidden_test_reaches_the_student(hostile, probe):
    sid = f"lek-{probe.lower().strip('_')}"
    status = hostile["by_student"][sid]
    assert status.autoscore == 3.0, status  # the traps do not change the score
    ours, theirs = hostile["ours"][sid], hostile["nbgrader"][sid]
    assert ours and theirs
    leaks = {"feedbackpagina": _forbidden(ours), "nbgrader-feedback": _forbidden(theirs)}
    assert leaks == {"feedbackpagina": [], "nbgrader-feedback": []}, leaks


def test_probes_did_catch_hidden_tests(hostile):
    """The probes work: the docent's autograded notebook (not returned to students) shows the catch."""
    course = hostile["course"]
    caught = set()
    for probe in synthetic.LEAK_PROBES:
        sid = f"lek-{probe.lower().strip('_')}"
        path = course.folder("autograded") / sid / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        text = json.dumps(json.loads(path.read_text())["cells"][5:])  # cells after the test cell
        if _forbidden(text):
            caught.add(probe)
    assert {"In", "_ih", "inspect", "history", "globals"} <= caught, caught


def _test_block(page: str, grade_id: str) -> str:
    start = page.index(f"<strong>Test {grade_id}</strong>")
    return page[start : page.index("</div>", start)]


def test_no_hidden_test_note_under_visible_tests(hostile):
    """Only a test cell that has hidden tests says that their details are not shown; a visible
    test shows its own assert message."""
    by = hostile["by_student"]
    assert by["zichtbaar-fout"].autoscore == 3.0 and by["verborgen-fout"].autoscore == 1.0
    visible = _test_block(hostile["ours"]["zichtbaar-fout"], "test_zichtbaar")
    assert "AssertionError" in visible and "extra moet 1 zijn" in visible
    assert "Details van verborgen tests" not in visible
    assert "Details van verborgen tests" not in _test_block(hostile["ours"]["lek-in"], "test_zichtbaar")
    hidden = _test_block(hostile["ours"]["verborgen-fout"], "test_telling")
    assert "0 van 3 punten" in hidden and "ValueError" in hidden and "Details van verborgen tests" in hidden
    assert "leeg" not in hidden  # the message comes from the student's code run by a hidden test
    assert "Details van verborgen tests" not in _test_block(hostile["ours"]["correct"], "test_telling")


def test_network_is_cut_and_flagged(hostile):
    status = hostile["by_student"]["netwerk"]
    assert hostile["contacts"] == []
    assert status.autoscore == 3.0
    assert any("netwerk" in s for s in status.signalen), status.signalen
    assert not any("netwerk" in s for s in hostile["by_student"]["correct"].signalen)
    # the student chooses the address, so it never appears in what the student reads
    probe = hostile["by_student"]["lek-netwerkadres"]
    signals = [s for s in probe.signalen if "netwerk" in s]
    assert signals and not any("127.0.0.1" in s or "::" in s or "socket" in s for s in signals + status.signalen)
    log = (hostile["course"].status_dir / "fouten.log").read_text(encoding="utf-8")
    assert "lek-netwerkadres" in log and "socket.sendto" in log  # the docent has the details


def test_other_students_and_outside_are_out_of_reach(hostile):
    course = hostile["course"]
    text = json.dumps(
        json.loads(
            (course.folder("autograded") / "andermans-bestanden" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
        )
    )
    assert "buit: []" in text, text[-2000:]
    # writes land in the sandbox's own throw-away folders, never in the real file system
    assert not hostile["outside"].exists()
    assert not (course.course_dir / "lek.txt").exists() and not (course.folder("submitted") / "lek.txt").exists()
    env = json.dumps(
        json.loads((course.folder("autograded") / "omgeving" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    )
    assert "bevat geheim: False" in env and "ACTIVERING_TEST_GEHEIM" not in env
    for sid in ("andermans-bestanden", "ontsnapping", "omgeving"):
        assert hostile["by_student"][sid].autoscore == 3.0


def test_background_processes_do_not_outlive_the_kernel(hostile):
    """The ontsnapping student left a sleeping process and a fork: both died with the sandbox."""
    leftovers = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"sleep 600; echo laat" in cmdline:
            leftovers.append(pid)
    assert leftovers == []
    time.sleep(0.1)
    assert not Path(str(hostile["outside"]) + ".laat").exists()


PLANT = r"""
import os, subprocess
for path in ["/tmp/spoor", "/dev/shm/spoor", "../../spoor", "../spoor"]:
    try:
        with open(path, "w") as fh:
            fh.write("van student A")
    except OSError as exc:
        print("niet geschreven", path, exc)
os.makedirs("/tmp/dicht/binnen", exist_ok=True)
open("/tmp/dicht/binnen/spoor", "w").write("A")
os.chmod("/tmp/dicht/binnen", 0)
os.chmod("/tmp/dicht", 0)
subprocess.Popen(["sh", "-c", "sleep 300 # achterblijver"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    import time
    time.sleep(300)
    os._exit(0)
print("A klaar", os.getpid())
"""

HARVEST = r"""
import os, glob
sporen = [p for p in ["/tmp/spoor", "/dev/shm/spoor", "../../spoor", "../spoor", "/tmp/dicht"] if os.path.exists(p)]
sporen += glob.glob("/tmp/**/spoor", recursive=True) + glob.glob("../../**/spoor", recursive=True)
processen = []
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            processen.append(open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode())
        except OSError:
            pass
achterblijvers = [p for p in processen if "achterblijver" in p or p.startswith("sleep")]
geheugen = []
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        try:
            with open(f"/proc/{pid}/mem", "rb") as fh:
                geheugen.append(pid)
        except OSError:
            pass
print("sporen", sporen, "achterblijvers", achterblijvers, "geheugen", geheugen)
"""


def test_zygote_kernels_share_nothing():
    """Kernels forked one after another from the same zygote: the second finds nothing of the first
    (files in /tmp, /dev/shm or the shared folder, locked folders, background processes), and cannot
    open the memory of the zygote or any other process."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    from activering.grading.sandbox import SandboxKernelManager, stop_zygote

    cfg = Config()
    cfg.SandboxKernelManager.zygote = True
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"zygote-test-{os.getpid()}"
    work.mkdir(exist_ok=True)
    outputs = []
    try:
        for code in (PLANT, HARVEST):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
            client = NotebookClient(
                nb,
                kernel_manager_class=SandboxKernelManager,
                config=cfg,
                timeout=120,
                kernel_name="python3",
                resources={"metadata": {"path": str(work)}},
                shutdown_kernel="immediate",
            )
            client.execute()
            outputs.append("".join(o.get("text", "") for o in nb.cells[0].outputs))
    finally:
        stop_zygote()
        shutil.rmtree(work, ignore_errors=True)
    assert "A klaar" in outputs[0], outputs[0]
    assert "sporen [] achterblijvers [] geheugen []" in outputs[1], outputs[1]


def test_which_late_cell_failed_is_not_told(hostile):
    """Which cells after a hidden test hit the memory limit is not told: at most one signal per kind."""
    status = hostile["by_student"]["geheugenbits"]
    memory = [s for s in status.signalen if "geheugenlimiet" in s]
    assert len(memory) == 1 and "na de verborgen tests" in memory[0], status.signalen
    page = hostile["ours"]["geheugenbits"]
    assert not any(f"bit {i}" in page for i in range(8)) and "/cel " not in " ".join(status.signalen)
