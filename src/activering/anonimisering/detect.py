"""Finding identifiers in whole columns: redaction of a column at once, and what a column holds.

Public API:

- :func:`redact_array`: the text redaction of :mod:`activering.anonimisering.identifiers` for a whole
  column at once (vectorised, via pyarrow/RE2), with the same rule table;
- :func:`classify_column`: what a column holds, judged by its name and its values.

The text detectors (:func:`find_identifiers`, :func:`redact`, :func:`elfproef`, :func:`iban_valid`,
:class:`Finding`) live in :mod:`activering.anonimisering.identifiers`, which needs no pyarrow; they
are importable from here too.
"""

from __future__ import annotations

import os
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from activering.anonimisering.identifiers import (  # noqa: F401  (re-exported: the detectors' old home)
    PLACEHOLDERS,
    Finding,
    _apply_python,
    _compiled,
    bsn_spans,
    elfproef,
    find_identifiers,
    iban_valid,
    redact,
)


def redact_array(
    values: pa.Array | pa.ChunkedArray, counts: dict[str, int] | None = None, only: set[str] | None = None
) -> pa.Array:
    """Redact a whole column of text at once; ``counts`` (if given) gets the rows changed per kind.

    Rules without a check run as one RE2 replacement over the column. Rules with a check (BSN
    elfproef, IBAN mod-97) first select the rows with a candidate (RE2), then check only those
    rows in Python.
    ``only`` limits the rules to some kinds (e.g. ``{"bsn"}`` for a column of amounts).
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    array = values.cast(pa.large_string()) if values.type != pa.large_string() else values
    workers = min(os.cpu_count() or 1, 8)
    if len(array) >= 200_000 and workers > 1:
        # RE2 in pyarrow releases the GIL: one slice per core.
        from concurrent.futures import ThreadPoolExecutor

        size = -(-len(array) // workers)
        slices = [array.slice(i, size) for i in range(0, len(array), size)]
        partial = [{} for _ in slices]
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(lambda job: _redact_one(*job, only), zip(slices, partial)))
        if counts is not None:
            for part in partial:
                for kind, n in part.items():
                    counts[kind] = counts.get(kind, 0) + n
        return pa.concat_arrays(parts)
    return _redact_one(array, counts, only)


def _redact_one(array: pa.Array, counts: dict[str, int] | None, only: set[str] | None) -> pa.Array:
    for rule, pattern, re2 in _compiled():
        if only is not None and rule.kind not in only:
            continue
        before = array
        if rule.spans is None:
            replacement = ("\\1" if rule.keep_group else "") + PLACEHOLDERS[rule.kind]
            array = pc.replace_substring_regex(array, pattern=re2, replacement=replacement)
        else:
            mask = pc.fill_null(pc.match_substring_regex(array, pattern=re2), False)
            if not pc.any(mask).as_py():
                continue
            rows = pc.indices_nonzero(mask)
            candidates = pc.take(array, rows).to_pylist()
            fixed = pa.array([_apply_python(rule, pattern, t) for t in candidates], type=pa.large_string())
            array = _scatter(array, rows, fixed)
        if counts is not None:
            changed = pc.sum(pc.fill_null(pc.not_equal(before, array), False)).as_py() or 0
            counts[rule.kind] = counts.get(rule.kind, 0) + changed
    return array


def _scatter(array: pa.Array, rows: pa.Array, fixed: pa.Array) -> pa.Array:
    """``array`` with the values at ``rows`` replaced by ``fixed``."""
    import numpy as np

    index = np.arange(len(array), dtype=np.int64)
    position = np.full(len(array), -1, dtype=np.int64)
    position[rows.to_numpy(zero_copy_only=False)] = np.arange(len(rows))
    combined = pa.concat_arrays([array, fixed])
    take = np.where(position >= 0, len(array) + position, index)
    return pc.take(combined, pa.array(take))


# --------------------------------------------------------------------------------------------
# Columns: what does a column hold, judged by its name and a sample of its values.
# --------------------------------------------------------------------------------------------

_NAME_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bsn", ("bsn", "burgerservicenummer", "sofinummer", "sofinr", "sofi")),
    ("geboortedatum", ("geboortedatum", "gebdatum", "gebdat", "geboren", "dob", "birthdate", "dateofbirth")),
    ("iban", ("iban", "rekeningnummer", "rekeningnr", "bankrekening", "bankrekeningnummer")),
    ("email", ("email", "emailadres", "mail", "mailadres")),
    ("telefoon", ("telefoon", "telefoonnummer", "telnr", "tel", "mobiel", "gsm", "phone", "telefoonnr")),
    ("postcode", ("postcode", "pc", "pc4", "zip", "zipcode")),
    ("adres", ("adres", "straat", "straatnaam", "huisnummer", "huisnr", "toevoeging", "woonadres", "address")),
    (
        "naam",
        (
            "naam",
            "voornaam",
            "voornamen",
            "achternaam",
            "geslachtsnaam",
            "roepnaam",
            "voorletters",
            "tussenvoegsel",
            "tussenvoegsels",
            "voorvoegsel",
            "voorvoegsels",
            "naamgebruik",
            "aanschrijfnaam",
            "name",
            "firstname",
            "lastname",
            "clientnaam",
            "klantnaam",
            "partnernaam",
            "contactpersoon",
            "volledigenaam",
        ),
    ),
    (
        "klantmanager",
        (
            "klantmanager",
            "km",
            "kmid",
            "consulent",
            "medewerker",
            "behandelaar",
            "casemanager",
            "trajectregisseur",
            "regisseur",
        ),
    ),
    (
        "klantnummer",
        (
            "klantnummer",
            "klantnr",
            "clientnummer",
            "clientnr",
            "clientid",
            "klantid",
            "dossiernummer",
            "dossiernr",
            "registratienummer",
            "relatienummer",
            "persoonsnummer",
            "persoonsid",
            "id",
        ),
    ),
    ("leeftijd", ("leeftijd", "age", "leeftijdjaren")),
    ("geslacht", ("geslacht", "gender", "sexe")),
    ("woonplaats", ("woonplaats", "plaats", "wijk", "buurt", "stadsdeel", "regio")),
    (
        "huishouden",
        (
            "huishouden",
            "huishoudtype",
            "gezinssituatie",
            "leefvorm",
            "burgerlijkestaat",
            "nationaliteit",
            "geboorteland",
            "herkomst",
        ),
    ),
    (
        "vrije_tekst",
        (
            "notitie",
            "notities",
            "opmerking",
            "opmerkingen",
            "toelichting",
            "verslag",
            "memo",
            "omschrijving",
            "tekst",
            "aantekening",
            "aantekeningen",
            "rapportage",
            "verslaglegging",
            "bijzonderheden",
        ),
    ),
)

_SENSITIVE_HINTS = (
    "sanctie",
    "maatregel",
    "gezondheid",
    "belemmering",
    "medisch",
    "verslaving",
    "schuld",
    "diagnose",
    "strafblad",
    "psychisch",
    "beperking",
    "uitsluiting",
    "handicap",
)
_NOT_PERSON = (
    "gemeente",
    "team",
    "organisatie",
    "bedrijf",
    "aanbieder",
    "traject",
    "bestand",
    "straat",
    "project",
    "regeling",
    "product",
    "werkgever",
    "school",
)

_DATE_RE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$|^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\S*)?\s*$")
_NUMBER_RE = re.compile(r"^\s*[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s*$|^\s*[-+]?\d+(?:\.\d+)?\s*$")
_EMAIL_RE = re.compile(r"^\s*[A-Za-z0-9._%+\-À-ÖØ-öø-ɏ]+@[A-Za-z0-9\-.]+\.[A-Za-z]{2,}\s*$")
_PHONE_RE = re.compile(r"^\s*(?:\+31|0031|0)[ \-]?(?:\(0\)[ \-]?)?[1-9](?:[ \-]?[0-9]){8}\s*$")
_POSTCODE_RE = re.compile(r"^\s*[1-9][0-9]{3}\s?[A-Za-z]{2}\s*$")
_ID_RE = re.compile(r"^\s*[A-Za-z]{0,6}[-_/]?\d{3,}\s*$")


def normalise_name(column: str) -> str:
    """A column name in lower case without spaces, accents or punctuation (``E-mail`` → ``email``)."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", column).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


