"""Which data the course uses: the synthetic set, or a trainer's own anonymised export.

``activering data gebruik MAP`` writes a small pointer file (:data:`POINTER_FILE`, in the course
folder, not in git) with the folder of the converted data; :func:`data_dir` reads it, so ``load_table`` and every chart in the book use that folder. ``activering data
gebruik --synthetisch`` removes the pointer again. $ACTIVERING_DATA_DIR still wins over the pointer.
$ACTIVERING_DATABRON names another pointer file (tests use it to keep their choice to themselves).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from activering.files import write_atomic
from activering.paths import REPO_ROOT

POINTER_FILE = REPO_ROOT / ".databron.yml"
POINTER_ENV = "ACTIVERING_DATABRON"
ENV_VAR = "ACTIVERING_DATA_DIR"
DEFAULT_DATA_DIR = REPO_ROOT / "data"


def pointer_file() -> Path:
    """Where the choice is kept: $ACTIVERING_DATABRON, else :data:`POINTER_FILE`."""
    return Path(os.environ.get(POINTER_ENV) or POINTER_FILE)


class DatabronError(ValueError):
    """The pointer file names a folder that is gone or is not readable."""


def active_data_dir() -> Path | None:
    """The folder named in the pointer file, or None when the synthetic data are in use."""
    pointer = pointer_file()
    if not pointer.exists():
        return None
    try:
        raw = yaml.safe_load(pointer.read_text(encoding="utf-8")) or {}
        folder = Path(raw["data_dir"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise DatabronError(
            f"{pointer.name}: onleesbaar ({error}); zet terug met `activering data gebruik --synthetisch`"
        ) from None
    if not folder.is_dir():
        raise DatabronError(
            f"{pointer.name}: de gekozen datamap {folder} bestaat niet meer; "
            "zet terug met `activering data gebruik --synthetisch`"
        )
    return folder


def set_active(folder: Path, source: str) -> None:
    text = yaml.safe_dump(
        {"data_dir": str(Path(folder).resolve()), "bron": source}, allow_unicode=True, sort_keys=False
    )
    write_atomic(
        pointer_file(),
        "# Gekozen door `activering data gebruik`; verwijder dit bestand (of gebruik --synthetisch) "
        "om terug te gaan naar de synthetische data.\n" + text,
    )


def reset() -> bool:
    """Back to the synthetic data; True when a pointer was removed."""
    pointer = pointer_file()
    if pointer.exists():
        pointer.unlink()
        return True
    return False


class DataFileError(ValueError):
    """A data file does not match the codebook."""

    def __init__(self, path: Path, problem: str, column: str | None = None, line: int | None = None) -> None:
        self.path, self.column, self.line, self.problem = Path(path), column, line, problem
        where = f"{self.path.name}"
        if column is not None:
            where += f", kolom '{column}'"
        if line is not None:
            where += f", regel {line}"
        super().__init__(f"{where}: {problem}")


def data_dir(path: Path | str | None = None) -> Path:
    """The data folder: the argument, else $ACTIVERING_DATA_DIR, else the folder chosen with
    ``activering data gebruik`` (see :mod:`activering.data.databron`), else the repository's data/."""
    if path is not None:
        return Path(path)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return active_data_dir() or DEFAULT_DATA_DIR
