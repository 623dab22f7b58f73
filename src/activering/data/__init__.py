"""Synthetic caseload data: codebook, generator and a checked loader.

All data in this package is synthetic: fictional clients, klantmanagers and gemeenten. A trainer can
point the course at an anonymised export instead (``activering data gebruik``); then
:mod:`activering.data.beschikbaarheid` says which columns that export has and how precise they are.
"""

from activering.data.beschikbaarheid import bekend, beschikbaar, heeft
from activering.data.codebook import Codebook, load_codebook
from activering.data.generate import generate, write_dataset
from activering.data.loader import DataFileError, load_all, load_table

__all__ = [
    "Codebook",
    "bekend",
    "beschikbaar",
    "heeft",
    "DataFileError",
    "generate",
    "load_all",
    "load_codebook",
    "load_table",
    "write_dataset",
]
