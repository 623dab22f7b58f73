"""Reading real exports: CSV (`;`, `,` or tab; UTF-8, UTF-8 with BOM or cp1252) and .xlsx.

Every value is read as text (a pyarrow string column); types are decided later, per column, by
the plan. The input files are only read, never changed. Problems are reported with
:class:`ExportError` (stop) or as warnings on the :class:`SourceFile` (go on), always naming the
file and, where it applies, the line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab"}
STRING = pd.ArrowDtype(pa.large_string())
_MAX_LISTED = 5
MAX_FIELD = 100_000  # characters; a longer field is emptied and reported (a pasted document, a broken quote)
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # the limit is checked by us, with a clear message


class ExportError(ValueError):
    """An export file cannot be read safely; the message names the file and the line."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None, column: str | None = None) -> None:
        self.path, self.problem, self.line, self.column = Path(path), problem, line, column
        where = self.path.name
        if line is not None:
            where += f", regel {line}"
        if column is not None:
            where += f", kolom '{column}'"
        super().__init__(f"{where}: {problem}")


@dataclass
class SourceFile:
    """One file of an export, read as text: a frame of string columns plus how it was read."""

    path: Path
    frame: pd.DataFrame
    line_index: np.ndarray | Callable[[], np.ndarray]  # line (CSV) or sheet row (xlsx) where each row starts
    encoding: str
    delimiter: str | None
    warnings: list[str] = field(default_factory=list)

    @property
    def lines(self) -> np.ndarray:
        """Computed only when a message needs a line number (a scan of a big file takes seconds)."""
        if callable(self.line_index):
            self.line_index = self.line_index()
        return self.line_index

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def output_name(self) -> str:
        return self.path.stem + ".csv"

    def line_of(self, row: int) -> int:
        return int(self.lines[row])


def read_export(paths: list[Path | str]) -> list[SourceFile]:
    """Read all files of one export; two files with the same name are refused."""
    if not paths:
        raise ExportError(Path("."), "geen exportbestanden opgegeven")
    seen: dict[str, Path] = {}
    files = []
    for raw in paths:
        path = Path(raw)
        if path.name in seen:
            raise ExportError(path, f"twee bestanden met dezelfde naam ({seen[path.name]} en {path})")
        seen[path.name] = path
        files.append(read_file(path))
    return files


def read_file(path: Path) -> SourceFile:
    source = _read_any(path)
    _empty_long_fields(source)
    return source


def dutch_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def lines_text(lines: list[int], total: int | None = None) -> str:
    """``regel 4`` or ``regels 4, 9, 12, … (17 in totaal)``: line numbers, never values.

    ``lines`` may be only the first few of ``total`` lines.
    """
    total = len(lines) if total is None else total
    shown = ", ".join(map(str, lines[:_MAX_LISTED]))
    more = f", … ({total:,} in totaal)" if total > min(len(lines), _MAX_LISTED) else ""
    return ("regel " if total == 1 else "regels ") + shown + more


