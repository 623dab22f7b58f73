"""Transformations, one whole column at a time: drop, pseudonymise, generalise, redact, keep.

Quasi-identifiers come back as a :class:`Hierarchy`: the same column at increasing levels of
generalisation (age in bands of the plan → wider bands → ``*``), which the guarantees step
climbs until k-anonymity and l-diversity hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from activering.anonimisering.detect import redact_array
from activering.anonimisering.plan import DEFAULT_AGE_EDGES, ColumnPlan, FilePlan, Plan
from activering.anonimisering.read import STRING, ExportError, SourceFile

PSEUDONYM_LENGTH = 13  # capital letters only: no digits, so no pseudonym can look like a BSN
_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)


@dataclass
class Level:
    """One level of a hierarchy: a code per row (-1 = empty) and the label of each code."""

    codes: np.ndarray
    labels: list[str]
    description: str

    def values(self) -> pa.Array:
        labels = pa.array([*self.labels, ""], type=pa.large_string())
        return pc.take(labels, pa.array(np.where(self.codes < 0, len(self.labels), self.codes)))


@dataclass
class Hierarchy:
    column: str
    levels: list[Level]


@dataclass
class FileResult:
    """A transformed file: output columns (all text), hierarchies of its quasi-identifiers."""

    source: SourceFile
    columns: dict[str, pa.Array]
    hierarchies: dict[str, Hierarchy] = field(default_factory=dict)
    sensitive: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # pseudonymised column → sleutel
    redactions: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _text(source: SourceFile, column: str) -> pa.Array:
    if len(source.frame) == 0:
        return pa.array([], type=pa.large_string())
    array = pa.array(source.frame[column].array, type=pa.large_string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return pc.utf8_trim_whitespace(array)


def _on_unique(array: pa.Array, function) -> pa.Array:
    """Apply ``function`` to the distinct values only, when that saves work."""
    if len(array) == 0:
        return function(array)
    encoded = pc.dictionary_encode(array)
    if len(encoded.dictionary) > 0.6 * len(array):
        return function(array)
    return pc.take(function(encoded.dictionary), encoded.indices)


# --- pseudonyms --------------------------------------------------------------------------------

def pseudonyms(values: list[str], key: bytes, domain: str) -> list[str]:
    """Keyed-hash pseudonyms (BLAKE2b with the secret key): 13 capital letters per value."""
    prefix = domain.encode("utf-8") + b"\x1f"
    digests = b"".join(
        hashlib.blake2b(prefix + v.encode("utf-8"), key=key, digest_size=8).digest() for v in values
    )
    numbers = np.frombuffer(digests, dtype="<u8").copy()
    letters = np.empty((len(values), PSEUDONYM_LENGTH), dtype=np.uint8)
    for i in range(PSEUDONYM_LENGTH):
        numbers, rest = np.divmod(numbers, np.uint64(26))
        letters[:, i] = _ALPHABET[rest.astype(np.int64)]
    return letters.view(f"S{PSEUDONYM_LENGTH}").ravel().astype(str).tolist()


def _normalise_key(array: pa.Array, kind: str) -> pa.Array:
    if kind == "bsn":
        digits = pc.replace_substring_regex(array, pattern=r"[^0-9]", replacement="")
        return pc.if_else(pc.equal(digits, ""), digits, pc.utf8_lpad(digits, 9, "0"))
    return pc.utf8_upper(array)


def pseudonymise(array: pa.Array, key: bytes, domain: str, kind: str, path, column) -> pa.Array:
    encoded = pc.dictionary_encode(_normalise_key(array, kind))
    uniques = encoded.dictionary.to_pylist()
    names = pseudonyms(uniques, key, domain)
    if len(set(names)) != len(names):  # pragma: no cover - chance about 1 in 10 million per million values
        raise ExportError(path, "twee waarden kregen dezelfde schuilnaam; draai opnieuw met een andere sleutel", column=column)
    names = ["" if u == "" else n for u, n in zip(uniques, names)]
    return pc.take(pa.array(names, type=pa.large_string()), encoded.indices)


# --- dates, numbers ----------------------------------------------------------------------------

_DMY = r"^(?P<d>[0-9]{1,2})[-/.](?P<m>[0-9]{1,2})[-/.](?P<y>[0-9]{4})(?:[ T].*)?$"
_ISO = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})(?:[ T].*)?$"


def parse_dates(array: pa.Array, fmt: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day (0 where empty or invalid) and a mask of non-empty values that are not dates."""
    parts = {}
    for pattern in ((_DMY, _ISO) if fmt != "iso" else (_ISO, _DMY)):
        struct = pc.extract_regex(array, pattern=pattern)
        valid = pc.fill_null(pc.is_valid(struct), False).to_numpy(zero_copy_only=False)
        for name in ("y", "m", "d"):
            field_values = pc.struct_field(struct, name)
            numbers = pc.cast(pc.fill_null(field_values, "0"), pa.int64()).to_numpy(zero_copy_only=False)
            numbers = np.where(valid, numbers, 0)
            parts[name] = np.where(parts[name] > 0, parts[name], numbers) if name in parts else numbers
    y, m, d = parts["y"], parts["m"], parts["d"]
    ok = (y > 0) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31)
    checked = pd.to_datetime(
        pd.DataFrame({"year": np.where(ok, y, 2000), "month": np.where(ok, m, 1), "day": np.where(ok, d, 1)}),
        errors="coerce",
    )
    ok &= checked.notna().to_numpy()
    empty = pc.equal(array, "").to_numpy(zero_copy_only=False) if len(array) else np.zeros(0, bool)
    bad = ~ok & ~empty
    return np.where(ok, y, 0), np.where(ok, m, 0), np.where(ok, d, 0), bad