@dataclass(frozen=True)
class ColumnGuess:
    """What a column holds (``soort``), whether it is sensitive, and why we think so."""

    kind: str
    reason: str
    sensitive: bool = False
    date_format: str | None = None  # "dmy" or "iso" for date columns
    decimal_comma: bool = False


def _share(values: list[str], test: Callable[[str], bool]) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _by_name(column: str) -> tuple[str | None, str]:
    norm = normalise_name(column)
    if any(norm.startswith(p) for p in _NOT_PERSON) and "naam" in norm:
        return None, ""
    for kind, hints in _NAME_HINTS:
        for hint in hints:
            if norm == hint:
                return kind, f"kolomnaam '{column}'"
    for kind, hints in _NAME_HINTS:
        for hint in hints:
            if len(hint) >= 4 and hint in norm and not (kind == "naam" and any(p in norm for p in _NOT_PERSON)):
                return kind, f"kolomnaam '{column}' bevat '{hint}'"
    if norm.endswith("id") or norm.endswith("nr") or norm.endswith("nummer"):
        return "id", f"kolomnaam '{column}' eindigt op id/nr/nummer"
    return None, ""


def date_format(values: list[str]) -> str | None:
    """``dmy`` (dd-mm-jjjj) or ``iso`` (jjjj-mm-dd) when most sample values are dates."""
    if not values:
        return None
    matches = [_DATE_RE.match(v) for v in values]
    share = sum(1 for m in matches if m) / len(values)
    if share < 0.8:
        return None
    dmy = sum(1 for m in matches if m and m.group(3))
    return "dmy" if dmy >= len(values) / 2 else "iso"


