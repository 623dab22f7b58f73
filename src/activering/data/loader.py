"""Load the synthetic data as typed pandas frames, checked against the codebook.

A file that does not match the codebook is rejected with :class:`DataFileError`; the message
names the file, the column (and the line where that applies) and the problem.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from activering.data import beschikbaarheid
from activering.data.codebook import Codebook, Column, Table, load_codebook
from activering.data.databron import DEFAULT_DATA_DIR, ENV_VAR, DataFileError, data_dir  # noqa: F401  (public here too)
from activering.data.schema import cast

_INTEGER = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOLEAN = {"true": True, "false": False}


def load_table(name: str, data_dir: Path | str | None = None, *, codebook: Codebook | None = None) -> pd.DataFrame:
    """One table as a typed frame; its keys and foreign keys are checked too."""
    cb = codebook or load_codebook()
    folder = _resolve(data_dir)
    cache: dict[str, pd.DataFrame] = {}
    return _load_checked(cb, name, folder, cache, stack=())


def load_all(data_dir: Path | str | None = None, *, codebook: Codebook | None = None) -> dict[str, pd.DataFrame]:
    """Every table in the codebook, typed and checked, keyed by table name."""
    cb = codebook or load_codebook()
    folder = _resolve(data_dir)
    cache: dict[str, pd.DataFrame] = {}
    return {name: _load_checked(cb, name, folder, cache, stack=()) for name in cb.table_names}


def _resolve(path: Path | str | None) -> Path:
    return data_dir(path)


def _load_checked(cb: Codebook, name: str, folder: Path, cache: dict, stack: tuple) -> pd.DataFrame:
    if name in cache:
        return cache[name]
    table = cb.table(name)
    path = folder / table.file
    frame = read_table_file(path, table, real=beschikbaarheid.is_real_data(folder))
    for fk in table.foreign_keys:
        if fk.table in stack or fk.table == name:
            continue
        parent = _load_checked(cb, fk.table, folder, cache, (*stack, name))
        _check_foreign_key(path, frame, fk.columns, parent, fk.ref_columns, cb.table(fk.table).file)
    cache[name] = frame
    return frame


def read_table_file(path: Path, table: Table, *, real: bool = False) -> pd.DataFrame:
    """Read one CSV file and check it against its codebook table (not the foreign keys).

    ``real``: the file is a converted export (see :mod:`activering.data.beschikbaarheid`). Then the
    values may be coarser or other than the codebook's: an empty value or ``*`` anywhere but in a
    key, bands (``65+``, ``1000-1249``) in number columns, ``2025-03``, ``2025-K1`` or ``2025`` in
    date columns, and categories the codebook does not list. Ranges are not checked.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(path, "bestand ontbreekt") from None
    except OSError as error:
        raise DataFileError(path, f"bestand is niet leesbaar ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(path, f"bestand is geen geldige UTF-8 (byte {error.start})") from None
    if not text.strip():
        raise DataFileError(path, "bestand is leeg (geen kopregel)")
    header = next(csv.reader(io.StringIO(text)))
    _check_header(path, header, table)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, ValueError) as error:
        raise DataFileError(path, f"bestand is geen geldige CSV ({error})") from None
    if real:
        return _typed_real(path, frame, table)
    return _typed(path, frame, table)


def _check_header(path: Path, header: list[str], table: Table) -> None:
    expected = table.column_names
    seen = set()
    for name in header:
        if name in seen:
            raise DataFileError(path, "kolom komt twee keer voor in de kopregel", column=name, line=1)
        seen.add(name)
    for name in expected:
        if name not in seen:
            raise DataFileError(path, "verplichte kolom ontbreekt", column=name, line=1)
    for name in header:
        if name not in expected:
            raise DataFileError(path, "onverwachte kolom (staat niet in het codeboek)", column=name, line=1)


