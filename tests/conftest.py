"""Shared fixtures: the built book (built once per test run) and a local web server for it.

Also the promise of the fast suite (`pytest -m "not slow"`): a test that is not marked ``slow`` may not
start a browser, a kernel, a JupyterHub, a sandbox or a book build. :func:`_fast_tests_stay_light`
makes such a start fail in an unmarked test, so the promise cannot quietly break.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from activering.chromium import CHROMIUM, LAUNCH_ARGS
from activering.paths import REPO_ROOT

BOOK_HTML = REPO_ROOT / "_build" / "html"

#: Fixtures that start a book build or a browser: only for tests marked ``slow``.
HEAVY_FIXTURES = {"book_build", "built_book", "book_server", "browser"}
#: Words in a command line that mean a heavy process: a kernel, a browser, a hub, a sandbox, a book build.
HEAVY_COMMANDS = (
    "jupyter-book",
    "jupyter_book",
    "ipykernel",
    "chromium",
    "jupyterhub",
    "jupyter-lab",
    "jupyter-server",
    "jupyter_server",
    "bwrap",
    "run-driver",
    "nbconvert",
    "configurable-http-proxy",
)


def pytest_collection_modifyitems(config, items) -> None:
    unmarked = [
        item.nodeid
        for item in items
        if HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("slow")
    ]
    if unmarked:
        raise pytest.UsageError(
            "Deze tests bouwen het boek of starten een browser maar zijn niet 'slow' gemarkeerd: " + ", ".join(unmarked)
        )


@pytest.fixture(autouse=True)
def _fast_tests_stay_light(request, monkeypatch):
    """In a test not marked ``slow``, starting a heavy process is an error."""
    if request.node.get_closest_marker("slow"):
        yield
        return
    original = subprocess.Popen.__init__

    def guarded(self, args, *rest, **kwargs):
        words = " ".join(map(str, args)) if isinstance(args, (list, tuple)) else str(args)
        heavy = [word for word in HEAVY_COMMANDS if word in words]
        if heavy:
            raise AssertionError(
                f"{request.node.nodeid} start '{heavy[0]}' ({words[:120]}) maar is niet als slow "
                "gemarkeerd; de snelle suite start geen kernel, browser, hub, sandbox of boekbouw."
            )
        original(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)
    yield


@pytest.fixture(scope="session")
def book_build() -> subprocess.CompletedProcess:
    """Build the book exactly as `make book` does: strict, warnings are errors.

    The execution cache in _build/.jupyter_cache keeps a rebuild after `make book` quick.
    """
    command = [sys.executable, "-m", "jupyter_book", "build", str(REPO_ROOT), "-W", "--keep-going"]
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    if jupyter_book.exists():
        command = [str(jupyter_book), "build", str(REPO_ROOT), "-W", "--keep-going"]
    lock_path = REPO_ROOT / "_build" / ".book-build.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        # Test workers share one _build: one builds, the other waits and then gets a quick cached rebuild.
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=1500)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_book(book_build) -> Path:
    """The HTML folder of a successful build; skips nothing: a failed build fails the test."""
    assert book_build.returncode == 0, (
        "jupyter-book build -W faalde:\n" + book_build.stdout[-6000:] + book_build.stderr[-4000:]
    )
    return BOOK_HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def book_server(built_book):
    """Serve the built book on 127.0.0.1 (a free port) for the browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium ontbreekt: `make test` installeert het Debian-pakket 'chromium' als root.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=LAUNCH_ARGS,
        )
        yield chromium
        chromium.close()