def classify_column(column: str, sample: list[str], n_rows: int, n_unique: int) -> ColumnGuess:
    """Guess what a column holds from its name and a sample of its non-empty values."""
    values = [v for v in sample if v.strip()]
    sensitive = any(h in normalise_name(column) for h in _SENSITIVE_HINTS)
    kind, reason = _by_name(column)
    fmt = date_format(values)
    if values:
        content: tuple[str, str] | None = None
        if _share(values, elfproef) >= 0.9:
            content = ("bsn", f"{_share(values, elfproef):.0%} van de waarden haalt de elfproef")
        elif _share(values, lambda v: _EMAIL_RE.match(v) is not None) >= 0.8:
            content = ("email", "de waarden zijn e-mailadressen")
        elif _share(values, iban_valid) >= 0.8:
            content = ("iban", "de waarden zijn IBAN's (mod-97-controle)")
        elif _share(values, lambda v: _PHONE_RE.match(v) is not None) >= 0.8:
            content = ("telefoon", "de waarden zijn telefoonnummers")
        elif _share(values, lambda v: _POSTCODE_RE.match(v) is not None) >= 0.8:
            content = ("postcode", "de waarden zijn postcodes")
        elif kind is None and _share(values, lambda v: bool(find_identifiers(v))) >= 0.5 and n_unique > 20:
            mean_len = statistics.fmean(len(v) for v in values)
            if mean_len < 30 and _share(values, lambda v: any(f.kind == "naam" for f in find_identifiers(v))) >= 0.5:
                content = ("naam", "de meeste waarden zijn (bekende) namen")
        if content is not None:
            found = content[0]
            if kind == "klantmanager" and found == "naam":
                found = "klantmanager"
            return ColumnGuess(found, "; ".join(x for x in (reason, content[1]) if x), sensitive)
    if kind == "geboortedatum" or (kind is None and fmt and _looks_like_birth_dates(values, fmt)):
        why = reason or "datums die allemaal meer dan 16 jaar terug liggen, verspreid over decennia"
        return ColumnGuess("geboortedatum", why, sensitive, date_format=fmt or "dmy")
    if kind is not None and kind not in ("id",):
        return ColumnGuess(kind, reason, sensitive, date_format=fmt)
    if fmt:
        return ColumnGuess("datum", "de waarden zijn datums", sensitive, date_format=fmt)
    if values and _share(values, lambda v: _NUMBER_RE.match(v) is not None) >= 0.95:
        decimal_comma = any("," in v for v in values)
        if kind == "id" or (
            n_unique == n_rows and n_rows > 20 and not decimal_comma and all("." not in v for v in values)
        ):
            return ColumnGuess("id", reason or "elke rij heeft een eigen nummer", sensitive)
        return ColumnGuess(
            "getal",
            "de waarden zijn getallen" + (" (decimale komma)" if decimal_comma else ""),
            sensitive,
            decimal_comma=decimal_comma,
        )
    if kind == "id" or (
        values
        and n_unique > 20
        and n_unique >= 0.95 * n_rows
        and _share(values, lambda v: _ID_RE.match(v) is not None) >= 0.9
    ):
        return ColumnGuess("id", reason or "elke rij heeft een eigen code", sensitive)
    if values:
        mean_len = statistics.fmean(len(v) for v in values)
        if mean_len >= 25 or (n_unique > 50 and _share(values, lambda v: " " in v.strip()) >= 0.5):
            return ColumnGuess("vrije_tekst", "lange tekst met spaties (vrije tekst)", sensitive)
        if n_unique <= max(50, n_rows // 20):
            return ColumnGuess("categorie", f"{n_unique} verschillende waarden", sensitive)
    if not values:
        return ColumnGuess("leeg", "de kolom is leeg", sensitive)
    return ColumnGuess(
        "onbekend", "veel verschillende korte waarden; voor de zekerheid behandeld als vrije tekst", sensitive
    )


def _looks_like_birth_dates(values: list[str], fmt: str) -> bool:
    import datetime as dt

    years = []
    for v in values:
        m = _DATE_RE.match(v)
        if m:
            years.append(int(m.group(3) or m.group(4)))
    if len(years) < 10:
        return False
    return max(years) <= dt.date.today().year - 16 and max(years) - min(years) >= 20
