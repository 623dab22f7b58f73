"""Integrity checks on a submission: edited or deleted locked cells, and execution problems.

nbgrader itself restores edited test cells and re-adds deleted ones before executing, so the
student would still get the points. Our rule is stricter: an edited or deleted test cell gives
no points for that test, and an edited read-only cell gives no points for the first test cell
after it. These are applied as a manual score of 0 in nbgrader's gradebook (the autograder's
own score stays as nbgrader computed it) and reported as a signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader import utils


@dataclass
class Tamper:
    notebook: str
    grade_id: str
    kind: str  # "gewijzigd" or "verwijderd"
    is_test: bool
    penalised: list[str]  # test grade ids that get 0


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
        except Exception:
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
                penalised = [g for g, _ in reference[position + 1:] if g in tests][:1]
            found.append(Tamper(release_nb.stem, gid, kind, gid in tests, penalised))
    return found


def execution_signals(autograded_dir: Path, timeout: int, memory_mb: int) -> list[str]:
    """Timeouts and memory errors visible in the executed notebooks."""
    signals = []
    for path in sorted(autograded_dir.glob("*.ipynb")):
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:
            continue
        for index, cell in enumerate(nb.cells):
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", f"cel {index + 1}")
            for output in cell.get("outputs", []):
                if output.get("output_type") != "error":
                    continue
                if output.get("ename") == "CellTimeoutError":
                    signals.append(f"{path.stem}/{gid}: tijdslimiet van {timeout} s per cel overschreden; cel afgebroken")
                elif output.get("ename") == "MemoryError":
                    signals.append(f"{path.stem}/{gid}: geheugenlimiet van {memory_mb} MiB bereikt (MemoryError)")
    return signals
