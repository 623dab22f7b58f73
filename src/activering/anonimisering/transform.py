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

from activering.anonimisering.detect import PLACEHOLDERS, redact_array
from activering.anonimisering.plan import DEFAULT_AGE_EDGES, ColumnPlan, FilePlan, Plan
from activering.anonimisering.read import STRING, ExportError, SourceFile, lines_text

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
    redactions: dict[str, dict[str, int]] = field(default_factory=dict)  # column → kind → replacements
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
    digests = b"".join(hashlib.blake2b(prefix + v.encode("utf-8"), key=key, digest_size=8).digest() for v in values)
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
        raise ExportError(
            path, "twee waarden kregen dezelfde schuilnaam; draai opnieuw met een andere sleutel", column=column
        )
    names = ["" if u == "" else n for u, n in zip(uniques, names)]
    return pc.take(pa.array(names, type=pa.large_string()), encoded.indices)


# --- dates, numbers ----------------------------------------------------------------------------

_DMY = r"^(?P<d>[0-9]{1,2})[-/.](?P<m>[0-9]{1,2})[-/.](?P<y>[0-9]{4})(?:[ T].*)?$"
_ISO = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})(?:[ T].*)?$"


def parse_dates(array: pa.Array, fmt: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day (0 where empty or invalid) and a mask of non-empty values that are not dates."""
    parts = {}
    for pattern in (_DMY, _ISO) if fmt != "iso" else (_ISO, _DMY):
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
    numbers = pd.to_numeric(pd.Series(text.to_numpy(zero_copy_only=False), dtype=object), errors="coerce").to_numpy(
        float
    )
    empty = pc.equal(array, "").to_numpy(zero_copy_only=False) if len(array) else np.zeros(0, bool)
    return numbers, np.isnan(numbers) & ~empty


def _check_parsed(result: FileResult, column: str, bad: np.ndarray, what: str) -> None:
    """Report the rows whose value could not be read, by line number only: never the value itself."""
    if not bad.any():
        return
    source = result.source
    rows = np.flatnonzero(bad)
    lines = [source.line_of(int(r)) for r in rows[:5]] if len(source.lines) else []
    where = lines_text(lines, len(rows)) if lines else f"{len(rows):,} rijen"
    if bad.mean() > 0.5 and len(rows) > 10:
        raise ExportError(
            source.path, f"meer dan de helft van de waarden is geen {what}; klopt de actie in het plan?", column=column
        )
    result.warnings.append(
        f"{source.name}, kolom '{column}': {len(rows):,} waarde(n) zijn geen geldige {what} "
        f"({where}); die zijn leeg gelaten"
    )


# --- hierarchies -------------------------------------------------------------------------------


def _level(keys: np.ndarray, missing: np.ndarray, label, description: str) -> Level:
    """Codes for the distinct keys (in key order), -1 for missing rows; labels only for present keys."""
    codes = np.full(len(keys), -1, dtype=np.int64)
    present = ~missing
    uniques, inverse = np.unique(keys[present], return_inverse=True)
    codes[present] = inverse.reshape(-1)
    return Level(codes, [label(int(u)) for u in uniques], description)


def _top(n: int) -> Level:
    return Level(np.zeros(n, dtype=np.int64), ["*"], "volledig weggelaten (*)")


def age_hierarchy(
    ages: np.ndarray, missing: np.ndarray, edges: list[int], what: str = "leeftijdsklassen"
) -> list[Level]:
    """Bands with the given lower bounds (``<18``, ``18-26``, …, ``65+``), then every other bound dropped, …, ``*``."""
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
        levels.append(_level(keys, missing, label, f"{what} met grenzen {bounds}"))
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


def rounding_hierarchy(values: np.ndarray, missing: np.ndarray, step: int) -> list[Level]:
    """Rounded to ``step``, then to 5 and 25 times ``step``, then ``*``."""
    levels = []
    for factor in (1, 5, 25):
        unit = step * factor
        keys = np.floor(np.nan_to_num(values) / unit + 0.5).astype(np.int64) * unit
        levels.append(_level(keys, missing, lambda v: str(v), f"afgerond op {unit}"))
    levels.append(_top(len(values)))
    return levels


def value_hierarchy(array: pa.Array, k: int = 5) -> list[Level]:
    """The values as they are, then the rare ones (fewer than k rows) together as ``overig``, then ``*``."""
    values = np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)
    codes, uniques = pd.factorize(values)
    labels = [str(u) for u in uniques]
    empty = np.array([u == "" for u in uniques], dtype=bool)
    codes = codes.astype(np.int64)
    if empty.any():  # an empty value is "not known", not a category of its own
        e = int(np.flatnonzero(empty)[0])
        codes = np.where(codes == e, -1, np.where(codes > e, codes - 1, codes))
        del labels[e]
    levels = [Level(codes, labels, "waarde zoals in de export")]
    sizes = np.bincount(codes[codes >= 0], minlength=len(labels))
    rare = sizes < k
    if rare.any() and not rare.all() and rare.sum() > 1:
        keep = np.flatnonzero(~rare)
        new_code = np.full(len(labels), len(keep), dtype=np.int64)
        new_code[keep] = np.arange(len(keep))
        merged = np.where(codes >= 0, new_code[np.maximum(codes, 0)], -1)
        levels.append(
            Level(
                merged, [labels[i] for i in keep] + ["overig"], f"waarden met minder dan {k} rijen samen als 'overig'"
            )
        )
    levels.append(_top(len(array)))
    return levels


# --- one file ----------------------------------------------------------------------------------


@dataclass
class TextScrub:
    """How free text is cleaned: names from the export's own name columns, and whether deduce runs."""

    names: object = None  # a freetext.NameIndex, or None
    use_deduce: bool = True
    progress: object = None  # called with the number of texts done
    owners: dict = field(default_factory=dict)  # file name → per row the name tokens of the person it is about


def transform_file(
    source: SourceFile, fplan: FilePlan, plan: Plan, key: bytes, scrub: TextScrub | None = None
) -> FileResult:
    result = FileResult(source, {})
    reference = plan.peildatum
    scrub = scrub or TextScrub()
    for column in source.frame.columns:
        cplan: ColumnPlan = fplan.kolommen[column]
        if cplan.actie == "verwijder":
            continue
        array = _text(source, column)
        out, hierarchy = _transform_column(result, column, cplan, array, key, reference, scrub, plan.k)
        if hierarchy is not None and cplan.rol == "quasi":
            result.hierarchies[column] = Hierarchy(column, hierarchy)
        if cplan.rol == "gevoelig":
            result.sensitive.append(column)
        result.columns[column] = out
    return result


def _placeholder_counts(before: pa.Array, after: pa.Array) -> dict[str, int]:
    """Replacements per kind, counted as placeholders added (``[BSN]`` …), not as rows changed."""
    counts = {}
    for kind, placeholder in PLACEHOLDERS.items():
        added = (pc.sum(pc.count_substring(after, placeholder)).as_py() or 0) - (
            pc.sum(pc.count_substring(before, placeholder)).as_py() or 0
        )
        if added > 0:
            counts[kind] = int(added)
    return counts


def scrub_text(
    array: pa.Array,
    scrub: TextScrub,
    *,
    structured: bool = True,
    deduce: bool | None = None,
    only: set[str] | None = None,
    report_progress: bool = False,
) -> tuple[pa.Array, dict[str, int]]:
    """Structured identifiers (BSN, e-mail, …) first, then names; returns the text and replacements per kind."""
    out = _on_unique(array, lambda a: redact_array(a, None, only=only)) if structured else array
    counts = _placeholder_counts(array, out)
    use_deduce = scrub.use_deduce if deduce is None else deduce
    if scrub.names is not None or use_deduce:
        from activering.anonimisering.freetext import scrub_names

        name_counts: dict[str, int] = {}
        out = scrub_names(
            out,
            scrub.names,
            use_deduce=use_deduce,
            counts=name_counts,
            progress=scrub.progress if report_progress else None,
        )
        for kind, n in name_counts.items():
            if n:
                counts[kind] = counts.get(kind, 0) + int(n)
    elif report_progress and scrub.progress is not None:
        scrub.progress(len(array))
    if len(out):  # a tussenvoegsel left before a replaced surname ("de [NAAM]") goes with it
        out = pc.replace_substring_regex(out, pattern=_TUSSEN_BEFORE_NAME, replacement="[NAAM]")
    return out, counts


_TUSSEN_BEFORE_NAME = (
    r"\b(?:(?:[Vv]an (?:der|den|de|het|'t)|[Ii]n (?:'t|het)|[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]er|[Tt]en"
    r"|[Uu]it (?:de|den)|[Oo]p (?:de|den)|[Ee]l|[Aa]l|[Ll]a|[Ll]e|[Dd]a|[Dd]u|[Vv]on)[ \-])+\[NAAM\]"
)


def _bands(
    result: FileResult, column: str, cplan: ColumnPlan, array: pa.Array, quasi: bool
) -> tuple[pa.Array, list[Level]]:
    values, bad = parse_numbers(array, cplan.decimale_komma)
    _check_parsed(result, column, bad, "getal")
    missing = np.isnan(values)
    if cplan.actie == "afronden":
        levels = rounding_hierarchy(values, missing, int(cplan.stap or 1))
    else:
        whole = np.where(missing, 0, np.floor(np.nan_to_num(values))).astype(np.int64)
        levels = age_hierarchy(whole, missing, cplan.grenzen or [1], what="klassen")
    return levels[0].values(), levels if quasi else [levels[0]]


def _transform_column(
    result: FileResult,
    column: str,
    cplan: ColumnPlan,
    array: pa.Array,
    key: bytes,
    reference: dt.date,
    scrub: TextScrub,
    k: int,
) -> tuple[pa.Array, list[Level] | None]:
    quasi = cplan.rol == "quasi"
    match cplan.actie:
        case "pseudonimiseer":
            result.keys[column] = cplan.sleutel or column
            return pseudonymise(array, key, cplan.sleutel or column, cplan.soort, result.source.path, column), None
        case "redigeer":
            out, counts = scrub_text(array, scrub, report_progress=True)
            owners = scrub.owners.get(result.source.name)
            if owners is not None:
                from activering.anonimisering.freetext import scrub_own_names

                out, own = scrub_own_names(out, owners)
                if own:
                    counts["naam_eigen"] = counts.get("naam_eigen", 0) + own
            result.redactions[column] = counts
            return out, None
        case "klasse" | "afronden":
            return _bands(result, column, cplan, array, quasi)
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
            numbers = pc.cast(pc.fill_null(pc.struct_field(digits, "pc"), "0"), pa.int64()).to_numpy(
                zero_copy_only=False
            )
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
            out = _keep(result, column, cplan, array, scrub)
            return out, (value_hierarchy(out, k) if quasi else None)
    raise AssertionError(cplan.actie)  # pragma: no cover


def _mostly_numbers(array: pa.Array) -> bool:
    if len(array) == 0:
        return True
    return pc.mean(pc.cast(pc.match_substring_regex(array, r"^[0-9]{1,3}([.,][0-9]+)?$|^$"), pa.int8())).as_py() > 0.5


def _keep(result: FileResult, column: str, cplan: ColumnPlan, array: pa.Array, scrub: TextScrub) -> pa.Array:
    if cplan.datumformaat:
        y, m, d, bad = parse_dates(array, cplan.datumformaat)
        _check_parsed(result, column, bad, "datum")
        iso = pd.Series(y * 10000 + m * 100 + d).astype(str)
        iso = iso.str.slice(0, 4) + "-" + iso.str.slice(4, 6) + "-" + iso.str.slice(6, 8)
        array = pa.array(np.where(y > 0, iso.to_numpy(object), ""), type=pa.large_string())
    elif cplan.decimale_komma:
        array = pc.replace_substring(pc.replace_substring(array, ".", ""), ",", ".")
    # A safety net: whatever is kept is still searched for identifiers (BSNs, …) and for the names
    # in the export's own name columns (deduce is for sentences, not for single values).
    if cplan.soort in ("getal", "datum"):
        out, found = scrub_text(array, TextScrub(None, use_deduce=False), only={"bsn", "iban", "telefoon"})
    else:
        out, found = scrub_text(array, scrub, deduce=False)
    if found:
        changed = pc.fill_null(pc.not_equal(array, out), False).to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(changed)
        result.redactions[column] = found
        where = (
            lines_text([result.source.line_of(int(r)) for r in rows[:5]], len(rows))
            if len(result.source.lines) and len(rows)
            else "?"
        )
        result.warnings.append(
            f"{result.source.name}, kolom '{column}' ({where}): kolom wordt behouden maar bevat identificerende "
            f"gegevens ({', '.join(f'{k}: {v}' for k, v in found.items())}); die zijn vervangen; overweeg actie "
            "'redigeer' of 'verwijder'"
        )
    return out


__all__ = ["FileResult", "Hierarchy", "Level", "STRING", "TextScrub", "pseudonyms", "scrub_text", "transform_file"]
