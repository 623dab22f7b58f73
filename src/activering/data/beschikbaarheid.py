"""Real data: which columns a trainer's own export has, and how precise they are.

The synthetic course data have every column of the codebook, with exact values. An anonymised
export (``activering data gebruik``) does not: some columns were not in the export, and the
anonymiser made others coarser (an age band such as ``65+``, a month ``2025-03`` instead of a
date, ``*`` for a value it left out). ``activering data gebruik`` writes a small manifest
(:data:`MANIFEST_NAME`) next to the converted files that says, per table and column, whether it
came from the export, was derived, or is missing, and how precise its values are.

This module is the one place that answers "can this page or exercise use this column?":

- :func:`missing` lists what a piece of analysis needs but the active data lack (empty for the
  synthetic data, so nothing changes there);
- :func:`beschikbaar` returns True when everything is there, and otherwise shows one Dutch line
  ("Deze grafiek heeft de kolom trede nodig; die zit niet in jouw data.") and returns False;
- the value helpers (:func:`precision_of`, :func:`parse_date`, :func:`band_key`) are shared by
  the loader and ``activering data gebruik``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from activering.data.databron import DataFileError, data_dir

MANIFEST_NAME = "kolommen.yml"
SUPPRESSED = "*"

#: from exact to coarse
DATE_PRECISIONS = ("dag", "maand", "kwartaal", "jaar")
_PRECISION_TEXT = {
    "dag": "per dag",
    "maand": "per maand",
    "kwartaal": "per kwartaal",
    "jaar": "per jaar",
    "getal": "als getal",
    "klasse": "in klassen",
    "weggelaten": "helemaal weggelaten (*)",
}
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[KkQq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FIRST_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")  # no sign: in "18-26" the dash separates

AVAILABLE = ("gekoppeld", "vast", "afgeleid", "cursus")


# --------------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------------


def parse_date(value: str) -> tuple[str, str] | None:
    """``(ISO date of the start of the period, precision)`` for a date in any anonymiser form, else None.

    ``2025-03-14`` → day, ``2025-03`` → month, ``2025-K1`` → quarter, ``2025`` → year. The day
    of a coarser value is only the start of its period; :func:`missing` with ``precisie="dag"``
    keeps it out of analyses that need the day.
    """
    value = str(value)
    if _DAY.match(value):
        return value, "dag"
    if match := _MONTH.match(value):
        month = int(match[2])
        return (f"{match[1]}-{month:02d}-01", "maand") if 1 <= month <= 12 else None
    if match := _QUARTER.match(value):
        return f"{match[1]}-{3 * int(match[2]) - 2:02d}-01", "kwartaal"
    if match := _YEAR.match(value):
        return f"{match[1]}-01-01", "jaar"
    return None


def coarsest(precisions) -> str | None:
    found = [p for p in precisions if p]
    return max(found, key=DATE_PRECISIONS.index) if found else None


def is_number(value: str) -> bool:
    return bool(_NUMBER.match(value))


def band_key(value: str) -> tuple:
    """Sort key for bands such as ``<18``, ``18-26``, ``18-34``, ``65+``, ``1000-1249``; ``*`` last."""
    text = str(value)
    if text == SUPPRESSED:
        return (2, 0.0, 0.0, text)
    numbers = [float(n.replace(",", ".")) for n in _FIRST_NUMBER.findall(text)]
    if not numbers:
        return (1, 0.0, 0.0, text)
    low = numbers[0] - (0.5 if text.lstrip().startswith("<") else 0.0)
    high = numbers[-1] + (1e9 if text.rstrip().endswith("+") else 0.0)
    return (0, low, high, text)


def precision_of(dtype: str, values) -> str | None:
    """How precise a column of text values is: a date precision, 'klasse' for numbers given as
    bands, 'weggelaten' when every value is empty or ``*``, or None when the values are exact."""
    filled = [v for v in values if v not in ("", SUPPRESSED)]
    if not filled:
        return "weggelaten"
    if dtype == "date":
        parsed = [parse_date(v) for v in filled]
        return coarsest(p[1] for p in parsed if p)
    if dtype in ("integer", "float") and not all(is_number(v) for v in filled):
        return "klasse"
    return None


# --------------------------------------------------------------------------------------------
# the manifest of the active data
# --------------------------------------------------------------------------------------------


def _folder(folder: Path | str | None) -> Path:
    return data_dir(folder)


def manifest(folder: Path | str | None = None) -> dict | None:
    """The manifest of a data folder (default: the active one), or None for complete data."""
    path = _folder(folder) / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DataFileError(
            path, f"onleesbaar ({type(error).__name__}); draai `activering data gebruik` opnieuw"
        ) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("tabellen", {}), dict):
        raise DataFileError(path, "geen geldige beschrijving van de kolommen; draai `activering data gebruik` opnieuw")
    return raw


def is_real_data(folder: Path | str | None = None) -> bool:
    """True when the data folder holds a converted export (``activering data gebruik``)."""
    return manifest(folder) is not None


def write_manifest(folder: Path, tables: dict, source: str) -> None:
    text = yaml.safe_dump({"echte_data": True, "bron": source, "tabellen": tables}, allow_unicode=True, sort_keys=False)
    (Path(folder) / MANIFEST_NAME).write_text(
        "# Geschreven door `activering data gebruik`: welke kolommen uit je export komen (gekoppeld),\n"
        "# afgeleid zijn, uit de cursusdata komen (cursus) of ontbreken, en hoe precies ze zijn.\n" + text,
        encoding="utf-8",
    )


def column_info(table: str, column: str, folder: Path | str | None = None) -> dict:
    """``{'status': ..., 'precisie': ...}`` of one column; complete data give ``status: cursus``."""
    info = manifest(folder)
    if info is None:
        return {"status": "cursus", "precisie": None}
    entry = (info.get("tabellen") or {}).get(table) or {}
    col = (entry.get("kolommen") or {}).get(column)
    if col is None:
        return {"status": "ontbreekt", "precisie": None}
    if isinstance(col, str):
        return {"status": col, "precisie": None}
    return {"status": col.get("status", "ontbreekt"), "precisie": col.get("precisie")}


def table_available(table: str, folder: Path | str | None = None) -> bool:
    info = manifest(folder)
    if info is None:
        return True
    entry = (info.get("tabellen") or {}).get(table) or {}
    return bool(entry.get("bestand"))


def _problem(spec: str, precisie: str | None, folder) -> tuple[str, str, str | None] | None:
    """(what, name, how precise it is) when ``spec`` ('tabel' or 'tabel.kolom') is not usable."""
    table, _, column = spec.partition(".")
    if not table_available(table, folder):
        return ("tabel", table, None)
    if not column:
        return None
    info = column_info(table, column, folder)
    # 'trede' for the main table clients, 'km_id in contactmomenten' elsewhere
    name = column if table == "clients" else f"{column} in {table}"
    if info["status"] not in AVAILABLE:
        return ("kolom", name, None)
    have = info["precisie"]
    if have == "weggelaten":
        return ("kolom", name, "weggelaten")
    if precisie is None or have is None:
        return None
    if precisie == "getal":
        return ("kolom", name, have) if have == "klasse" else None
    if (
        precisie in DATE_PRECISIONS
        and have in DATE_PRECISIONS
        and DATE_PRECISIONS.index(have) > DATE_PRECISIONS.index(precisie)
    ):
        return ("kolom", name, have)
    return None


def missing(
    *nodig: str, precisie: str | None = None, folder: Path | str | None = None
) -> list[tuple[str, str, str | None]]:
    """What of ``nodig`` ('tabel' or 'tabel.kolom') the data lack, or have too coarsely.

    ``precisie``: 'dag', 'maand', 'kwartaal' or 'jaar' for date columns, 'getal' for numbers that
    must be exact (not a band). Empty for the synthetic data.
    """
    if manifest(folder) is None:
        return []
    found = []
    for spec in nodig:
        problem = _problem(spec, precisie, folder)
        if problem and problem not in found:
            found.append(problem)
    return found


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def message(problems: list[tuple[str, str, str | None]], wat: str = "Deze grafiek", precisie: str | None = None) -> str:
    """One Dutch sentence for what is missing, e.g. 'Deze grafiek heeft de kolom trede nodig; die zit niet in jouw data.'"""
    absent = [p for p in problems if p[2] is None]
    coarse = [p for p in problems if p[2] is not None]
    parts = []
    tables = [name for kind, name, _ in absent if kind == "tabel"]
    columns = [name for kind, name, _ in absent if kind == "kolom"]
    if tables:
        noun = "de tabel" if len(tables) == 1 else "de tabellen"
        parts.append(f"{noun} {_join(tables)}")
    if columns:
        noun = "de kolom" if len(columns) == 1 else "de kolommen"
        by_table: dict[str, list[str]] = {}
        for (
            name
        ) in columns:  # 'waarschuwing in sancties', 'recidive in sancties' → 'waarschuwing en recidive in sancties'
            column, _, table = name.partition(" in ")
            by_table.setdefault(table, []).append(column)
        groups = [_join(cols) + (f" in {table}" if table else "") for table, cols in by_table.items()]
        parts.append(f"{noun} {_join(groups)}")
    sentences = []
    if parts:
        plural = len(tables) + len(columns) > 1
        sentences.append(
            f"{wat} heeft {' en '.join(parts)} nodig; {'die zitten' if plural else 'die zit'} niet in jouw data."
        )
    for _kind, name, have in coarse:
        if have == "weggelaten":
            sentences.append(
                f"{wat} heeft de kolom {name} nodig; die is bij het anonimiseren helemaal weggelaten (*), "
                "dus de waarden zitten niet in jouw data."
            )
        else:
            need = _PRECISION_TEXT.get(precisie or "", "precies")
            sentences.append(
                f"{wat} heeft de kolom {name} {need} nodig; zo precies zit die niet in jouw data "
                f"(alleen {_PRECISION_TEXT.get(have, have)})."
            )
    return " ".join(sentences)


def beschikbaar(*nodig: str, wat: str = "Deze grafiek", precisie: str | None = None) -> bool:
    """True when the active data have everything in ``nodig``; otherwise show why not and return False.

    Use it around a chart, table or test that needs a column a real export may lack::

        if beschikbaar("clients.trede", "clients.gemeente"):
            show_chart(...)
    """
    problems = missing(*nodig, precisie=precisie)
    if not problems:
        return True
    toon_melding(message(problems, wat, precisie))
    return False


def toon_melding(text: str) -> None:
    """Show a 'niet in jouw data' line in a notebook (and as plain text elsewhere)."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    import html

    display(HTML(f'<p class="activering-niet-in-data"><strong>Niet in jouw data.</strong> {html.escape(text)}</p>'))


def heeft(*nodig: str, precisie: str | None = None) -> bool:
    """Like :func:`beschikbaar`, but silent: for a second cell that needs the same columns."""
    return not missing(*nodig, precisie=precisie)


def bekend(frame, *kolommen: str):
    """The rows of ``frame`` where every column in ``kolommen`` has a value (not left out, not empty).

    The synthetic data have no gaps in these columns, so there nothing is dropped.
    """
    return frame.dropna(subset=list(kolommen)) if len(frame) and frame[list(kolommen)].isna().any().any() else frame
