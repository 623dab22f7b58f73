"""Assignment sources: a MyST markdown file per notebook, from which nbgrader's ``.ipynb`` is made.

``exercises/source/<opdracht>/<naam>.md`` is the source a docent edits and reviews (jupytext's MyST
format). Every cell carries its nbgrader metadata: a markdown cell on its ``+++ {"nbgrader": …}`` line,
a code cell in the ``---`` block under ```` ```{code-cell} ````. Next to it lies ``<naam>.ipynb``, made
from it by :func:`prepare` (``activering docent vrijgeven`` runs it), which nbgrader reads. The
notebook is committed too, so plain ``nbgrader`` in ``exercises/`` works; a test keeps both in sync.

nbgrader never copies a ``.md`` file of an assignment to students or into a grading folder
(``CourseDirectory.ignore`` in :mod:`activering.grading.nbconfig`), so every ``.md`` file in an
assignment folder is a notebook source.

A folder without a ``.md`` file keeps its ``.ipynb`` as the source (the test fixtures do). Both kinds
are checked the same way before nbgrader sees them; a problem is one Dutch line with the file, the
cell and what is wrong.

Write all notebooks (or only those of some assignments)::

    uv run python -m activering.grading.sources [opdracht ...] [--controleer]
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from activering.grading.config import DocentError

SOURCE_SUFFIX = ".md"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
FLAGS = ("grade", "solution", "locked", "task")
CODE_FENCE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}")
JUPYTEXT_PROBLEM = re.compile(r"^(Markdown|Code|Raw) cell \d+ at line (\d+) could not be read")


def _jupytext_errors() -> tuple[type[BaseException], ...]:
    """What jupytext raises on a source it cannot read: bad cell metadata, bad YAML, bad JSON."""
    import yaml
    from jupytext.myst import MystMetadataParsingError

    return (MystMetadataParsingError, yaml.YAMLError, ValueError, KeyError, TypeError)


class SourceError(DocentError):
    """A source that cannot become a valid nbgrader notebook (one Dutch line)."""


@dataclass(frozen=True)
class _Cell:
    index: int
    line: int | None
    label: str


# --------------------------------------------------------------------------- reading


def read_source(path: Path):
    """The nbgrader notebook the MyST source ``path`` describes, after checking it."""
    import jupytext
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{path}: geen leesbare tekst (sla het bestand op als UTF-8).") from None
    except OSError as exc:
        raise SourceError(f"{path}: niet te lezen ({exc.strerror or exc}).") from None
    lines = _cell_lines(path, text)
    try:
        parsed = jupytext.reads(text, fmt="md:myst")
    except _jupytext_errors() as exc:
        raise SourceError(f"{path}: {_jupytext_problem(exc)}") from None

    cells = []
    for index, cell in enumerate(parsed.cells):
        metadata = dict(cell.metadata)
        if cell.cell_type == "code":
            new = new_code_cell(cell.source, metadata=metadata)
        elif cell.cell_type == "markdown":
            new = new_markdown_cell(cell.source, metadata=metadata)
        else:
            raise SourceError(
                f"{path}: {_where(_describe(index, cell, lines))}alleen markdown- en code-cellen "
                f"kunnen, geen '{cell.cell_type}'."
            )
        cells.append(new)
    if lines is not None and len(lines) != len(cells):
        lines = None  # our own count differs from jupytext's (e.g. an empty cell): no line numbers
    for index, cell in enumerate(cells):
        if not isinstance(cell.metadata.get("nbgrader"), dict):
            raise SourceError(
                f"{path}: {_where(_describe(index, cell, lines))}geen nbgrader-gegevens. Elke cel begint met "
                "een regel als '+++ {\"nbgrader\": {…}}' (tekst) of een '---'-blok met 'nbgrader: {…}' (code)."
            )
    kernelspec = parsed.metadata.get("kernelspec") or dict(KERNELSPEC)
    nb = new_notebook(cells=cells, metadata={"kernelspec": kernelspec, "language_info": {"name": "python"}})
    check_notebook(nb, path, lines)
    for cell in nb.cells:
        cell.id = cell.metadata["nbgrader"]["grade_id"]  # reproducible ids: the grade_id
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise SourceError(f"{path}: geen geldig notebook ({_first_line(exc)}).") from None
    return nb


def notebook_text(nb) -> str:
    import nbformat

    return nbformat.writes(nb) + "\n"


def check_notebook(nb, path: Path, lines: list[int] | None = None) -> None:
    """nbgrader metadata, unique grade ids and balanced solution and hidden-test markers."""
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        where = _where(_describe(index, cell, lines))
        meta = cell.metadata.get("nbgrader")
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        if meta is None:
            if re.search(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS", source):
                raise SourceError(f"{path}: {where}oplossings- of testmarkeringen in een cel zonder nbgrader-gegevens.")
            continue
        if not isinstance(meta, dict):
            raise SourceError(f'{path}: {where}de nbgrader-gegevens horen een tabel te zijn ({{"grade_id": …}}).')
        grade_id = meta.get("grade_id")
        if not isinstance(grade_id, str) or not grade_id:
            raise SourceError(f"{path}: {where}'grade_id' ontbreekt in de nbgrader-gegevens.")
        if not GRADE_ID.match(grade_id):
            raise SourceError(
                f"{path}: {where}grade_id '{grade_id}' mag alleen letters, cijfers, '-' en '_' "
                "bevatten (hoogstens 64 tekens)."
            )
        if grade_id in seen:
            raise SourceError(
                f"{path}: {where}grade_id '{grade_id}' komt twee keer voor (ook in cel {seen[grade_id] + 1})."
            )
        seen[grade_id] = index
        for flag in FLAGS:
            if not isinstance(meta.get(flag), bool):
                raise SourceError(f"{path}: {where}'{flag}' ontbreekt of is geen true/false.")
        if meta.get("schema_version") != 3:
            raise SourceError(f"{path}: {where}'schema_version' hoort 3 te zijn.")
        if meta["grade"]:
            points = meta.get("points")
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
                raise SourceError(f"{path}: {where}een cel met \"grade\": true heeft 'points' groter dan 0 nodig.")
        if meta["task"]:
            raise SourceError(
                f'{path}: {where}taakcellen ("task": true) gebruikt deze cursus niet; '
                "maak er een met de hand nagekeken antwoordcel van."
            )
        if cell.cell_type == "markdown" and meta["grade"] and not meta["solution"]:
            raise SourceError(
                f'{path}: {where}een tekstcel met punten hoort ook "solution": true te hebben '
                "(een met de hand nagekeken antwoord)."
            )
        problem = _marker_problem(source, "SOLUTION") or _marker_problem(source, "HIDDEN TESTS")
        if problem:
            raise SourceError(f"{path}: {where}{problem}")
        if "BEGIN SOLUTION" in source and not meta["solution"]:
            raise SourceError(
                f'{path}: {where}oplossingsmarkeringen in een cel die geen antwoordcel is (zet "solution": true).'
            )
        if "BEGIN HIDDEN TESTS" in source and not (meta["grade"] and not meta["solution"] and cell.cell_type == "code"):
            raise SourceError(
                f'{path}: {where}verborgen tests horen in een testcel (code, "grade": true, "solution": false).'
            )
    try:
        from nbgrader.nbgraderformat import MetadataValidator, ValidationError
    except ImportError:  # pragma: no cover - nbgrader is a dependency
        return
    try:
        MetadataValidator().validate_nb(nb)
    except ValidationError as exc:
        raise SourceError(f"{path}: ongeldige nbgrader-gegevens ({_first_line(exc)}).") from None


def _marker_problem(source: str, kind: str) -> str | None:
    open_line = None
    for number, line in enumerate(source.splitlines(), 1):
        if f"BEGIN {kind}" in line:
            if open_line is not None:
                return f"'BEGIN {kind}' op regel {number} van de cel, maar het blok van regel {open_line} is niet gesloten."
            open_line = number
        elif f"END {kind}" in line:
            if open_line is None:
                return f"'END {kind}' op regel {number} van de cel zonder 'BEGIN {kind}' ervoor."
            open_line = None
    if open_line is not None:
        return f"'BEGIN {kind}' op regel {open_line} van de cel zonder 'END {kind}' erna."
    return None


# --------------------------------------------------------------------------- writing


def prepare(assignment_dir: Path) -> list[Path]:
    """Make the notebook of every MyST source in ``assignment_dir`` and check every notebook there.

    A notebook is only rewritten when its content changes. One that was edited after its source
    (newer and different) is not overwritten: the edit would be lost.
    """
    import nbformat

    assignment_dir = Path(assignment_dir)
    written = []
    sources = _sources(assignment_dir)
    for source in sources:
        target = source.with_suffix(".ipynb")
        text = notebook_text(read_source(source))
        if target.exists():
            current = target.read_text(encoding="utf-8", errors="replace")
            if current == text:
                continue
            if target.stat().st_mtime > source.stat().st_mtime:
                raise SourceError(
                    f"{target}: is gewijzigd na {source.name}, maar {source.name} is de bron. Zet je wijziging "
                    f"in {source.name} (of verwijder {target.name}) en probeer het opnieuw."
                )
        target.write_text(text, encoding="utf-8")
        written.append(target)
    made = {s.with_suffix(".ipynb") for s in sources}
    for notebook in _notebooks(assignment_dir):
        if notebook in made:
            continue
        try:
            nb = nbformat.read(str(notebook), as_version=4)
            nbformat.validate(nb)
        except (
            OSError,
            UnicodeDecodeError,
            ValueError,
            nbformat.ValidationError,
        ) as exc:  # NotJSONError is a ValueError
            raise SourceError(f"{notebook}: geen geldig notebook ({_first_line(exc)[:200]}).") from None
        check_notebook(nb, notebook)
    return written


def out_of_sync(assignment_dir: Path) -> list[Path]:
    """Notebooks that differ from what their MyST source makes (missing ones included)."""
    stale = []
    for source in _sources(Path(assignment_dir)):
        target = source.with_suffix(".ipynb")
        text = notebook_text(read_source(source))
        if not target.exists() or target.read_text(encoding="utf-8", errors="replace") != text:
            stale.append(target)
    return stale


def _sources(assignment_dir: Path) -> list[Path]:
    return sorted(
        p for p in assignment_dir.rglob(f"*{SOURCE_SUFFIX}") if p.is_file() and ".ipynb_checkpoints" not in p.parts
    )


def _notebooks(assignment_dir: Path) -> list[Path]:
    return sorted(p for p in assignment_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


# --------------------------------------------------------------------------- messages


def _cell_lines(path: Path, text: str) -> list[int] | None:
    """The line where each cell of a MyST source starts; refuses a code cell that is never closed."""
    lines = text.splitlines()
    starts: list[int] = []
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                i = j + 1
                break
        else:
            raise SourceError(f"{path}: de kop (tussen '---'-regels) bovenaan wordt niet afgesloten.")
    in_markdown = False
    empty_marker = None  # line of a '+++ {…}' cell with no text yet: jupytext would drop that cell
    while i < len(lines):
        line = lines[i]
        fence = CODE_FENCE.match(line)
        if (fence or line.startswith("+++")) and empty_marker is not None:
            raise SourceError(
                f"{path}: regel {empty_marker}: een tekstcel zonder tekst valt weg; "
                "zet er tekst in of haal de regel weg."
            )
        if fence:
            starts.append(i + 1)
            close = fence.group(1)
            for j in range(i + 1, len(lines)):
                if lines[j].rstrip() == close:
                    i = j + 1
                    break
                if CODE_FENCE.match(lines[j]) or lines[j].startswith("+++"):
                    raise SourceError(
                        f"{path}: regel {i + 1}: de code-cel wordt niet afgesloten met {close} voor regel {j + 1}."
                    )
            else:
                raise SourceError(f"{path}: regel {i + 1}: de code-cel wordt niet afgesloten met {close}.")
            in_markdown = False
            continue
        if line.startswith("+++"):
            starts.append(i + 1)
            in_markdown = True
            empty_marker = i + 1 if line[3:].strip() else None
        elif line.strip():
            if not in_markdown:
                starts.append(i + 1)
                in_markdown = True
            empty_marker = None
            if line.lstrip().startswith(("```", "~~~")):
                # a fenced block inside a markdown cell: skip it whole
                close = line.lstrip()[:3]
                i += 1
                while i < len(lines) and not lines[i].lstrip().startswith(close):
                    i += 1
        i += 1
    if empty_marker is not None:
        raise SourceError(
            f"{path}: regel {empty_marker}: een tekstcel zonder tekst valt weg; zet er tekst in of haal de regel weg."
        )
    return starts


def _describe(index: int, cell, lines: list[int] | None) -> _Cell:
    meta = cell.metadata.get("nbgrader")
    if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str) and meta["grade_id"]:
        label = f"'{meta['grade_id']}'"
    else:
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        first = next((line.strip() for line in source.splitlines() if line.strip()), "")
        label = f"begint met '{first[:40]}'" if first else "leeg"
    return _Cell(index, lines[index] if lines is not None and index < len(lines) else None, label)


def _where(cell: _Cell) -> str:
    line = f"regel {cell.line}, " if cell.line else ""
    return f"{line}cel {cell.index + 1} ({cell.label}): "


def _jupytext_problem(exc: Exception) -> str:
    text = str(exc).strip()
    match = JUPYTEXT_PROBLEM.match(text)
    if match:
        return (
            f"regel {match.group(2)}: de gegevens van deze cel zijn niet te lezen (JSON na '+++', "
            "YAML tussen '---' in een code-cel)."
        )
    if exc.__class__.__module__.startswith("yaml"):
        return "de kop (tussen '---'-regels) bovenaan is geen geldige YAML."
    return f"geen geldige MyST-notebookbron ({_first_line(exc)[:200]})."


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# --------------------------------------------------------------------------- command


def main(argv: list[str] | None = None) -> int:
    """``python -m activering.grading.sources [opdracht ...] [--controleer] [--cursus DIR]``."""
    import argparse

    from activering.grading.config import Course

    parser = argparse.ArgumentParser(
        prog="python -m activering.grading.sources",
        description="Maak de notebooks van de opdrachten uit hun MyST-bron (exercises/source/<opdracht>/*.md).",
    )
    parser.add_argument("opdracht", nargs="*", help="alleen deze opdracht(en); standaard alle")
    parser.add_argument(
        "--controleer", action="store_true", help="niets schrijven; meld notebooks die niet bij hun bron passen"
    )
    parser.add_argument("--cursus", type=Path, default=None, help="cursusmap (standaard exercises/)")
    args = parser.parse_args(argv)
    course = Course.at(args.cursus)
    root = course.folder("source")
    try:
        names = args.opdracht or sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        problems = []
        for name in names:
            folder = root / name
            if not folder.is_dir():
                raise SourceError(f"Opdracht '{name}' staat niet in {root}.")
            if args.controleer:
                problems += [
                    f"{path}: past niet bij de bron; maak hem opnieuw (uv run python -m activering.grading.sources)."
                    for path in out_of_sync(folder)
                ]
            else:
                for path in prepare(folder):
                    print(f"Gemaakt: {path}")
    except (DocentError, OSError) as exc:
        print(
            str(exc) if isinstance(exc, DocentError) else f"{getattr(exc, 'filename', root)}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    if problems:
        print(problems[0] + (f" (en nog {len(problems) - 1})" if len(problems) > 1 else ""), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
