"""Integrity checks on a submission: edited or deleted locked cells, and execution problems.

nbgrader itself restores edited test cells and re-adds deleted ones before executing, so the
student would still get the points. Our rule is stricter: an edited or deleted test cell gives
no points for that test, and an edited read-only cell gives no points for the first test cell
after it. These are applied as a manual score of 0 in nbgrader's gradebook (the autograder's
own score stays as nbgrader computed it) and reported as a signal.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor


@dataclass
class Tamper:
    notebook: str
    grade_id: str
    kind: str  # "gewijzigd" or "verwijderd"
    is_test: bool
    penalised: list[str]  # test grade ids that get 0


# What reading a notebook nobody checked can raise: missing or unreadable file, not JSON or not
# UTF-8 (ValueError), no notebook (nbformat's ValidationError, NBFormatError), JSON of the wrong
# shape (TypeError, AttributeError, KeyError) or nested too deep for the parser (RecursionError).
NOTEBOOK_ERRORS = (OSError, ValueError, TypeError, AttributeError, KeyError, RecursionError, nbformat.ValidationError)


def _cells(nb) -> list[tuple[str, object]]:
    out = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if "grade_id" in meta:
            out.append((meta["grade_id"], cell))
    return out


def _is_test(cell) -> bool:
    meta = cell.metadata.nbgrader
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def find_tampering(submitted_dir: Path, release_dir: Path, source_dir: Path | None = None) -> list[Tamper]:
    """Locked cells (tests, read-only cells) that a student changed or deleted.

    The reference is the released student version: a locked cell must come back exactly as
    it was handed out (nbgrader's checksum of source and metadata). The instructor's source
    version of a cell (with hidden tests) is accepted too, so the solution notebook is clean.
    """
    found: list[Tamper] = []
    for release_nb in sorted(release_dir.glob("*.ipynb")):
        path = submitted_dir / release_nb.name
        if not path.exists():
            continue
        try:
            nb = nbformat.read(str(path), as_version=4)
        except NOTEBOOK_ERRORS:
            continue  # malformed notebooks are reported elsewhere
        submitted = {}
        for gid, cell in _cells(nb):
            submitted.setdefault(gid, cell)
        reference = _cells(nbformat.read(str(release_nb), as_version=4))
        accepted: dict[str, set[str]] = {gid: {utils.compute_checksum(cell)} for gid, cell in reference}
        source_nb = (source_dir / release_nb.name) if source_dir else None
        if source_nb is not None and source_nb.exists():
            for gid, cell in _cells(nbformat.read(str(source_nb), as_version=4)):
                accepted.setdefault(gid, set()).add(utils.compute_checksum(cell))
        tests = [gid for gid, cell in reference if _is_test(cell)]
        for position, (gid, cell) in enumerate(reference):
            if not cell.metadata.nbgrader.get("locked") and not _is_test(cell):
                continue
            mine = submitted.get(gid)
            if mine is None:
                kind = "verwijderd"
            elif utils.compute_checksum(mine) in accepted[gid]:
                continue
            else:
                kind = "gewijzigd"
            if gid in tests:
                penalised = [gid]
            else:
                penalised = [g for g, _ in reference[position + 1 :] if g in tests][:1]
            found.append(Tamper(release_nb.stem, gid, kind, gid in tests, penalised))
    return found


def execution_signals(autograded_dir: Path, timeout: int, memory_mb: int) -> list[str]:
    """Timeouts and memory errors visible in the executed notebooks.

    Signals are shown to the student too. For cells that ran after a hidden test, each kind is
    reported at most once and without naming the cell: which of them failed could otherwise spell
    out a hidden test bit by bit.
    """
    signals = []
    for path in sorted(autograded_dir.glob("*.ipynb")):
        try:
            nb = nbformat.read(str(path), as_version=4)
        except NOTEBOOK_ERRORS:
            continue
        tainted = tainted_positions(nb.cells)
        late: list[str] = []
        for index, cell in enumerate(nb.cells):
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", f"cel {index + 1}")
            for output in cell.get("outputs", []):
                if output.get("output_type") != "error":
                    continue
                if output.get("ename") == "CellTimeoutError":
                    text = f"tijdslimiet van {timeout} s per cel overschreden; cel afgebroken"
                elif output.get("ename") == "MemoryError":
                    text = f"geheugenlimiet van {memory_mb} MiB bereikt (MemoryError)"
                else:
                    continue
                if index in tainted:
                    if text not in late:
                        late.append(text)
                        signals.append(f"{path.stem}, na de verborgen tests: {text}")
                else:
                    signals.append(f"{path.stem}/{gid}: {text}")
    return signals


# --------------------------------------------------------------------------- hidden tests and what students see
#
# Hidden tests run in the same kernel as the student's code, so student code can catch them in many
# ways (``In``, ``_ih``, ``Out``, history, ``inspect`` of the caller, arguments passed to the
# student's own functions, hooks, threads, ...) and print them, in any encoding, in a later cell.
# No scrubber can recognise every encoding, so the rule is positional and holds whatever the code
# does: a student sees no output of a cell that ran at or after the first cell with hidden tests
# (only the name of a built-in error), and of a test cell only what its visible part can explain.

HIDDEN_BEGIN = re.compile(r"BEGIN HIDDEN TESTS", re.I)
HIDDEN_END = re.compile(r"END HIDDEN TESTS", re.I)
HIDDEN_OUTPUT_NOTE = (
    "De uitvoer van deze cel wordt niet getoond: de cel liep na een test met verborgen "
    "onderdelen. Voer je notebook zelf uit om de uitvoer te zien."
)


def cell_text(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else (source or "")


def has_hidden_tests(cell) -> bool:
    return bool(HIDDEN_BEGIN.search(cell_text(cell)))


def visible_part(source: str) -> str:
    """The source without its hidden-test regions (as nbgrader's ClearHiddenTests releases it)."""
    kept, hidden = [], False
    for line in source.split("\n"):
        if HIDDEN_BEGIN.search(line):
            hidden = True
        elif HIDDEN_END.search(line):
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def tainted_positions(cells, hidden_ids: set[str] = frozenset()) -> set[int]:
    """Indexes of the cells that ran at or after the first cell with hidden tests (notebook order
    is execution order). ``hidden_ids`` are grade ids known (from the source) to hold hidden tests."""
    tainted: set[int] = set()
    seen = False
    for index, cell in enumerate(cells):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if has_hidden_tests(cell) or (gid is not None and gid in hidden_ids):
            seen = True
        if seen:
            tainted.add(index)
    return tainted


def hidden_grade_ids(source_nb: Path | None) -> set[str]:
    """Grade ids of the cells with hidden tests in the instructor's source notebook."""
    if source_nb is None or not source_nb.exists():
        return set()
    try:
        nb = nbformat.read(str(source_nb), as_version=4)
    except NOTEBOOK_ERRORS:
        return set()
    return {gid for gid, cell in _cells(nb) if has_hidden_tests(cell)}


def builtin_error(ename: str) -> bool:
    """A built-in exception name (a student's own exception class could carry any text as its name)."""
    kind = getattr(builtins, ename, None) if isinstance(ename, str) and ename.isidentifier() else None
    return isinstance(kind, type) and issubclass(kind, BaseException)


def string_literals(source: str) -> set[str]:
    """The string constants in ``source`` (e.g. the messages of the visible asserts)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def safe_error(cell, visible_source: str) -> tuple[str, str] | None:
    """(name, message) of the cell's error as far as a student may see it, or None without error.

    The name only when it is a built-in exception; the message only when it is literally one of the
    strings in the visible source (e.g. the message of a visible assert)."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            ename, evalue = out.get("ename", ""), out.get("evalue", "")
            if ename in ("CellTimeoutError", "DeadKernelError"):
                return ename, ""
            shown_name = ename if builtin_error(ename) else "Fout"
            shown_value = evalue if evalue and evalue in string_literals(visible_source) else ""
            return shown_name, shown_value
    return None


def _note_output(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=text + "\n")


class HideHiddenTests(NbGraderPreprocessor):
    """For nbgrader's ``generate_feedback``: what goes back to the student holds no hidden test.

    Test cells lose their hidden regions and every output but a safe error line; every cell that
    ran at or after the first cell with hidden tests loses its outputs (see above).
    """

    def preprocess(self, nb, resources):
        # widget state is saved as it was at the end of the run, after the hidden tests
        nb.metadata.pop("widgets", None)
        tainted = tainted_positions(nb.cells)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                if has_hidden_tests(cell):
                    cell.source = visible_part(cell_text(cell))
                continue
            hidden = has_hidden_tests(cell)
            visible = visible_part(cell_text(cell)) if hidden else cell_text(cell)
            if hidden:
                cell.source = visible
            if index in tainted:
                error = safe_error(cell, visible)
                outputs = [] if hidden or not cell.get("outputs") else [_note_output(HIDDEN_OUTPUT_NOTE)]
                if error:
                    name, message = error
                    outputs.append(_note_output(f"Fout: {name}" + (f": {message}" if message else "")))
                cell.outputs = outputs
                cell.execution_count = None
        return nb, resources
