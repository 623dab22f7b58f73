"""Synthetic caseload data: codebook, generator and a checked loader.

All data in this package is synthetic: fictional clients, klantmanagers and gemeenten. A trainer can
point the course at an anonymised export instead (``activering data gebruik``); then
:mod:`activering.data.beschikbaarheid` says which columns that export has and how precise they are.

The names below load on first use, so ``activering.data.databron`` (where the data are) can be used
without pandas — the book build needs only that. The generator is :mod:`activering.data.generate`.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "bekend": "beschikbaarheid",
    "beschikbaar": "beschikbaarheid",
    "heeft": "beschikbaarheid",
    "Codebook": "codebook",
    "load_codebook": "codebook",
    "DataFileError": "databron",
    "load_all": "loader",
    "load_table": "loader",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"activering.data.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'activering.data' has no attribute {name!r}")
