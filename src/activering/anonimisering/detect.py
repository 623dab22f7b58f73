"""Finding identifiers: in free text (BSN, names, addresses, …) and whole columns.

Public API (also used outside the anonymiser, e.g. by the self-study journal):

- :func:`find_identifiers` ``(text) -> list[Finding]``: every identifier found in one text;
- :func:`redact` ``(text) -> str``: the text with each identifier replaced by a placeholder
  such as ``[NAAM]`` or ``[BSN]``;
- :func:`redact_array`: the same for a whole column at once (vectorised, via pyarrow/RE2);
- :func:`elfproef`, :func:`iban_valid`: the checks behind BSN and IBAN detection;
- :func:`classify_column`: what a column holds, judged by its name and its values.

One rule table drives all of these. Each rule has one regular expression written in the subset
that Python's ``re`` and RE2 (used by pyarrow) read the same way, so the text redaction of a
single note and of a million-row column give the same result.
"""

from __future__ import annotations

import os
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

import pyarrow as pa
import pyarrow.compute as pc

from activering.anonimisering.names import TITLES, TUSSENVOEGSELS, WORDLIKE, all_names

# Letter classes written out so that both regex engines agree (\b and \w are ASCII in both).
_UPPER = "A-ZÀ-ÖØ-ÞŞÇİĞ"
_LOWER = "a-zß-öø-ÿşçığ"
LU = f"[{_UPPER}]"
LETTER = f"[{_UPPER}{_LOWER}]"
WORDCHAR = f"[{_UPPER}{_LOWER}'’]"

# Letters outside ASCII in an e-mail address ("hüseyin.jansen@…", RFC 6531): Latin-1 and Latin
# Extended letters, Vietnamese, and combining accents (decomposed text). Literal characters, not
# \u escapes: RE2 does not read those.
_MAIL_LETTERS = "À-ÖØ-öø-ɏḀ-ỿ\u0300-\u036f?"  # '?': a letter that cp1252 could not hold

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "iban": "[IBAN]",
    "bsn": "[BSN]",
    "telefoon": "[TELEFOON]",
    "postcode": "[POSTCODE]",
    "adres": "[ADRES]",
    "geboortedatum": "[GEBOORTEDATUM]",
    "nummer": "[NUMMER]",
    "naam": "[NAAM]",
}


# Lower-case postcode letters: every pair except short Dutch words that follow a year or an amount
# ("in 2023 en", "1500 op"); written out so that Python's re and RE2 read it the same way.
_NOT_POSTCODE = set("en de op of in is te er ze we om al nu na ik je ja ons an al ad ex".split())
_LOWER_PAIRS = "(?:" + "|".join(a + b for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz"
                                if a + b not in _NOT_POSTCODE) + ")"


def elfproef(number: str) -> bool:
    """Whether a BSN passes the elfproef (9 digits; an 8-digit number gets a leading zero)."""
    digits = str(number)
    if not digits.isdigit():
        digits = digits.replace(" ", "").replace(".", "").replace("-", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (8, 9):
        return False
    d = [int(c) for c in digits.zfill(9)]
    if not any(d):
        return False
    total = 9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]
    return total % 11 == 0


def iban_valid(value: str) -> bool:
    """Whether an IBAN passes the mod-97 check (spaces allowed, any case)."""
    compact = re.sub(r"\s", "", str(value)).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


