"""Anonymising a municipality's real caseload export, so that a class may use it.

``activering anonimiseer EXPORT... --uit MAP`` reads the export (:mod:`.read`), detects what each
column holds (:mod:`.detect`, :mod:`.plan`), transforms it (:mod:`.transform`), makes it
k-anonymous and l-diverse (:mod:`.guarantees`) and writes the result with a privacy report
(:mod:`.report`) in one atomic step (:mod:`.pipeline`). ``activering data gebruik MAP`` then maps
the result onto the course codebook (:mod:`activering.data.gebruik`).

The identifier detectors (`find_identifiers`, `redact`, `elfproef`, `iban_valid`) are a small
public API, also for other parts of the course (e.g. the self-study journal). They live in
:mod:`.identifiers` and need only the standard library; importing this package loads no pyarrow
until ``redact_array`` or ``ExportError`` is asked for.
"""

from activering.anonimisering.identifiers import Finding, elfproef, find_identifiers, iban_valid, redact

__all__ = ["ExportError", "Finding", "elfproef", "find_identifiers", "iban_valid", "redact", "redact_array"]


def __getattr__(name: str):
    """The column-wide parts (pyarrow, pandas) load on first use."""
    if name == "redact_array":
        from activering.anonimisering.detect import redact_array

        return redact_array
    if name == "ExportError":
        from activering.anonimisering.read import ExportError

        return ExportError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