def parse_numbers(array: pa.Array, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numbers (NaN where empty or invalid) and a mask of non-empty values that are not numbers."""
    text = array
    if decimal_comma:
        text = pc.replace_substring(text, ".", "")
        text = pc.replace_substring(text, ",", ".")
    numbers = pd.to_numeric(pd.Series(text.to_numpy(zero_copy_only=False), dtype=object), errors="coerce").to_numpy(float)
    empty = pc.equal(array, "").to_numpy(zero_copy_only=False) if len(array) else np.zeros(0, bool)
    return numbers, np.isnan(numbers) & ~empty


def _check_parsed(result: FileResult, column: str, bad: np.ndarray, what: str) -> None:
    if not bad.any():
        return
    source = result.source
    first = int(np.flatnonzero(bad)[0])
    share = bad.mean()
    sample = source.frame[column].iloc[first]
    message = f"{source.name}, regel {source.line_of(first)}, kolom '{column}': {int(bad.sum())} waarde(n) zijn geen {what} (bijv. {sample!r})"
    if share > 0.5:
        raise ExportError(source.path, f"meer dan de helft van de waarden is geen {what} (bijv. {sample!r}); klopt de actie in het plan?",
                          line=source.line_of(first), column=column)
    result.warnings.append(message + "; die zijn leeg gelaten")


# --- hierarchies -------------------------------------------------------------------------------

def _level(keys: np.ndarray, missing: np.ndarray, label, description: str) -> Level:
    uniques, inverse = np.unique(np.where(missing, np.iinfo(np.int64).min, keys), return_inverse=True)
    labels = [label(int(u)) for u in uniques]
    codes = inverse.astype(np.int64)
    if missing.any():
        missing_code = int(np.flatnonzero(uniques == np.iinfo(np.int64).min)[0])
        codes = np.where(codes == missing_code, -1, codes)
        codes = np.where(codes > missing_code, codes - 1, codes)
        del labels[missing_code]
    return Level(codes, labels, description)


def _top(n: int) -> Level:
    return Level(np.zeros(n, dtype=np.int64), ["*"], "volledig weggelaten (*)")


def age_hierarchy(ages: np.ndarray, missing: np.ndarray, edges: list[int]) -> list[Level]:
    levels = []
    step = 1
    while True:
        bounds = edges[::step]

        def label(i: int, bounds=bounds) -> str:
            if i == 0:
                return f"<{bounds[0]}"
            if i == len(bounds):
                return f"{bounds[-1]}+"
            return f"{bounds[i - 1]}-{bounds[i] - 1}"

        keys = np.searchsorted(np.asarray(bounds), ages, side="right")
        levels.append(_level(keys, missing, label, f"leeftijdsklassen met grenzen {bounds}"))
        if len(bounds) <= 1:
            break
        step *= 2
    levels.append(_top(len(ages)))
    return levels


def region_hierarchy(pc4: np.ndarray, missing: np.ndarray, indeling: dict[str, str] | None) -> list[Level]:
    levels = []
    if indeling:
        prefixes = sorted(indeling, key=len, reverse=True)
        text = np.array([f"{p:04d}" for p in pc4])
        names = np.full(len(pc4), "", dtype=object)
        for prefix in prefixes:
            hit = (names == "") & np.char.startswith(text.astype(str), prefix)
            names[hit] = indeling[prefix]
        names[names == ""] = "overig"
        codes, uniques = pd.factorize(names)
        codes = np.where(missing, -1, codes)
        levels.append(Level(codes.astype(np.int64), [str(u) for u in uniques], "regio volgens de indeling in het plan"))
    else:
        levels.append(_level(pc4 // 100, missing, lambda v: f"{v:02d}xx", "eerste twee cijfers van de postcode"))
        levels.append(_level(pc4 // 1000, missing, lambda v: f"{v}xxx", "eerste cijfer van de postcode"))
    levels.append(_top(len(pc4)))
    return levels


def date_hierarchy(y: np.ndarray, m: np.ndarray, missing: np.ndarray) -> list[Level]:
    return [
        _level(y * 100 + m, missing, lambda v: f"{v // 100:04d}-{v % 100:02d}", "jaar en maand"),
        _level(y * 10 + (m - 1) // 3 + 1, missing, lambda v: f"{v // 10:04d}-K{v % 10}", "jaar en kwartaal"),
        _level(y, missing, lambda v: f"{v:04d}", "jaar"),
        _top(len(y)),
    ]


def value_hierarchy(array: pa.Array) -> list[Level]:
    codes, uniques = pd.factorize(np.asarray(array.to_numpy(zero_copy_only=False), dtype=object))
    labels = [str(u) for u in uniques]
    return [Level(codes.astype(np.int64), labels, "waarde zoals in de export"), _top(len(array))]


# --- one file ----------------------------------------------------------------------------------

def transform_file(source: SourceFile, fplan: FilePlan, plan: Plan, key: bytes) -> FileResult:
    result = FileResult(source, {})
    reference = plan.peildatum
    for column in source.frame.columns:
        cplan: ColumnPlan = fplan.kolommen[column]
        if cplan.actie == "verwijder":
            continue
        array = _text(source, column)
        out, hierarchy = _transform_column(result, column, cplan, array, key, reference)
        if hierarchy is not None and cplan.rol == "quasi":
            result.hierarchies[column] = Hierarchy(column, hierarchy)
        if cplan.rol == "gevoelig":
            result.sensitive.append(column)
        result.columns[column] = out
    return result


def _transform_column(result: FileResult, column: str, cplan: ColumnPlan, array: pa.Array, key: bytes,
                      reference: dt.date) -> tuple[pa.Array, list[Level] | None]:
    quasi = cplan.rol == "quasi"
    match cplan.actie:
        case "pseudonimiseer":
            result.keys[column] = cplan.sleutel or column
            return pseudonymise(array, key, cplan.sleutel or column, cplan.soort, result.source.path, column), None
        case "redigeer":
            counts: dict[str, int] = {}
            out = _on_unique(array, lambda a: redact_array(a, counts))
            result.redactions[column] = counts
            return out, None
        case "leeftijdsklasse":
            if cplan.soort == "leeftijd" or cplan.datumformaat is None and _mostly_numbers(array):
                ages, bad = parse_numbers(array, cplan.decimale_komma)
                _check_parsed(result, column, bad, "leeftijd")
                missing = np.isnan(ages)
                ages = np.where(missing, 0, np.floor(np.nan_to_num(ages))).astype(np.int64)
            else:
                y, m, d, bad = parse_dates(array, cplan.datumformaat)
                _check_parsed(result, column, bad, "datum")
                missing = y == 0
                before = (m > reference.month) | ((m == reference.month) & (d > reference.day))
                ages = np.where(missing, 0, reference.year - y - before.astype(np.int64))
            levels = age_hierarchy(ages, missing, cplan.grenzen or DEFAULT_AGE_EDGES)
            return levels[0].values(), levels if quasi else [levels[0]]
        case "regio":
            digits = pc.extract_regex(array, pattern=r"^(?P<pc>[1-9][0-9]{3})")
            valid = pc.fill_null(pc.is_valid(digits), False).to_numpy(zero_copy_only=False)
            numbers = pc.cast(pc.fill_null(pc.struct_field(digits, "pc"), "0"), pa.int64()).to_numpy(zero_copy_only=False)
            empty = pc.equal(array, "").to_numpy(zero_copy_only=False) if len(array) else np.zeros(0, bool)
            _check_parsed(result, column, ~valid & ~empty, "postcode")
            levels = region_hierarchy(np.where(valid, numbers, 0), ~valid, cplan.indeling)
            return levels[0].values(), levels if quasi else [levels[0]]
        case "maand":
            y, m, _, bad = parse_dates(array, cplan.datumformaat)
            _check_parsed(result, column, bad, "datum")
            levels = date_hierarchy(y, m, y == 0)
            return levels[0].values(), levels if quasi else [levels[0]]
        case "behoud":
            out = _keep(result, column, cplan, array)
            return out, (value_hierarchy(out) if quasi else None)
    raise AssertionError(cplan.actie)  # pragma: no cover


def _mostly_numbers(array: pa.Array) -> bool:
    if len(array) == 0:
        return True
    return pc.mean(pc.cast(pc.match_substring_regex(array, r"^[0-9]{1,3}([.,][0-9]+)?$|^$"), pa.int8())).as_py() > 0.5


def _keep(result: FileResult, column: str, cplan: ColumnPlan, array: pa.Array) -> pa.Array:
    if cplan.datumformaat:
        y, m, d, bad = parse_dates(array, cplan.datumformaat)
        _check_parsed(result, column, bad, "datum")
        iso = pd.Series(y * 10000 + m * 100 + d).astype(str)
        iso = iso.str.slice(0, 4) + "-" + iso.str.slice(4, 6) + "-" + iso.str.slice(6, 8)
        array = pa.array(np.where(y > 0, iso.to_numpy(object), ""), type=pa.large_string())
    elif cplan.decimale_komma:
        array = pc.replace_substring(pc.replace_substring(array, ".", ""), ",", ".")
    # A safety net: whatever is kept is still searched for identifiers (names, BSNs, …).
    counts: dict[str, int] = {}
    only = {"bsn", "iban", "telefoon"} if cplan.soort in ("getal", "datum") else None
    out = _on_unique(array, lambda a: redact_array(a, counts, only=only))
    found = {k: v for k, v in counts.items() if v}
    if found:
        changed = pc.fill_null(pc.not_equal(array, out), False).to_numpy(zero_copy_only=False)
        first = int(np.flatnonzero(changed)[0]) if changed.any() else 0
        result.redactions[column] = counts
        result.warnings.append(
            f"{result.source.name}, regel {result.source.line_of(first) if len(result.source.lines) else '?'}, kolom '{column}': "
            f"kolom wordt behouden maar bevat identificerende gegevens ({', '.join(f'{k}: {v}' for k, v in found.items())}); "
            "die zijn vervangen; overweeg actie 'redigeer' of 'verwijder'"
        )
    return out


__all__ = ["FileResult", "Hierarchy", "Level", "STRING", "pseudonyms", "transform_file"]