def _typed(path: Path, frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    converted = {}
    for column in table.columns:
        converted[column.name] = _convert(path, frame[column.name].to_numpy(dtype=object), column)
    typed = cast(pd.DataFrame(converted), table)
    _check_primary_key(path, typed, table)
    return typed


def _typed_real(path: Path, frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    keys = set(table.primary_key)
    out = {}
    for column in table.columns:
        values = frame[column.name].to_numpy(dtype=object).astype(str)
        if column.name in keys:
            out[column.name] = _convert(path, values, column)
            continue
        out[column.name] = _convert_real(path, values, column)
    typed = pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
    _check_primary_key(path, typed, table)
    return typed


def _category_order(values: list[str], allowed: list[str] | None, ordered: bool) -> list[str]:
    """Codebook categories first (in their order), then the export's own; bands sorted by their bounds."""
    known = list(allowed or [])
    extra = sorted({v for v in values if v not in known}, key=beschikbaarheid.band_key)
    everything = known + extra
    banded = [v for v in everything if v != beschikbaarheid.SUPPRESSED]
    if ordered and extra and banded and all(beschikbaarheid.band_key(v)[0] == 0 for v in banded):
        return sorted(everything, key=beschikbaarheid.band_key)
    return everything


def _convert_real(path: Path, values: np.ndarray, column: Column) -> pd.Series:
    suppressed = values == beschikbaarheid.SUPPRESSED
    empty = (values == "") | suppressed
    filled = ~empty
    as_text = pd.Series(np.where(values == "", None, values), dtype=object)
    match column.dtype:
        case "integer" | "float":
            numbers = filled & pd.Series(values).str.match(_FLOAT).to_numpy()
            if (numbers == filled).all():
                result = pd.to_numeric(pd.Series(np.where(empty, None, values)), errors="coerce").astype("Float64")
                whole = bool(((result % 1) == 0).fillna(True).all())
                if result.isna().any():
                    # Unknown values ('*', empty) as NaN, not pd.NA: `clients[clients["trede"] >= 2]` then
                    # leaves them out instead of failing on "cannot mask with NA".
                    return result.astype("float64")
                # an export may write a count as 12.0: still a whole number; 12.5 stays a decimal
                return result.astype("Int64") if column.dtype == "integer" and whole else result
            # bands such as 1000-1249 or 1500+: an ordered category, not a number
            present = [str(v) for v in pd.unique(values[values != ""])]
            order = sorted(present, key=beschikbaarheid.band_key)
            return as_text.astype(pd.CategoricalDtype(order, ordered=True))
        case "date":
            parsed = [beschikbaarheid.parse_date(v) if f else None for v, f in zip(values, filled)]
            bad = filled & np.array([p is None for p in parsed], dtype=bool)
            if bad.any():
                _fail(path, column, bad, values, "geen geldige datum (JJJJ-MM-DD, JJJJ-MM, JJJJ-K1 of JJJJ)")
            iso = pd.Series([p[0] if p else None for p in parsed], dtype=object)
            dates = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
            bad = filled & dates.isna().to_numpy()
            if bad.any():
                _fail(path, column, bad, values, "geen geldige datum")
            return dates.astype("datetime64[s]")
        case "boolean":
            lowered = np.char.lower(values)
            bad = filled & ~np.isin(lowered, list(_BOOLEAN))
            if bad.any():
                _fail(path, column, bad, values, "geen waarheidswaarde (true/false)")
            return pd.Series(np.where(filled, lowered, None)).map(_BOOLEAN).astype("boolean")
        case "category":
            present = [str(v) for v in pd.unique(values[values != ""])]
            order = _category_order(present, column.allowed, column.ordered)
            return as_text.astype(pd.CategoricalDtype(order, ordered=column.ordered))
    if column.pattern:
        bad = filled & ~pd.Series(values).str.match(column.pattern).to_numpy()
        if bad.any():
            _fail(path, column, bad, values, f"waarde past niet in het patroon {column.pattern}")
    return as_text.astype(pd.StringDtype())


def _fail(path: Path, column: Column, mask: np.ndarray, values: np.ndarray, problem: str) -> None:
    first = int(np.flatnonzero(mask)[0])
    raise DataFileError(path, f"{problem}: {values[first]!r}", column=column.name, line=first + 2)


def _convert(path: Path, values: np.ndarray, column: Column) -> object:
    values = values.astype(str)
    empty = values == ""
    if empty.any() and not column.nullable:
        first = int(np.flatnonzero(empty)[0])
        raise DataFileError(path, "lege waarde in een kolom die niet leeg mag zijn", column=column.name, line=first + 2)
    filled = ~empty
    match column.dtype:
        case "integer":
            bad = filled & ~pd.Series(values).str.match(_INTEGER).to_numpy()
            if bad.any():
                _fail(path, column, bad, values, "geen geheel getal")
            result = pd.to_numeric(pd.Series(np.where(empty, None, values)), errors="coerce").astype("Int64")
            _check_range(path, column, result, values)
            return result
        case "float":
            bad = filled & ~pd.Series(values).str.match(_FLOAT).to_numpy()
            if bad.any():
                _fail(path, column, bad, values, "geen getal")
            result = pd.to_numeric(pd.Series(np.where(empty, None, values)), errors="coerce").astype("Float64")
            _check_range(path, column, result, values)
            return result
        case "date":
            shaped = filled & pd.Series(values).str.match(_DATE).to_numpy()
            parsed = pd.to_datetime(pd.Series(np.where(shaped, values, None)), format="%Y-%m-%d", errors="coerce")
            bad = filled & parsed.isna().to_numpy()
            if bad.any():
                _fail(path, column, bad, values, "geen geldige datum (JJJJ-MM-DD)")
            _check_range(path, column, parsed, values)
            return parsed
        case "boolean":
            lowered = np.char.lower(values)
            bad = filled & ~np.isin(lowered, list(_BOOLEAN))
            if bad.any():
                _fail(path, column, bad, values, "geen waarheidswaarde (true/false)")
            return pd.Series(lowered).map(_BOOLEAN).astype("boolean")
        case "category":
            bad = filled & ~np.isin(values, column.allowed)
            if bad.any():
                _fail(path, column, bad, values, f"waarde niet toegestaan (kies uit {', '.join(column.allowed)})")
        case "string":
            if column.pattern:
                bad = filled & ~pd.Series(values).str.match(column.pattern).to_numpy()
                if bad.any():
                    _fail(path, column, bad, values, f"waarde past niet in het patroon {column.pattern}")
    return pd.Series(np.where(empty, None, values), dtype=object)


def _check_range(path: Path, column: Column, result, values: np.ndarray) -> None:
    series = pd.Series(result)
    bounds = [(column.min, "kleiner dan het minimum", np.less), (column.max, "groter dan het maximum", np.greater)]
    for bound, label, compare in bounds:
        if bound is None:
            continue
        limit = pd.Timestamp(bound) if column.dtype == "date" else bound
        bad = compare(series, limit).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            _fail(path, column, bad, values, f"waarde {label} ({bound})")


def _check_primary_key(path: Path, frame: pd.DataFrame, table: Table) -> None:
    duplicated = frame.duplicated(subset=table.primary_key, keep="first").to_numpy()
    if duplicated.any():
        first = int(np.flatnonzero(duplicated)[0])
        key = ", ".join(table.primary_key)
        value = ", ".join(str(frame[c].iloc[first]) for c in table.primary_key)
        raise DataFileError(
            path, f"dubbele sleutelwaarde {value!r} (primaire sleutel: {key})", column=key, line=first + 2
        )


def _check_foreign_key(path: Path, frame, columns, parent, ref_columns, parent_file: str) -> None:
    child = pd.MultiIndex.from_frame(frame[columns].astype(object))
    known = pd.MultiIndex.from_frame(parent[ref_columns].astype(object))
    missing = ~child.isin(known)
    present = frame[columns].notna().all(axis=1).to_numpy()
    broken = missing & present
    if broken.any():
        first = int(np.flatnonzero(broken)[0])
        value = ", ".join(str(frame[c].iloc[first]) for c in columns)
        raise DataFileError(
            path,
            f"verwijzing {value!r} bestaat niet in {parent_file} ({', '.join(ref_columns)})",
            column=", ".join(columns),
            line=first + 2,
        )
