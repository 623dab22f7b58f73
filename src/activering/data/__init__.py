"""Synthetic caseload data: codebook, generator and a checked loader.

All data in this package is synthetic: fictional clients, klantmanagers and gemeenten.
"""

from activering.data.codebook import Codebook, load_codebook
from activering.data.generate import generate, write_dataset
from activering.data.loader import DataFileError, load_all, load_table

__all__ = [
    "Codebook",
    "DataFileError",
    "generate",
    "load_all",
    "load_codebook",
    "load_table",
    "write_dataset",
]
