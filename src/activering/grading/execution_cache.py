"""Execute once in a worker, replay in nbgrader's own run in the main process.

``CachingExecute`` is nbgrader's (sandboxed) Execute preprocessor with a content-addressed
cache: in *record* mode (worker) it executes the notebook and stores the executed notebook —
or the error that stopped execution — under a key made of the exact notebook that reached
the Execute step and the working directory the kernel sees. In *replay* mode (main process)
nbgrader's Autograde converter reaches the same step with the same notebook, finds the key
and gets the executed notebook (or the same error) back without starting a kernel. A cache
miss simply executes, exactly as plain ``nbgrader autograde`` would.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import nbformat
from traitlets import Unicode

from activering.files import write_atomic
from activering.grading.sandbox import SandboxedExecute, visible_path


class ReplayedExecutionError(RuntimeError):
    """The recorded execution of this notebook failed (e.g. the kernel died)."""


def cache_key(nb, resources) -> str:
    path = (resources or {}).get("metadata", {}).get("path") or os.getcwd()
    digest = hashlib.sha256()
    digest.update(str(visible_path(Path(path))).encode())
    digest.update(b"\0")
    digest.update(nbformat.writes(nb).encode())
    return digest.hexdigest()


class CachingExecute(SandboxedExecute):
    cache_dir = Unicode("", help="Folder of the execution cache.").tag(config=True)
    cache_mode = Unicode("off", help="'record', 'replay' or 'off'.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        if self.cache_mode == "off" or not self.cache_dir:
            return super().preprocess(nb, resources, km=km)
        folder = Path(self.cache_dir)
        key = cache_key(nb, resources)
        path = folder / f"{key}.json"
        if self.cache_mode == "replay" and path.exists():
            record = json.loads(path.read_text(encoding="utf-8"))
            if record.get("error"):
                raise ReplayedExecutionError(record["error"])
            return nbformat.from_dict(record["notebook"]), resources
        try:
            nb, resources = super().preprocess(nb, resources, km=km)
        except Exception as exc:
            if self.cache_mode == "record":
                _write(path, {"error": f"{type(exc).__name__}: {exc}"})
            raise
        if self.cache_mode == "record":
            _write(path, {"notebook": nb})
        return nb, resources


def _write(path: Path, record: dict) -> None:
    write_atomic(path, json.dumps(record))
