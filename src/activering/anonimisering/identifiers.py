"""Finding identifiers in free text: BSN, IBAN, names, addresses, phone numbers, … (no pyarrow).

Public API (also used outside the anonymiser, e.g. by the self-study journal):

- :func:`find_identifiers` ``(text) -> list[Finding]``: every identifier found in one text;
- :func:`redact` ``(text) -> str``: the text with each identifier replaced by a placeholder
  such as ``[NAAM]`` or ``[BSN]``;
- :func:`elfproef`, :func:`iban_valid`: the checks behind BSN and IBAN detection.

One rule table drives these and the column-wide redaction in :mod:`activering.anonimisering.detect`
(:func:`~activering.anonimisering.detect.redact_array`). Each rule has one regular expression written
in the subset that Python's ``re`` and RE2 (used by pyarrow) read the same way, so the text redaction
of a single note and of a million-row column give the same result. This module needs only the
standard library, so the journal can check a text without loading pyarrow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

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
_LOWER_PAIRS = (
    "(?:"
    + "|".join(
        a + b for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz" if a + b not in _NOT_POSTCODE
    )
    + ")"
)


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


_TUSSEN = (
    "(?:"
    + "|".join(
        re.escape(t).replace(r"\ ", " ") if not t[0].isalpha() else f"[{t[0].upper()}{t[0]}]{re.escape(t[1:])}"
        for t in TUSSENVOEGSELS
    )
    + ")"
)
_NAME_WORD = f"{LU}{WORDCHAR}*(?:-{LU}{WORDCHAR}*)*"
_PERSON = f"(?:{LU}\\.(?: ?{LU}\\.)* ?)?(?:{_TUSSEN} )*{_NAME_WORD}(?: (?:{_TUSSEN} )*{_NAME_WORD})?"
_TITLE = (
    "(?:"
    + "|".join((r"\b" + re.escape(t)).replace(r"\ ", " ") + ("" if t.endswith(".") else r"\b") for t in TITLES)
    + ")"
)


def _variants(names: Iterable[str]) -> list[str]:
    return sorted(set(names), key=lambda n: (-len(n), n))


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    # Explicit spellings instead of case-insensitive matching: the two engines fold non-ASCII
    # letters differently (É/é), explicit variants behave the same in both.
    plain = _variants(v for n in all_names() if n not in WORDLIKE for v in (n, n.lower(), n.upper()))
    wordlike = _variants(v for n in WORDLIKE for v in (n, n.upper()))
    return (
        _Rule(
            "email",
            f"[A-Za-z0-9._%+\\-{_MAIL_LETTERS}]+@[A-Za-z0-9\\-{_MAIL_LETTERS}]+"
            f"(?:\\.[A-Za-z0-9\\-{_MAIL_LETTERS}]+)*\\.[A-Za-z]{{2,}}",
        ),
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