@dataclass(frozen=True)
class Finding:
    """One identifier in a text: its kind (``bsn``, ``naam``, …), span and the text found."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.kind]


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: str
    flags: int = 0  # only re.IGNORECASE is used; rendered as (?i) for RE2
    keep_group: int = 0  # when > 0: group 1 (a title) is kept, the rest is replaced
    # Slow path for checked identifiers: the spans inside a match that really are identifiers.
    spans: Callable[[str], list[tuple[int, int]]] | None = None
    prefilter: str | None = None  # RE2 pattern that selects the rows worth checking (a superset)


_DIGITS = re.compile(r"[0-9]+")


def bsn_spans(run: str) -> list[tuple[int, int]]:
    """Spans of BSNs inside a run of digit groups ("999 123 456 782" → the last three groups).

    A BSN is written as 9 (or 8) digits, or grouped 3-3-3 or 4-2-3 with spaces or dots; every
    candidate must pass the elfproef. Looking at all windows means a BSN is found even when a
    number stands right before it.
    """
    if run.isdigit():
        return [(0, len(run))] if len(run) in (8, 9) and elfproef(run) else []
    pieces = [(m.start(), m.end()) for m in _DIGITS.finditer(run)]
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        start, end = pieces[i]
        if end - start in (8, 9) and elfproef(run[start:end]):
            found.append((start, end))
            i += 1
            continue
        if i + 2 < len(pieces):
            window = pieces[i : i + 3]
            lengths = tuple(e - s for s, e in window)
            if lengths in ((3, 3, 3), (4, 2, 3)) and elfproef("".join(run[s:e] for s, e in window)):
                found.append((window[0][0], window[2][1]))
                i += 3
                continue
        i += 1
    return found


def _iban_spans(candidate: str) -> list[tuple[int, int]]:
    return [(0, len(candidate))] if iban_valid(candidate) else []


def _edge(name: str) -> str:
    """A name with ASCII word boundaries where its first/last letter is ASCII (both engines)."""
    start = r"\b" if name[0].isascii() else ""
    end = r"\b" if name[-1].isascii() else ""
    return start + re.escape(name) + end


def _alternation(names: Iterable[str]) -> str:
    return "(?:" + "|".join(_edge(n) for n in names) + ")"


_TUSSEN = "(?:" + "|".join(
    re.escape(t).replace(r"\ ", " ") if not t[0].isalpha() else f"[{t[0].upper()}{t[0]}]{re.escape(t[1:])}"
    for t in TUSSENVOEGSELS
) + ")"
_NAME_WORD = f"{LU}{WORDCHAR}*(?:-{LU}{WORDCHAR}*)*"
_PERSON = (
    f"(?:{LU}\\.(?: ?{LU}\\.)* ?)?(?:{_TUSSEN} )*{_NAME_WORD}(?: (?:{_TUSSEN} )*{_NAME_WORD})?"
)
_TITLE = "(?:" + "|".join(
    (r"\b" + re.escape(t)).replace(r"\ ", " ") + ("" if t.endswith(".") else r"\b") for t in TITLES
) + ")"


def _variants(names: Iterable[str]) -> list[str]:
    return sorted(set(names), key=lambda n: (-len(n), n))


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    # Explicit spellings instead of case-insensitive matching: the two engines fold non-ASCII
    # letters differently (É/é), explicit variants behave the same in both.
    plain = _variants(v for n in all_names() if n not in WORDLIKE for v in (n, n.lower(), n.upper()))
    wordlike = _variants(v for n in WORDLIKE for v in (n, n.upper()))
    return (
        _Rule("email", f"[A-Za-z0-9._%+\\-{_MAIL_LETTERS}]+@[A-Za-z0-9\\-{_MAIL_LETTERS}]+"
                       f"(?:\\.[A-Za-z0-9\\-{_MAIL_LETTERS}]+)*\\.[A-Za-z]{{2,}}"),
        _Rule("iban", r"\b[Nn][Ll][0-9]{2} ?[A-Za-z]{4}(?: ?[0-9]{4}){2} ?[0-9]{2}\b"),
        _Rule("iban", r"\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b", spans=_iban_spans),
        _Rule("telefoon", r"(?:\+31|\b0031|\b0)[ \-]?(?:\(0\)[ \-]?)?[1-9](?:[ \-]?[0-9]){8}\b"),
        _Rule("telefoon", r"\(0[1-9][0-9]{1,2}\)[ \-]?[0-9](?:[ \-]?[0-9]){5,6}\b"),  # (020) 386 9207
        _Rule(
            "bsn",
            r"(?<![0-9])[0-9]+(?:[ .][0-9]+)*(?![0-9])",
            spans=bsn_spans,
            prefilter=r"(?:^|[^0-9])[0-9]{8,9}(?:[^0-9]|$)|[0-9]{3}[ .][0-9]{3}[ .][0-9]{3}|[0-9]{4}[ .][0-9]{2}[ .][0-9]{3}",
        ),
        _Rule("postcode", r"\b[1-9][0-9]{3} ?[A-Z]{2}\b"),
        _Rule("postcode", r"\b[1-9][0-9]{3} ?" + _LOWER_PAIRS + r"\b"),  # 3596 cd, but not "2023 en"
        _Rule(
            "adres",
            f"(?:{LU}{LETTER}*|{LETTER}{LETTER}+)(?:straat|laan|weg|plein|gracht|kade|singel|dijk|steeg|hof|park|dreef"
            r"|pad|markt|baan|ring|dam|erf|veld|wal|haven|poort|plantsoen|vaart)\.? [0-9]{1,5}(?: ?[A-Za-z]\b|-[0-9]+)?",
        ),
        _Rule(
            "geboortedatum",
            r"\b(?:geboren(?: op)?|geb\.|geb|geboortedatum|geb\.datum)[: ]*"
            r"(?:[0-9]{1,2}[\-/. ][0-9]{1,2}[\-/. ](?:19|20)?[0-9]{2}|(?:19|20)[0-9]{2}[\-/.][0-9]{1,2}[\-/.][0-9]{1,2}"
            r"|[0-9]{1,2} (?:jan|feb|maa|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)[a-z]*\.? (?:19|20)[0-9]{2})\b",
            flags=re.IGNORECASE,
        ),
        _Rule("nummer", r"[0-9]{6,}"),
        _Rule("naam", f"((?i:{_TITLE}) +){_PERSON}", keep_group=1),
        _Rule("naam", _alternation(plain)),
        _Rule("naam", _alternation(wordlike)),
    )


def _python_pattern(rule: _Rule) -> re.Pattern[str]:
    return re.compile(rule.pattern, re.ASCII | rule.flags)


def _re2_pattern(rule: _Rule) -> str:
    if rule.prefilter:
        return rule.prefilter
    return ("(?i)" if rule.flags & re.IGNORECASE else "") + rule.pattern


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[_Rule, re.Pattern[str], str], ...]:
    return tuple((rule, _python_pattern(rule), _re2_pattern(rule)) for rule in _rules())


def _apply_python(rule: _Rule, pattern: re.Pattern[str], text: str) -> str:
    placeholder = PLACEHOLDERS[rule.kind]
    if rule.keep_group:
        return pattern.sub(lambda m: m.group(1) + placeholder, text)
    if rule.spans is not None:
        return pattern.sub(lambda m: _replace_spans(m.group(0), rule.spans(m.group(0)), placeholder), text)
    return pattern.sub(placeholder, text)


def _replace_spans(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    for start, end in reversed(spans):
        text = text[:start] + placeholder + text[end:]
    return text


def redact(text: str) -> str:
    """The text with every identifier replaced by a placeholder (``[NAAM]``, ``[BSN]``, …)."""
    if not text:
        return text
    for rule, pattern, _ in _compiled():
        text = _apply_python(rule, pattern, text)
    return text


def find_identifiers(text: str) -> list[Finding]:
    """Every identifier in ``text``, in order of position; overlaps go to the earlier rule."""
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for rule, pattern, _ in _compiled():
        for match in pattern.finditer(text):
            if rule.spans is not None:
                spans = [(match.start() + s, match.start() + e) for s, e in rule.spans(match.group(0))]
            else:
                spans = [(match.end(1), match.end()) if rule.keep_group else match.span()]
            for start, end in spans:
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                findings.append(Finding(rule.kind, start, end, text[start:end]))
    return sorted(findings, key=lambda f: f.start)


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
    ("naam", ("naam", "voornaam", "voornamen", "achternaam", "geslachtsnaam", "roepnaam", "voorletters",
              "tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels", "naamgebruik", "aanschrijfnaam", "name", "firstname", "lastname", "clientnaam", "klantnaam", "partnernaam",
              "contactpersoon", "volledigenaam")),
    ("klantmanager", ("klantmanager", "km", "kmid", "consulent", "medewerker", "behandelaar", "casemanager",
                      "trajectregisseur", "regisseur")),
    ("klantnummer", ("klantnummer", "klantnr", "clientnummer", "clientnr", "clientid", "klantid", "dossiernummer",
                     "dossiernr", "registratienummer", "relatienummer", "persoonsnummer", "persoonsid", "id")),
    ("leeftijd", ("leeftijd", "age", "leeftijdjaren")),
    ("geslacht", ("geslacht", "gender", "sexe")),
    ("woonplaats", ("woonplaats", "plaats", "wijk", "buurt", "stadsdeel", "regio")),
    ("huishouden", ("huishouden", "huishoudtype", "gezinssituatie", "leefvorm", "burgerlijkestaat",
                    "nationaliteit", "geboorteland", "herkomst")),
    ("vrije_tekst", ("notitie", "notities", "opmerking", "opmerkingen", "toelichting", "verslag", "memo",
                     "omschrijving", "tekst", "aantekening", "aantekeningen", "rapportage", "verslaglegging",
                     "bijzonderheden")),
)

_SENSITIVE_HINTS = ("sanctie", "maatregel", "gezondheid", "belemmering", "medisch", "verslaving", "schuld",
                    "diagnose", "strafblad", "psychisch", "beperking", "uitsluiting", "handicap")
_NOT_PERSON = ("gemeente", "team", "organisatie", "bedrijf", "aanbieder", "traject", "bestand", "straat",
               "project", "regeling", "product", "werkgever", "school")

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
        if kind == "id" or (n_unique == n_rows and n_rows > 20 and not decimal_comma and all("." not in v for v in values)):
            return ColumnGuess("id", reason or "elke rij heeft een eigen nummer", sensitive)
        return ColumnGuess("getal", "de waarden zijn getallen" + (" (decimale komma)" if decimal_comma else ""),
                           sensitive, decimal_comma=decimal_comma)
    if kind == "id" or (values and n_unique > 20 and n_unique >= 0.95 * n_rows
                        and _share(values, lambda v: _ID_RE.match(v) is not None) >= 0.9):
        return ColumnGuess("id", reason or "elke rij heeft een eigen code", sensitive)
    if values:
        mean_len = statistics.fmean(len(v) for v in values)
        if mean_len >= 25 or (n_unique > 50 and _share(values, lambda v: " " in v.strip()) >= 0.5):
            return ColumnGuess("vrije_tekst", "lange tekst met spaties (vrije tekst)", sensitive)
        if n_unique <= max(50, n_rows // 20):
            return ColumnGuess("categorie", f"{n_unique} verschillende waarden", sensitive)
    if not values:
        return ColumnGuess("leeg", "de kolom is leeg", sensitive)
    return ColumnGuess("onbekend", "veel verschillende korte waarden; voor de zekerheid behandeld als vrije tekst",
                       sensitive)


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
