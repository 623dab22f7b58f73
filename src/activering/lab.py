"""``activering lab``: JupyterLab on the course, as a student (default) or as a docent (``--docent``).

One definition of how the course's Lab starts, used by ``make lab``, ``make lab-docent`` and the tests.
The settings themselves are files in the repository, put on ``JUPYTER_CONFIG_PATH``:

- ``grading/jupyterlab/``: everyone. Dutch interface, no news question or update check, a MyST page
  (``.md``) opens as a notebook on a double click (jupytext), MyST rendered in Markdown cells.
- ``grading/jupyterhub/student/``: students only. The docent's nbgrader panels and menu are off (the
  hub's student servers use the same folder).

The docent's Lab starts in the nbgrader course folder (``exercises/``), so the formgrader finds the
course's ``nbgrader_config.py`` and lists the assignments.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from activering.paths import REPO_ROOT

LAB_CONFIG = REPO_ROOT / "grading" / "jupyterlab"
STUDENT_CONFIG = REPO_ROOT / "grading" / "jupyterhub" / "student"
COURSE_DIR = REPO_ROOT / "exercises"

#: ``activering lab … -- --ServerApp.port=8890``: everything after ``--`` goes to JupyterLab as is.
CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def config_path(docent: bool = False) -> list[Path]:
    """The course's Jupyter config folders for this role, most specific first."""
    return [LAB_CONFIG] if docent else [STUDENT_CONFIG, LAB_CONFIG]


def lab_command(folder: Path, docent: bool = False, extra: list[str] | tuple[str, ...] = ()) -> tuple[list[str], dict]:
    """The command line and the environment variables that start the course's JupyterLab on ``folder``."""
    found = Path(sys.executable).with_name("jupyter-lab")
    argv = [str(found) if found.exists() else "jupyter-lab", f"--ServerApp.root_dir={folder}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers and CI runners often run as root
    argv += list(extra)
    paths = [str(p) for p in config_path(docent)]
    if os.environ.get("JUPYTER_CONFIG_PATH"):
        paths.append(os.environ["JUPYTER_CONFIG_PATH"])
    return argv, {"JUPYTER_CONFIG_PATH": os.pathsep.join(paths)}


def start(
    ctx: typer.Context,
    docent: bool = typer.Option(
        False, "--docent", help="Start als docent in de cursusmap (exercises/), met de formgrader van nbgrader."
    ),
    map_: Path = typer.Option(
        None,
        "--map",
        help="De map die JupyterLab toont (standaard: de cursus; met --docent: exercises/).",
        show_default=False,
    ),
) -> None:
    """Start JupyterLab op de cursus: Nederlands, en voor studenten zonder de docentpanelen van nbgrader.

    Wat na -- staat, gaat ongewijzigd naar JupyterLab (bijvoorbeeld: -- --no-browser).
    """
    folder = (map_ or (COURSE_DIR if docent else REPO_ROOT)).resolve()
    if not folder.is_dir():
        typer.echo(f"{folder}: deze map bestaat niet.", err=True)
        raise typer.Exit(1)
    argv, env = lab_command(folder, docent, ctx.args)
    os.chdir(folder)  # nbgrader reads nbgrader_config.py from the folder it starts in
    try:
        os.execvpe(argv[0], argv, {**os.environ, **env})
    except OSError as error:
        typer.echo(f"{argv[0]}: JupyterLab start niet ({error.strerror}).", err=True)
        raise typer.Exit(1) from None


JUPYTEXT_CONFIG = REPO_ROOT / "jupytext.toml"


def myst_pages(root: Path = REPO_ROOT) -> list[Path]:
    """The course's MyST pages that JupyterLab opens as notebooks (a jupytext header), outside build output."""
    skip = {"_build", ".venv", "node_modules", "gegenereerd", ".git"}
    return sorted(
        path
        for path in root.rglob("*.md")
        if not skip & set(path.relative_to(root).parts)
        and path.read_text(encoding="utf-8").startswith("---\njupytext:")
    )


def saved_form(text: str) -> str:
    """A MyST page as JupyterLab writes it back after opening it, unchanged, with the course's kernel.

    jupytext writes with the settings in ``jupytext.toml``; the kernel's name and language are those of the
    installed ``python3`` kernel, which JupyterLab puts into the page's metadata when the kernel starts.
    """
    import jupytext
    from jupyter_client.kernelspec import get_kernel_spec
    from jupytext.config import load_jupytext_configuration_file

    spec = get_kernel_spec("python3")
    notebook = jupytext.reads(text, fmt="md:myst")
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": spec.display_name, "language": spec.language}
    fmt = {"extension": ".md", "format_name": "myst"}
    load_jupytext_configuration_file(str(JUPYTEXT_CONFIG)).set_default_format_options(fmt)
    return jupytext.writes(notebook, fmt=fmt)


if __name__ == "__main__":  # python -m activering.lab: put every MyST page in the form JupyterLab saves
    from activering.files import write_atomic

    for page in myst_pages():
        before = page.read_text(encoding="utf-8")
        after = saved_form(before)
        if after != before:
            write_atomic(page, after)
            print(f"{page.relative_to(REPO_ROOT)}: bijgewerkt")
