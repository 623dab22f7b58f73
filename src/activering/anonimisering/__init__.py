"""Anonymising a municipality's real caseload export, so that a class may use it.

``activering anonimiseer EXPORT... --uit MAP`` reads the export (:mod:`.read`), detects what each
column holds (:mod:`.detect`, :mod:`.plan`), transforms it (:mod:`.transform`), makes it
k-anonymous and l-diverse (:mod:`.guarantees`) and writes the result with a privacy report
(:mod:`.report`) in one atomic step (:mod:`.pipeline`). ``activering data gebruik MAP`` then maps
the result onto the course codebook (:mod:`.gebruik`).

The identifier detectors (`find_identifiers`, `redact`, `elfproef`, `iban_valid`) are a small
public API, also for other parts of the course (e.g. the self-study journal).
"""

from activering.anonimisering.detect import Finding, elfproef, find_identifiers, iban_valid, redact, redact_array
from activering.anonimisering.read import ExportError

__all__ = ["ExportError", "Finding", "elfproef", "find_identifiers", "iban_valid", "redact", "redact_array"]
