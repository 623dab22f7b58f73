"""Debian's Chromium, driven by Playwright: the one place that finds it, launches it and runs a job in it.

The package prints PDFs with it (the portfolio, the whole book). No browser is downloaded.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: The flags every launch uses (PDFs, tests, benchmarks): no sandbox (containers), no GPU, nothing fetched.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = "Chromium ontbreekt; installeer het Debian-pakket 'chromium' (sudo apt-get install chromium)."

T = TypeVar("T")


def available() -> bool:
    return Path(CHROMIUM).exists()


def run_in_browser(job: Callable[[object], T], name: str) -> T:
    """Launch Chromium, run ``job(browser)`` and return its result; the browser is closed afterwards.

    Runs in a thread of its own, so it also works where an asyncio loop is running (a Jupyter kernel, a
    Sphinx build, next to another Playwright session), which Playwright's sync API does not allow. An
    exception from the job is raised here, in the caller's thread.
    """
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                try:
                    result.append(job(browser))
                finally:
                    browser.close()
        except BaseException as error:  # handed to the caller below
            failure.append(error)

    worker = threading.Thread(target=run, name=name)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return result[0]
