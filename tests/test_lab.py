"""``activering lab``: how the course's JupyterLab starts (without starting it).

tests/test_jupyterlab.py starts it for real, in Chromium; here: the settings files, the command line
and the hub using the same folders.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace

from traitlets.config.loader import PyFileConfigLoader
from typer.testing import CliRunner

from activering import lab
from activering.cli import app
from activering.paths import REPO_ROOT


def test_the_settings_are_valid_json_for_existing_plugins():
    overrides = json.loads((lab.LAB_CONFIG / "settings" / "overrides.json").read_text(encoding="utf-8"))
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    if schemas.is_dir():  # the installed JupyterLab knows every plugin named here
        for plugin in overrides:
            package, _, name = plugin.rpartition(":")
            assert (schemas / package / f"{name}.json").is_file(), plugin
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "nl_NL"
    page = json.loads((lab.STUDENT_CONFIG / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    assert {"@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:menu"} <= set(page["disabledExtensions"])


def test_student_and_docent_get_their_config_folders(monkeypatch):
    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    argv, env = lab.lab_command(REPO_ROOT, extra=["--no-browser"])
    assert argv[-1] == "--no-browser" and f"--ServerApp.root_dir={REPO_ROOT}" in argv
    assert ("--allow-root" in argv) == (os.geteuid() == 0)
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(lab.STUDENT_CONFIG), str(lab.LAB_CONFIG)]
    _, env = lab.lab_command(lab.COURSE_DIR, docent=True)
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(lab.LAB_CONFIG)]


def test_the_hub_uses_the_same_lab_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTIVERING_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("NBGRADER_EXCHANGE_ROOT", str(tmp_path / "exchange"))
    hub = REPO_ROOT / "grading" / "jupyterhub"
    config = PyFileConfigLoader("jupyterhub_config.py", str(hub)).load_config()
    config_path = config.Spawner.environment["JUPYTER_CONFIG_PATH"]
    for name, docent in (("docent", True), ("student1", False)):
        spawner = SimpleNamespace(user=SimpleNamespace(name=name, groups=[]))
        folders = config_path(spawner).split(os.pathsep)
        assert [f for f in folders if f != str(hub)] == [str(p) for p in lab.config_path(docent)], name


def test_a_missing_folder_is_one_dutch_line(tmp_path):
    result = CliRunner().invoke(app, ["lab", "--map", str(tmp_path / "weg")])
    assert result.exit_code == 1
    assert "deze map bestaat niet" in result.output
    assert "Traceback" not in result.output


def test_saving_keeps_no_version_numbers_and_the_kernel_the_lab_uses():
    import jupytext
    from jupyter_client.kernelspec import get_kernel_spec

    old = "---\njupytext:\n  text_representation: {extension: .md, format_name: myst}\nkernelspec: {name: python3, display_name: Python 3}\n---\n\n# Kop\n\n```{code-cell} ipython3\nx = 1\n```\nTekst.\n"
    saved = lab.saved_form(old)
    assert "jupytext_version" not in saved and "format_version" not in saved
    assert get_kernel_spec("python3").display_name in saved
    assert lab.saved_form(saved) == saved  # a second save changes nothing
    again = jupytext.reads(saved, fmt="md:myst")
    assert [c.cell_type for c in again.cells] == ["markdown", "code", "markdown"]
    assert again.cells[1].source == "x = 1"


def test_every_myst_page_is_already_in_the_form_the_lab_saves():
    """Opening a page in JupyterLab and saving it changes nothing (tests/test_jupyterlab.py does it for real).

    The oracle is jupytext itself with the repository's jupytext.toml and the installed kernel.
    """
    pages = lab.myst_pages()
    names = {p.relative_to(REPO_ROOT).as_posix() for p in pages}
    assert {"modules/zelfstudie/journaal.md", "modules/04-sancties/index.md"} <= names, names
    changed = [
        p.relative_to(REPO_ROOT).as_posix()
        for p in pages
        if lab.saved_form(p.read_text("utf-8")) != p.read_text("utf-8")
    ]
    assert not changed, (
        "JupyterLab zou deze pagina's bij opslaan herschrijven: "
        + ", ".join(changed)
        + " (los op met: uv run --frozen python -m activering.lab)"
    )
