"""Time from opening a casus notebook in JupyterLab to the first decision being shown.

Starts JupyterLab on 127.0.0.1 (token, temporary folder and journal), opens a casus notebook in
Debian's Chromium (Playwright), runs it with Run > Run All Cells and waits for "Beslissing 1" in the
widget. Reports, per run and as a median:

- openen:  from loading the notebook URL until its kernel is idle;
- starten: from Run All Cells until the first decision is on screen;
- totaal:  the two together, what the student waits for.

For comparison it also reports how long the kernel-side code alone takes in a fresh Python
(`from activering.casus import speel; speel(...)`), so the browser's share is visible.

Run: `uv run python bench/lab.py [--runs 3]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from activering.casus.load import casus_paths, load_casus_file
from activering.casus.page import notebook_json
from activering.chromium import CHROMIUM, LAUNCH_ARGS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_lab(base: Path) -> tuple[subprocess.Popen, str, str]:
    port, token = free_port(), secrets.token_hex(16)
    settings = base / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = dict(
        os.environ,
        ACTIVERING_JOURNAL=str(base / "journaal.sqlite"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
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
        f"--ServerApp.root_dir={base / 'werkmap'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={base / 'settings'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(
        command, cwd=base / "werkmap", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                return server, url, token
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("JupyterLab startte niet")


def kernel_idle(url: str, token: str, notebook: str) -> bool:
    with urllib.request.urlopen(f"{url}/api/sessions?token={token}", timeout=5) as response:
        sessions = json.load(response)
    return any(
        s["path"].endswith(notebook) and (s.get("kernel") or {}).get("execution_state") == "idle" for s in sessions
    )


def one_run(browser, url: str, token: str, notebook: str) -> tuple[float, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(f"{url}/lab/tree/{notebook}?reset&token={token}", wait_until="domcontentloaded")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    dialog = page.locator(".jp-Dialog").filter(has_text="Select Kernel")
    while not kernel_idle(url, token, notebook):
        if dialog.is_visible():
            dialog.get_by_role("button", name="Select", exact=True).click()
        time.sleep(0.05)
    opened = time.perf_counter()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    page.locator(".jp-OutputArea-output .widget-vbox").first.get_by_role("heading", name="Beslissing 1").wait_for(
        timeout=120_000
    )
    shown = time.perf_counter()
    # Shut the kernel down so the next run starts a fresh one, as a student opening the notebook does.
    with urllib.request.urlopen(f"{url}/api/sessions?token={token}", timeout=5) as response:
        for session in json.load(response):
            request = urllib.request.Request(f"{url}/api/sessions/{session['id']}?token={token}", method="DELETE")
            urllib.request.urlopen(request, timeout=10).close()
    context.close()
    return opened - start, shown - opened


def kernel_side(slug: str, journal: Path) -> float:
    code = (
        f"import time; t = time.perf_counter(); from activering.casus import speel; speel({slug!r}); "
        "print(time.perf_counter() - t)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, ACTIVERING_JOURNAL=str(journal)),
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    casus = load_casus_file(casus_paths()[0])
    notebook = f"{casus.slug}.ipynb"
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="lab-bench-") as folder:
        base = Path(folder)
        (base / "werkmap").mkdir()
        (base / "werkmap" / notebook).write_text(json.dumps(notebook_json(casus), ensure_ascii=False))
        server, url, token = start_lab(base)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                runs = [one_run(browser, url, token, notebook) for _ in range(args.runs)]
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=15)
        kernel = [kernel_side(casus.slug, base / "los.sqlite") for _ in range(args.runs)]

    print(f"Casus '{casus.slug}' in JupyterLab, {args.runs} keer (Chromium, 127.0.0.1):")
    for i, (opened, shown) in enumerate(runs, 1):
        print(f"  run {i}: openen {opened:5.1f} s, starten {shown:5.1f} s, totaal {opened + shown:5.1f} s")
    med = lambda xs: statistics.median(xs)  # noqa: E731
    print(
        f"  mediaan: openen {med([o for o, _ in runs]):.1f} s, starten {med([s for _, s in runs]):.1f} s, "
        f"totaal (openen tot eerste beslissing) {med([o + s for o, s in runs]):.1f} s"
    )
    print(f"  ter vergelijking, alleen de Python-kant (import + speel) in een verse Python: {med(kernel):.1f} s")


if __name__ == "__main__":
    main()
