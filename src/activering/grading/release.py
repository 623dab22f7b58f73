"""``vrijgeven``: generate the student version with nbgrader and zip it for the learning environment."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from activering.grading.config import Course, DocentError
from activering.grading.nbapi import nbgrader_api

MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS", re.I)


class ReleaseError(DocentError, RuntimeError):
    pass


@dataclass
class ReleaseResult:
    assignment: str
    release_dir: Path
    zip_path: Path
    problems: list[str] = field(default_factory=list)


def _solution_lines(source_nb: Path) -> tuple[set[str], set[str]]:
    """Non-trivial lines between the solution and hidden-test markers of a source notebook.

    A manually graded answer (a markdown solution cell) is a model answer as a whole.
    """
    solution, hidden, public = set(), set(), set()
    nb = json.loads(source_nb.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if cell.get("cell_type") == "markdown" and meta.get("solution") and "BEGIN SOLUTION" not in src:
            solution |= {line.strip() for line in src.splitlines() if len(line.strip()) > 8}
            continue
        target = None
        for line in src.splitlines():
            if re.search(r"BEGIN SOLUTION", line):
                target = solution
            elif re.search(r"BEGIN HIDDEN TESTS", line):
                target = hidden
            elif re.search(r"END SOLUTION|END HIDDEN TESTS", line):
                target = None
            elif target is not None and len(line.strip()) > 8:
                target.add(line.strip())
            else:
                public.add(line.strip())
    # lines that also occur outside the markers (e.g. ``punten += 1``) reveal nothing
    return solution - public, hidden - public


def scan_release(course: Course, assignment: str) -> list[str]:
    """Problems in the released version: solution code, hidden tests, markers or outputs."""
    release = course.folder("release") / assignment
    source = course.folder("source") / assignment
    problems: list[str] = []
    if not release.is_dir():
        return [f"map {release} bestaat niet"]
    for path in sorted(release.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(release)
        if path.suffix == ".md" and (source / rel).is_file():
            problems.append(f"{rel}: de bron van de opdracht (met uitwerkingen) staat in de studentversie")
        text = path.read_text(encoding="utf-8", errors="ignore")
        if MARKERS.search(text):
            problems.append(f"{rel}: bevat een oplossings- of verborgen-testmarkering")
        if path.suffix != ".ipynb":
            continue
        nb = json.loads(text)
        if any(cell.get("outputs") for cell in nb.get("cells", [])):
            problems.append(f"{rel}: bevat uitvoer van cellen")
        cell_text = "\n".join(
            "".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", "") for c in nb["cells"]
        )
        src_nb = source / rel
        if src_nb.exists():
            solution, hidden = _solution_lines(src_nb)
            present = {line.strip() for line in cell_text.splitlines()}
            for line in sorted(solution & present):
                problems.append(f"{rel}: oplossingscode staat in de studentversie: {line!r}")
            for line in sorted(hidden & present):
                problems.append(f"{rel}: verborgen test staat in de studentversie: {line!r}")
    return problems


def make_zip(release_dir: Path, zip_path: Path) -> Path:
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(release_dir.rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                zf.write(path, Path(release_dir.name) / path.relative_to(release_dir))
    tmp.replace(zip_path)
    return zip_path


def vrijgeven(assignment: str, course: Course | None = None, zip_dir: Path | None = None) -> ReleaseResult:
    """Generate the student version of ``assignment`` (nbgrader generate_assignment) and zip it.

    Raises ReleaseError when nbgrader fails or when the scan finds solutions or hidden tests.
    """
    course = course or Course.default()
    if not (course.folder("source") / assignment).is_dir():
        raise ReleaseError(f"Opdracht '{assignment}' staat niet in {course.folder('source')}.")
    check_sources(course, assignment)  # makes the notebooks of MyST sources
    release_dir = course.folder("release") / assignment
    # a failed release leaves the previous student version as it was
    previous = course.course_dir / f".{assignment}.release-vorige"
    if previous.exists():
        shutil.rmtree(previous)
    if release_dir.exists():
        release_dir.rename(previous)
    try:
        result = nbgrader_api(course).generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise ReleaseError(
                f"nbgrader kon '{assignment}' niet vrijgeven: {_last_line(result['error'] or result['log'])}"
            )
        problems = scan_release(course, assignment)
        if problems:
            more = f" (en nog {len(problems) - 1} andere)" if len(problems) > 1 else ""
            raise ReleaseError(f"De studentversie is niet veilig en is niet vrijgegeven: {problems[0]}{more}.")
    except BaseException:
        if release_dir.exists():
            shutil.rmtree(release_dir)
        if previous.exists():
            previous.rename(release_dir)
        raise
    if previous.exists():
        shutil.rmtree(previous)
    zip_path = make_zip(release_dir, (zip_dir or course.course_dir / "uitdelen") / f"{assignment}.zip")
    return ReleaseResult(assignment, release_dir, zip_path, [])


def check_sources(course: Course, assignment: str) -> None:
    """Make the notebook of every MyST source of the assignment and check every notebook.

    Each must be a valid notebook with sound nbgrader metadata before nbgrader sees it.
    """
    from activering.grading.sources import SourceError, prepare

    source = course.folder("source") / assignment
    try:
        prepare(source)
    except SourceError as exc:
        raise ReleaseError(str(exc)) from None
    except OSError as exc:
        raise ReleaseError(f"{exc.filename or source}: niet te lezen of te schrijven ({exc.strerror}).") from None
    notebooks = sorted(p for p in source.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        raise ReleaseError(f"Opdracht '{assignment}' heeft geen notebook en geen notebookbron (.md) in {source}.")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    useful = [line for line in lines if re.search(r"(Error|Exception)\b", line) and "NbGraderException" not in line]
    return (useful or lines or ["onbekende fout"])[-1][:300]
