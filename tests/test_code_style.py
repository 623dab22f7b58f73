"""The code passes ruff (lint and format check) as configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from activering.paths import REPO_ROOT


def _ruff() -> str:
    found = Path(sys.executable).with_name("ruff")
    if found.exists():
        return str(found)
    which = shutil.which("ruff")
    if not which:
        pytest.fail("ruff ontbreekt: `uv sync` installeert het (dev-groep in pyproject.toml).")
    return which


@pytest.mark.parametrize(
    "command", [["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]], ids=["lint", "format"]
)
def test_ruff(command):
    result = subprocess.run([_ruff(), *command], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"ruff {' '.join(command)}:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"


@pytest.mark.parametrize(
    "command",
    [
        ["python", "-m", "ipykernel_launcher", "-f", "x.json"],
        ["/usr/bin/chromium", "--headless"],
        ["jupyter-book", "build", "."],
        ["jupyterhub", "-f", "c.py"],
        "bwrap --unshare-all true",
    ],
)
def test_fast_suite_cannot_start_heavy_processes(command):
    """The guard in conftest.py: an unmarked test that starts a kernel, browser, book build, hub or sandbox fails."""
    with pytest.raises(AssertionError, match="niet als slow gemarkeerd"):
        subprocess.Popen(command, shell=isinstance(command, str))


def test_fast_suite_still_runs_light_processes():
    result = subprocess.run([sys.executable, "-c", "print('licht')"], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "licht"