def _empty_long_fields(source: SourceFile) -> None:
    """Empty every field longer than MAX_FIELD characters and say where (never what)."""
    for column in source.frame.columns:
        array = pa.array(source.frame[column].array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if len(array) == 0:
            continue
        too_long = pc.fill_null(pc.greater(pc.utf8_length(array), MAX_FIELD), False).to_numpy(zero_copy_only=False)
        if not too_long.any():
            continue
        rows = np.flatnonzero(too_long)
        source.frame[column] = pd.array(pc.if_else(pa.array(too_long), "", array).to_pylist(), dtype=STRING)
        source.warnings.append(
            f"{source.name}, kolom '{column}': veld langer dan {dutch_number(MAX_FIELD)} tekens"
            + f" in {lines_text([source.line_of(int(r)) for r in rows[:_MAX_LISTED]], len(rows))}; dat veld is leeg gelaten"
        )


def _read_any(path: Path) -> SourceFile:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ExportError(path, "oud Excel-formaat (.xls) wordt niet gelezen: sla het op als .xlsx of als CSV")
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix not in (".csv", ".txt", ".tsv", ".tab", ""):
        raise ExportError(path, f"onbekend bestandstype '{path.suffix}': gebruik CSV of .xlsx")
    return read_csv(path)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ExportError(path, "bestand bestaat niet") from None
    except IsADirectoryError:
        raise ExportError(path, "dit is een map, geen bestand") from None
    except OSError as error:
        raise ExportError(path, f"bestand is niet leesbaar ({error.strerror})") from None


def decode(path: Path, raw: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: UTF-8 (with or without BOM), else cp1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExportError(path, "tekstcodering UTF-16 wordt niet gelezen: sla het bestand op als CSV UTF-8")
    if b"\x00" in raw[:65536]:
        raise ExportError(
            path,
            "onbekende tekstcodering of geen tekstbestand (bevat nul-bytes)",
            line=_line_at(raw, raw.index(b"\x00")),
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-bom"
        except UnicodeDecodeError as error:
            raise ExportError(
                path, "bestand begint als UTF-8 maar bevat ongeldige tekens", line=_line_at(raw, error.start + 3)
            ) from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise ExportError(
            path,
            f"onbekende tekstcodering (geen UTF-8 en geen Windows-1252; byte 0x{raw[error.start]:02x})",
            line=_line_at(raw, error.start),
        ) from None


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _header(path: Path, names: list[str], warnings: list[str], line: int = 1) -> list[str]:
    clean = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        name = str(name).strip()
        if not name:
            name = f"kolom_{i + 1}"
            warnings.append(f"{path.name}, regel {line}: kolom {i + 1} heeft geen naam; verder als '{name}'")
        if name in seen:
            raise ExportError(path, "kolomnaam komt twee keer voor in de kopregel", line=line, column=name)
        seen.add(name)
        clean.append(name)
    return clean


def read_csv(path: Path) -> SourceFile:
    raw = _read_bytes(path)
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ExportError(path, "bestand is leeg (geen kopregel)")
    text, encoding = decode(path, raw)
    delimiter = sniff_delimiter(text[: text.find("\n") if "\n" in text else len(text)])
    warnings: list[str] = []
    try:
        first = next(csv.reader(io.StringIO(text[: 1 << 20], newline=""), delimiter=delimiter))
    except (csv.Error, StopIteration):
        first = None
    if first:
        names = _header(path, first, warnings)
        frame = _parse_fast(text, delimiter, names, None)
        if frame is not None and len(frame):
            return SourceFile(path, frame, lambda: _line_starts(text, delimiter, frame), encoding, delimiter, warnings)
    warnings = []

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        names = _header(path, header, warnings)
        width = len(names)
        starts: list[int] = []
        short: list[int] = []
        trailing: list[int] = []
        previous_end = reader.line_num
        for row in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not row:
                continue
            starts.append(start)
            if len(row) != width:
                if len(row) < width:
                    short.append(start)
                elif not any(v.strip() for v in row[width:]):
                    trailing.append(start)
                else:
                    raise ExportError(
                        path,
                        f"rij heeft {len(row)} velden, de kopregel {width}: er staat een scheidingsteken "
                        f"('{DELIMITER_NAMES[delimiter]}') te veel of een aanhalingsteken ontbreekt",
                        line=start,
                    )
    except csv.Error as error:
        raise ExportError(
            path, f"CSV is niet te lezen ({error}); staat er een aanhalingsteken te veel?", line=reader.line_num
        ) from None

    if short:
        warnings.append(
            f"{path.name}: {len(short)} rij(en) met te weinig velden (regel "
            f"{', '.join(map(str, short[:_MAX_LISTED]))}{' …' if len(short) > _MAX_LISTED else ''}); "
            "de ontbrekende velden zijn leeg gelaten"
        )
    if trailing:
        warnings.append(
            f"{path.name}: {len(trailing)} rij(en) met lege velden achteraan (regel "
            f"{', '.join(map(str, trailing[:_MAX_LISTED]))}); die zijn genegeerd"
        )
    if not starts:
        warnings.append(f"{path.name}: het bestand heeft een kopregel maar geen rijen")

    frame = None
    if not short and not trailing and starts:
        frame = _parse_fast(text, delimiter, names, len(starts))
    if frame is None:
        frame = _parse_slow(text, delimiter, names)
    return SourceFile(path, frame, np.asarray(starts, dtype=np.int64), encoding, delimiter, warnings)


def _line_starts(text: str, delimiter: str, frame: pd.DataFrame) -> np.ndarray:
    """Where each row starts: from the newlines inside the values, or by a scan if there are blank lines."""
    if "\n\n" in text or "\n\r\n" in text:
        return _scan_lines(text, delimiter)
    inner = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        array = pa.array(frame[column].array)
        inner += np.asarray(pc.count_substring(array, "\n").to_numpy(zero_copy_only=False), dtype=np.int64)
    rows = 1 + inner
    return 2 + np.concatenate([[0], np.cumsum(rows)[:-1]])


def _scan_lines(text: str, delimiter: str) -> np.ndarray:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader)
    starts = []
    previous_end = reader.line_num
    for row in reader:
        if row:
            starts.append(previous_end + 1)
        previous_end = reader.line_num
    return np.asarray(starts, dtype=np.int64)


def _parse_fast(text: str, delimiter: str, names: list[str], expected_rows: int | None) -> pd.DataFrame | None:
    """pyarrow's multithreaded CSV parser; None when a row does not fit (then the checked scan decides)."""
    try:
        table = pacsv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.large_string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if expected_rows is not None and table.num_rows != expected_rows:
        return None
    return table.to_pandas(types_mapper=lambda t: STRING)


def _parse_slow(text: str, delimiter: str, names: list[str]) -> pd.DataFrame:
    width = len(names)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    next(reader)
    columns: list[list[str]] = [[] for _ in names]
    for row in reader:
        if not row:
            continue
        row = (row + [""] * width)[:width]
        for values, value in zip(columns, row):
            values.append(value)
    return pd.DataFrame({n: pd.array(v, dtype=STRING) for n, v in zip(names, columns)})


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def read_xlsx(path: Path) -> SourceFile:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _read_bytes(path)  # same messages as CSV for missing or unreadable files
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ExportError(path, f"geen geldig Excel-bestand (.xlsx): {error}") from None
    warnings: list[str] = []
    try:
        sheets = book.worksheets
        if not sheets:
            raise ExportError(path, "het Excel-bestand heeft geen werkbladen")
        if len(sheets) > 1:
            warnings.append(f"{path.name}: alleen het eerste werkblad ('{sheets[0].title}') is gelezen")
        rows = sheets[0].iter_rows(values_only=True)
        header_row = None
        header_line = 0
        for number, row in enumerate(rows, start=1):
            if row and any(v is not None and str(v).strip() for v in row):
                header_row, header_line = row, number
                break
        if header_row is None:
            raise ExportError(path, "bestand is leeg (geen kopregel)")
        last = max(i for i, v in enumerate(header_row) if v is not None and str(v).strip())
        names = _header(path, [_cell_text(v) for v in header_row[: last + 1]], warnings, line=header_line)
        width = len(names)
        columns: list[list[str]] = [[] for _ in names]
        starts: list[int] = []
        for number, row in enumerate(rows, start=header_line + 1):
            cells = [_cell_text(v) for v in row]
            if not any(c.strip() for c in cells):
                continue
            if any(c.strip() for c in cells[width:]):
                raise ExportError(path, f"rij heeft waarden buiten de {width} kolommen van de kopregel", line=number)
            cells = (cells + [""] * width)[:width]
            starts.append(number)
            for values, value in zip(columns, cells):
                values.append(value)
    finally:
        book.close()
    if not starts:
        warnings.append(f"{path.name}: het werkblad heeft een kopregel maar geen rijen")
    frame = pd.DataFrame({n: pd.array(v, dtype=STRING) for n, v in zip(names, columns)})
    return SourceFile(path, frame, np.asarray(starts, dtype=np.int64), "xlsx", None, warnings)
