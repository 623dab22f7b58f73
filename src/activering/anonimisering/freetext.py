"""Names in free text: the export's own names, and persons that are in no column.

Two passes over every (distinct) note:

1. **Names from the export** (:class:`NameIndex`): every first name, surname and full name in the
   export's name columns is split into name tokens. A token is found in any case, with or without
   diacritics (``Yılmaz``/``Yilmaz``/``YILMAZ``) and with cp1252 damage, where a letter outside
   Latin-1 became ``?`` (``Ay?e`` for ``Ayşe``, or the other way round). Tussenvoegsels right before
   a name (``van der Berg``), initials (``J. Jansen``) and a possessive (``Jansen's``) go with it.
   A name that is also a Dutch word (``Bos``, ``Visser``, ``Wil``) is only taken where the text
   shows it is a name: a capital inside a sentence, a title or relation before it (``mevrouw bos``,
   ``zoon Bas``), or another name next to it. "Klant wil graag in het bos werken" stays as it is.
2. **Persons that are in no column** (a partner, a child, a contact at an employer): the Dutch
   de-identification library `deduce <https://github.com/vmenger/deduce>`_. Its persons become
   ``[NAAM]``, places ``[PLAATS]``, institutions ``[INSTELLING]``; dates and ages stay (they are
   handled elsewhere, and a note without them loses its meaning). Placeholders already in the text
   (``[BSN]``, ``[NAAM]``, … from :func:`~activering.anonimisering.detect.redact_array`) stay intact.

Speed: identical texts are processed once; Deduce is built once per process (≈10-15 s) and big
inputs are spread over a pool of forked processes that share it.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from activering.anonimisering.names import (
    NAME_CONTEXT_WORDS,
    NOT_A_PERSON,
    NOT_NAME_WORDS,
    NOUN_WORDS,
    OTHER_WORDS,
    TITLES,
)
from activering.processes import die_with_parent

NAAM = "[NAAM]"
PLACEHOLDER_RE = re.compile(r"\[[A-Z][A-Z_\-]*\]")
# A word: letters, with '?' standing in for a letter that cp1252 could not hold.
_WORD_RE = re.compile(r"(?:[^\W\d_]|\?)+")
_LETTER_RE = re.compile(r"[^\W\d_]")

# Tussenvoegsels (lower case, apostrophes normalised to ').
TUSSEN_WORDS: frozenset[str] = frozenset(
    "van de der den ter ten te het 't t in op uit aan bij la le du da dos di del des von zur zu el al d' l' v vd".split()
)
# A single lower-case tussenvoegsel that is also a preposition: only part of a name after a title,
# an initial or a first name ("de moeder van Daan" keeps its "van").
_PREPOSITION_LIKE = frozenset("van te het in op uit al".split())
# The tussenvoegsel right before a name: one word, or a known pair ("van der", "in 't", "op de").
_TUSSEN_TAIL_RE = re.compile(
    r"(?<![^\W\d_'’])(?:(?:van|in|op|uit) (?:de|der|den|het|['’]t|t)|van t|de la|van|de|der|den|ter|ten|te|het|['’]t"
    r"|la|le|du|da|dos|di|del|des|von|zur|zu|el|al|d['’]|l['’])[ \u00a0]+$",
    re.IGNORECASE,
)
_INITIALS_TAIL_RE = re.compile(r"(?:(?<![^\W\d_])[A-Z]\. ?)+$")
_POSSESSIVE_RE = re.compile(r"['’](?:s(?![^\W\d_]))?")
_FORMAL_TITLES = frozenset(t.rstrip(".").split()[-1] for t in TITLES) | {"prof", "mej", "juffrouw", "mnr"}
_TITLE_WORDS = _FORMAL_TITLES | NAME_CONTEXT_WORDS
_STOP_AFTER_TITLE = OTHER_WORDS  # "mevrouw wil graag …": not a name

_FOLD_EXTRA = str.maketrans(
    {"ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "’": "'"}
)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Case and diacritics folded away: ``Yılmaz`` → ``yilmaz``, ``AYŞE`` → ``ayse``."""
    if word.isascii():
        return word.lower()
    lowered = word.casefold().translate(_FOLD_EXTRA)
    return "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))


def mangle(word: str) -> str:
    """Every non-ASCII letter (and '?') as '?', the rest in lower case: ``Ayşe`` → ``ay?e``."""
    return "".join("?" if c == "?" or not c.isascii() else c.lower() for c in word)


def _deduce_list(folder: str, names: tuple[str, ...], min_length: int = 1) -> set[str]:
    """The folded items of some of deduce's lookup lists (empty when deduce is not installed)."""
    import importlib.util
    from pathlib import Path

    items: set[str] = set()
    spec = importlib.util.find_spec("deduce")
    if spec and spec.origin:
        base = Path(spec.origin).parent / "data" / "lookup" / "src" / folder
        for name in names:
            path = base / name / "items.txt"
            if path.exists():
                items.update(
                    fold(w.strip())
                    for w in path.read_text(encoding="utf-8").splitlines()
                    if len(w.strip()) >= min_length
                )
    return items


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Dutch words that are also names: ours, plus deduce's stop words and common words when present."""
    try:
        extra = _deduce_list("whitelist", ("lst_stop_word", "lst_common_word"))
    except (OSError, UnicodeDecodeError):  # pragma: no cover - the hand lists are enough
        extra = set()
    return frozenset(set(NOUN_WORDS) | set(OTHER_WORDS) | extra)


_PLAIN, _WORDLIKE = 1, 2
_MISSING = frozenset({"nan", "none", "null", "<na>", "nat", "n/a", "onbekend"})  # a missing value, as text


@dataclass
class NameIndex:
    """The name tokens of an export, for finding them back in free text."""

    folded: dict[str, int] = field(default_factory=dict)  # folded token -> _PLAIN / _WORDLIKE
    mangled: dict[str, int] = field(default_factory=dict)  # mangled token (with '?') -> kind
    # Tokens that came with '?' in the export: by length, the '?' positions and the tokens.
    wildcards: dict[int, list[tuple[tuple[int, ...], dict[str, int]]]] = field(default_factory=dict)
    # For a text word with '?': the folded tokens with '?' at the same places, by (length, places).
    _damaged: dict[tuple[int, tuple[int, ...]], dict[str, int]] = field(default_factory=dict, repr=False)
    _by_length: dict[int, list[tuple[str, int]]] | None = field(default=None, repr=False)
    _seen: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)  # match() per word

    @classmethod
    def from_values(cls, values: Iterable[str | None]) -> NameIndex:
        """An index of every name token in ``values`` (first names, surnames, full names)."""
        index = cls()
        common = common_words()
        tokens: set[str] = set()
        for value in dict.fromkeys(values):
            if not isinstance(value, str) or not value or value.strip().lower() in _MISSING:
                continue
            for token in _WORD_RE.findall(value):
                if len(token) < 2 or not _LETTER_RE.search(token):
                    continue
                tokens.add(token)
        for token in tokens:
            key = fold(token)
            if key in TUSSEN_WORDS or key.replace("?", "") in ("", "t"):
                continue
            kind = _WORDLIKE if (key in common or len(key) <= 2) else _PLAIN
            if "?" in token:
                wild = fold(token)
                positions = tuple(i for i, c in enumerate(wild) if c == "?")
                groups = index.wildcards.setdefault(len(wild), [])
                for pos, members in groups:
                    if pos == positions:
                        members[wild] = max(members.get(wild, 0), kind)
                        break
                else:
                    groups.append((positions, {wild: kind}))
                index.mangled[mangle(token)] = max(index.mangled.get(mangle(token), 0), kind)
                continue
            index.folded[key] = max(index.folded.get(key, 0), kind)
            if not token.isascii():
                index.mangled[mangle(token)] = max(index.mangled.get(mangle(token), 0), kind)
        return index

    def __len__(self) -> int:
        return len(self.folded) + sum(len(m) for groups in self.wildcards.values() for _, m in groups)

    def lookup(self, word: str) -> int:
        """0 when ``word`` is no name in the index, else _PLAIN or _WORDLIKE."""
        kind = self.folded.get(fold(word), 0) if "?" not in word else 0
        if kind:
            return kind
        if "?" in word or not word.isascii():
            kind = self.mangled.get(mangle(word), 0)
            if kind:
                return kind
        if "?" in word:
            kind = self._damaged_lookup(word)
            if kind:
                return kind
        if self.wildcards:
            folded = fold(word)
            groups = self.wildcards.get(len(folded))
            if groups:
                for positions, members in groups:
                    chars = list(folded)
                    for p in positions:
                        chars[p] = "?"
                    kind = members.get("".join(chars), 0)
                    if kind:
                        return kind
        return 0

    def _damaged_lookup(self, word: str) -> int:
        """A text word in which cp1252 turned letters into '?': the '?' stands for any letter."""
        folded = fold(word)
        positions = tuple(i for i, c in enumerate(folded) if c == "?")
        if len(positions) * 2 > len(folded):
            return 0
        if positions[-1] == len(folded) - 1 and len(positions) == 1:
            # "Petrovi?" (damaged) or "Jansen?" (a question): only for a longer, non-common stem.
            if len(folded) < 5 or folded[:-1] in common_words():
                return 0
        key = (len(folded), positions)
        table = self._damaged.get(key)
        if table is None:
            if self._by_length is None:
                self._by_length = {}
                for token, kind in self.folded.items():
                    self._by_length.setdefault(len(token), []).append((token, kind))
            table = {}
            for token, kind in self._by_length.get(key[0], ()):
                chars = list(token)
                for p in positions:
                    chars[p] = "?"
                masked = "".join(chars)
                table[masked] = max(table.get(masked, 0), kind)
            self._damaged[key] = table
        return table.get(folded, 0)

    def match(self, word: str) -> tuple[int, int]:
        """Like :meth:`lookup`, also for a trailing '?' (a question mark) and a genitive s (``Jansens``).

        Returns the kind and how much of ``word`` is the name.
        """
        found = self._seen.get(word)
        if found is None:
            if len(self._seen) > 500_000:
                self._seen.clear()
            found = self._seen[word] = self._match(word)
        return found

    def _match(self, word: str) -> tuple[int, int]:
        kind = self.lookup(word)
        if kind:
            return kind, len(word)
        stripped = word
        while stripped.endswith("?") and len(stripped) > 2:
            stripped = stripped[:-1]  # "Jansen?", and "Petrovi??" (a damaged name and a question mark)
            kind = self.lookup(stripped)
            if kind:
                return kind, len(stripped)
        if len(word) >= 4 and word[-1] in "sS" and word[0].isupper() and self.lookup(word[:-1]) == _PLAIN:
            return _PLAIN, len(word)
        return 0, 0


# --------------------------------------------------------------------------------------------
# Pass 1: the export's names.
# --------------------------------------------------------------------------------------------


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'‘“(*-•")
    return not before or before[-1] in ".!?:;\n\r"


def _prev_word(text: str, start: int) -> str:
    match = re.search(r"([^\W\d_]+)\.?[ \u00a0]*$", text[max(0, start - 40) : start])
    return match.group(1) if match else ""


def _gap_joins(gap: str) -> bool:
    """Whether the text between two name tokens keeps them one name ("Kees van der Berg", "Yılmaz-de Vries")."""
    if gap in (" ", "-", ""):
        return True
    if len(gap) > 30 or not re.search(r"[ \u00a0\-]", gap):
        return False
    words = [w for w in re.split(r"[ \u00a0\-]+", gap) if w]
    return all(w.lower().replace("’", "'") in TUSSEN_WORDS or re.fullmatch(r"[A-Z]\.", w) for w in words)


def scrub_index(text: str, index: NameIndex) -> tuple[str, int]:
    """``text`` with every name from ``index`` replaced by ``[NAAM]``; and the number of replacements."""
    spans = index_spans(text, index)
    return _replace(text, [(s, e, "naam_export") for s, e in spans]), len(spans)


def index_spans(text: str, index: NameIndex) -> list[tuple[int, int]]:
    """Where the names from ``index`` are in ``text`` (with their tussenvoegsels, initials and 's)."""
    if not text:
        return []
    protected = [m.span() for m in PLACEHOLDER_RE.finditer(text)] if "[" in text else []
    tokens: list[tuple[int, int, str, int]] = []
    for m in _WORD_RE.finditer(text):
        start = m.start()
        if protected and any(s <= start < e for s, e in protected):
            continue
        kind, length = index.match(m.group())
        if kind:
            tokens.append((start, start + length, m.group()[:length], kind))
    if not tokens:
        return []
    strong = [False] * len(tokens)
    for i, (start, _end, word, kind) in enumerate(tokens):
        if kind == _PLAIN:
            strong[i] = True
            continue
        key = fold(word)
        prev = fold(_prev_word(text, _skip_tussen(text, start)))
        if prev in _TITLE_WORDS and key not in _STOP_AFTER_TITLE:
            strong[i] = True
        elif _is_capitalised(word):
            if not _sentence_start(text, start):
                strong[i] = True
            elif key in NOUN_WORDS and key not in OTHER_WORDS:
                strong[i] = True
    # A word-like name right next to a name is part of it ("Wil Bakker", "Kees de Boer").
    changed = True
    while changed:
        changed = False
        for i in range(len(tokens)):
            if strong[i] or tokens[i][2].islower():
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(tokens) and strong[j]:
                    a, b = (j, i) if j < i else (i, j)
                    if _gap_joins(text[tokens[a][1] : tokens[b][0]]):
                        strong[i] = changed = True
                        break
    spans: list[list[int]] = []
    for i, (start, end, _, _) in enumerate(tokens):
        if not strong[i]:
            continue
        if spans and _gap_joins(text[spans[-1][1] : start]):
            spans[-1][1] = end
        else:
            spans.append([start, end])
    result: list[tuple[int, int]] = []
    last = 0
    for start, end in spans:
        start = _extend_left(text, start, last)
        possessive = _POSSESSIVE_RE.match(text, end)
        if possessive:
            end = possessive.end()
        result.append((start, end))
        last = end
    return result


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    last = 0
    for start, end, kind in spans:
        out.append(text[last:start])
        out.append(KIND_PLACEHOLDERS[kind])
        last = end
    out.append(text[last:])
    return "".join(out)


def _skip_tussen(text: str, start: int) -> int:
    tail = _TUSSEN_TAIL_RE.search(text, max(0, start - 30), start)
    return tail.start() if tail else start


def _extend_left(text: str, start: int, floor: int) -> int:
    """Swallow the tussenvoegsels and initials right before a name, where they belong to it."""
    tail = _TUSSEN_TAIL_RE.search(text, max(floor, start - 40), start)
    if tail:
        words = tail.group().split()
        before = tail.start()
        initials = _INITIALS_TAIL_RE.search(text, max(floor, before - 12), before)
        prev = _prev_word(text, before)
        context = (
            bool(initials)
            or fold(prev) in _FORMAL_TITLES
            or words[-1] in ("'t", "’t")
            or (_is_capitalised(prev) and not _sentence_start(text, before - len(prev) - 1))
        )
        first = words[0].lower()
        if words[0][0].isupper() or first not in _PREPOSITION_LIKE or (first == "van" and len(words) > 1) or context:
            start = before
    initials = _INITIALS_TAIL_RE.search(text, max(floor, start - 12), start)
    if initials:
        start = initials.start()
    return start


# --------------------------------------------------------------------------------------------
# Pass 2: deduce.
# --------------------------------------------------------------------------------------------

# deduce tag -> our kind; the placeholder is the kind in capitals.
DEDUCE_KINDS: dict[str, str] = {
    "persoon": "naam",
    "patient": "naam",
    "voornaam": "naam",
    "achternaam": "naam",
    "initiaal": "naam",
    "naam": "naam",
    "voornaam_patient": "naam",
    "achternaam_patient": "naam",
    "locatie": "plaats",
    "plaatsnaam": "plaats",
    "straat": "adres",
    "huisnummer": "adres",
    "postbus": "adres",
    "postcode": "postcode",
    "instelling": "instelling",
    "ziekenhuis": "instelling",
    "zorginstelling": "instelling",
    "bsn": "bsn",
    "id": "nummer",
    "telefoonnummer": "telefoon",
    "emailadres": "email",
    "url": "url",
}
KIND_PLACEHOLDERS: dict[str, str] = {
    "naam": NAAM,
    "naam_export": NAAM,
    "naam_hoofdletter": NAAM,
    "naam_eigen": NAAM,
    "plaats": "[PLAATS]",
    "adres": "[ADRES]",
    "postcode": "[POSTCODE]",
    "instelling": "[INSTELLING]",
    "bsn": "[BSN]",
    "nummer": "[NUMMER]",
    "telefoon": "[TELEFOON]",
    "email": "[EMAIL]",
    "url": "[URL]",
    "overig": "[VERWIJDERD]",
}
# Dates and ages stay: the birth date is handled by detect.redact_array, and a note that says when
# something happened and how old a child is keeps its meaning.
DEDUCE_DISABLED = frozenset({"dates", "ages", "redactor"})
_DEDUCE_PREFIXES = _TITLE_WORDS | {
    "de",
    "heer",
    "hooggeleerde",
    "weledelgeleerde",
    "weledelzeergeleerde",
    "bc",
    "bacc",
    "kand",
    "lec",
    "ds",
    "dra",
}

_deduce_lock = threading.Lock()
_deduce_instance: Any = None


def get_deduce() -> Any:
    """The process-wide Deduce instance (built on first use, ≈10-15 s; ≈75 s right after install)."""
    global _deduce_instance
    if _deduce_instance is None:
        with _deduce_lock:
            if _deduce_instance is None:
                _deduce_instance = _build_deduce()
    return _deduce_instance


def deduce_cache_dir() -> Any:
    """Where the built lookup structures of deduce are kept: our own cache folder, per deduce version.

    Deduce's default cache lives in site-packages and is thrown away whenever a folder of its
    source lists gets a newer time stamp (a byte-compile does that), after which every process
    rebuilds it (≈75 s) and overwrites the file while others read it. In a folder of our own it is
    checked only against the deduce version, and a lock makes one process build while others wait.
    """
    from importlib.metadata import version
    from pathlib import Path

    import platformdirs

    base = os.environ.get("ACTIVERING_DEDUCE_CACHE") or platformdirs.user_cache_dir("activering")
    return Path(base) / f"deduce-{version('deduce')}"


def _build_deduce() -> Any:
    import fcntl

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    previous_disable = logging.root.manager.disable
    logging.disable(logging.INFO)
    cache = deduce_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    try:
        from deduce import Deduce  # its import calls logging.basicConfig(level=DEBUG, stream=stdout)

        with open(cache / "bouwen.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one process builds the lookup structures, the others wait
            try:
                return Deduce(cache_path=cache)
            except (EOFError, OSError, ValueError, __import__("pickle").UnpicklingError):
                return Deduce(cache_path=cache, build_lookup_structs=True)  # a damaged cache file: build anew
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
        logging.disable(previous_disable)


def _in_word(text: str, i: int) -> bool:
    """A letter, or a '?' between letters (a letter cp1252 could not hold)."""
    c = text[i]
    if c.isalpha():
        return True
    if c != "?":
        return False
    j = i
    while j < len(text) and text[j] == "?":
        j += 1
    return j < len(text) and text[j].isalpha() and i > 0 and (text[i - 1].isalpha() or text[i - 1] == "?")


def deduce_spans(text: str, deduce: Any = None) -> list[tuple[int, int, str]]:
    """The persons, places and institutions deduce finds in ``text``: (start, end, kind)."""
    if not text or not _LETTER_RE.search(PLACEHOLDER_RE.sub("", text)):
        return []
    deduce = deduce or get_deduce()
    doc = deduce.deidentify(text, disabled=set(DEDUCE_DISABLED))
    protected = [m.span() for m in PLACEHOLDER_RE.finditer(text)] if "[" in text else []
    spans: list[tuple[int, int, str]] = []
    for ann in doc.annotations:
        tag = ann.tag.lower()
        kind = DEDUCE_KINDS.get(tag)
        if kind is None:
            kind = "naam" if any(p in tag for p in ("persoon", "patient", "naam")) else "overig"
        start, end = ann.start_char, ann.end_char
        if kind == "plaats" and any(c.isdigit() for c in text[start:end]):
            kind = "adres"
        if kind == "naam":
            # Keep the title: "mevrouw Bos" -> "mevrouw [NAAM]" (the same as detect.redact); drop
            # words that are never a name ("Volgens Mulder", "Smit van Werk", "goed Engels").
            while True:
                m = _LEADING_WORD_RE.match(text, start, end)
                if m and fold(m.group(1)) in _TRIM_LEADING:
                    start = m.end()
                    continue
                m = _TRAILING_WORD_RE.search(text, start, end)
                if m and m.start() > start and fold(m.group(1)) in _TRIM_TRAILING:
                    end = m.start()
                    continue
                break
            if start >= end or fold(text[start:end].strip()) in NOT_NAME_WORDS:
                continue
        # Never cut a word in two (deduce splits "Ay?e" at the '?').
        while start > 0 and _in_word(text, start - 1) and _in_word(text, start):
            start -= 1
        while end < len(text) and _in_word(text, end) and _in_word(text, end - 1):
            end += 1
        for s, e in _minus(start, end, protected) if protected else [(start, end)]:
            piece = text[s:e]
            if _LETTER_RE.search(piece):
                s += len(piece) - len(piece.lstrip())
                e -= len(piece) - len(piece.rstrip())
                spans.append((s, e, kind))
    return spans


_LEADING_WORD_RE = re.compile(r"([^\W\d_]+)\.?\s+")
_TRAILING_WORD_RE = re.compile(r"[\s,]+([^\W\d_]+)$")
_TRIM_LEADING = _DEDUCE_PREFIXES | NOT_NAME_WORDS
_TRIM_TRAILING = NOT_NAME_WORDS | TUSSEN_WORDS
_RANK = {"naam_export": 3, "naam": 2, "naam_hoofdletter": 1}


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans as one; a span that holds a name is a name (the export's name first)."""
    merged: list[list[Any]] = []
    for start, end, kind in sorted(spans):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if _RANK.get(kind, 0) > _RANK.get(last[2], 0):
                last[2] = kind
        else:
            merged.append([start, end, kind])
    return [(s, e, k) for s, e, k in merged]


def scrub_deduce(text: str, deduce: Any = None) -> tuple[str, Counter]:
    """``text`` with what deduce finds replaced; and the number of replacements per kind."""
    spans = _merge(deduce_spans(text, deduce))
    return _replace(text, spans), Counter(kind for _, _, kind in spans)


def _minus(start: int, end: int, protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [(start, end)]
    for ps, pe in protected:
        next_pieces = []
        for s, e in pieces:
            if pe <= s or ps >= e:
                next_pieces.append((s, e))
                continue
            if s < ps:
                next_pieces.append((s, ps))
            if pe < e:
                next_pieces.append((pe, e))
        pieces = next_pieces
    return pieces


# --------------------------------------------------------------------------------------------
# Pass 3: capitalised words that deduce left (Dutch writes common nouns in lower case).
# --------------------------------------------------------------------------------------------

_CAPITAL_RE = re.compile(r"(?<![^\W_])(?:[^\W\d_a-zß-ÿ]|\?(?=[^\W\d_]))(?:[^\W\d_]|\?(?=[^\W\d_]))+")


@lru_cache(maxsize=1)
def deduce_names() -> frozenset[str]:
    """Deduce's lists of Dutch first names and surnames, folded (empty when deduce is not installed)."""
    names = _deduce_list("names", ("lst_first_name", "lst_surname"), min_length=3)
    return frozenset(names - common_words() - NOUN_WORDS - OTHER_WORDS - NOT_A_PERSON)


def proper_noun_spans(text: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Capitalised words that are probably a person, where no earlier pass found anything.

    Inside a sentence, a capitalised word that is no acronym, language, nationality, month, day or
    well-known institution is taken for a name ("Partner Marcin Nowicka"). At the start of a
    sentence only a word from deduce's name lists, also with a genitive s ("Bilals school belde").
    """
    if not text:
        return []
    protected = [m.span() for m in PLACEHOLDER_RE.finditer(text)] if "[" in text else []
    occupied = [(s, e) for s, e, _ in taken] + protected
    known = deduce_names()
    spans = []
    for m in _CAPITAL_RE.finditer(text):
        start, end = m.span()
        word = m.group()
        if len(word.replace("?", "")) < 2 or (word.isupper() and len(word) <= 4):
            continue  # initials and acronyms (UWV, ROC)
        if any(s < end and start < e for s, e in occupied):
            continue
        key = fold(word)
        stem = key[:-1] if key.endswith("s") and len(key) > 3 else key
        if key in NOT_A_PERSON or stem in NOT_A_PERSON:
            continue
        if _sentence_start(text, start) or word.isupper():
            if key not in known and stem not in known:
                continue
        elif fold(_prev_word(text, start)) in ("de", "het", "een") and key not in known:
            continue  # "de Voedselbank", "het Werkplein": an institution, not a person
        possessive = _POSSESSIVE_RE.match(text, end)
        spans.append((start, possessive.end() if possessive else end, "naam_hoofdletter"))
    return spans


# --------------------------------------------------------------------------------------------
# The client's own names, in any case, in the client's own notes.
# --------------------------------------------------------------------------------------------


def own_name_tokens(values: Iterable[str | None]) -> frozenset[str]:
    """The name tokens of one person (folded and mangled forms), from their name cells."""
    tokens: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            continue
        for token in _WORD_RE.findall(value):
            key = fold(token)
            if len(key.replace("?", "")) < 2 or key in TUSSEN_WORDS or key in ("nan", "none", "null", "onbekend"):
                continue
            tokens.add(key)
            tokens.add(mangle(token))
    return frozenset(tokens)


def _same_name(word: str, tokens: frozenset[str]) -> bool:
    key = fold(word)
    if key in tokens or mangle(word) in tokens:
        return True
    for token in tokens:  # '?' (a letter cp1252 could not hold) on either side stands for any letter
        if len(token) == len(key) and ("?" in token or "?" in key):
            if all(a == b or a == "?" or b == "?" for a, b in zip(token, key)):
                return True
    return False


def scrub_own_names(texts: pa.Array, owners: list[frozenset[str] | None]) -> tuple[pa.Array, int]:
    """Each text with its own person's names replaced in any case and form (``bos``, ``BOS``, ``Bos'``).

    ``owners[i]`` holds the name tokens of the person text ``i`` is about (from :func:`own_name_tokens`),
    or None. A name that is also a Dutch word is removed here even as a word: it is this person's name.
    """
    values = texts.to_pylist()
    total = 0
    out = []
    for text, tokens in zip(values, owners):
        if not text or not tokens:
            out.append(text)
            continue
        protected = [m.span() for m in PLACEHOLDER_RE.finditer(text)] if "[" in text else []
        spans = []
        for m in _WORD_RE.finditer(text):
            if protected and any(s <= m.start() < e for s, e in protected):
                continue
            word = m.group().rstrip("?") or m.group()
            if _same_name(word, tokens) or (len(word) > 3 and word[-1] in "sS" and _same_name(word[:-1], tokens)):
                end = m.start() + len(word)
                possessive = _POSSESSIVE_RE.match(text, end)
                spans.append((m.start(), possessive.end() if possessive else end, "naam_eigen"))
        if spans:
            merged = []
            for start, end, kind in spans:
                if merged and _gap_joins(text[merged[-1][1] : start]):
                    merged[-1] = (merged[-1][0], end, kind)
                else:
                    merged.append((_extend_left(text, start, merged[-1][1] if merged else 0), end, kind))
            text = _replace(text, merged)
            total += len(merged)
        out.append(text)
    return pa.array(out, type=pa.large_string()), total


# --------------------------------------------------------------------------------------------
# A whole column.
# --------------------------------------------------------------------------------------------

POOL_MIN_TEXTS = 4_000  # below this a pool costs more than it saves
_CHUNK = 1_000

# Set in the parent right before the pool forks; the children inherit it (no pickling of the index).
_job: tuple[NameIndex | None, bool] = (None, True)


def scrub_text(
    text: str, index: NameIndex | None, use_deduce: bool = True, learned: set[str] | None = None
) -> tuple[str, Counter]:
    """One text through both passes (deduce sees the whole text, names from the export included)."""
    if not text:
        return text, Counter()
    spans = [(s, e, "naam_export") for s, e in index_spans(text, index)] if index is not None else []
    if use_deduce:
        spans.extend(deduce_spans(text))
        spans.extend(proper_noun_spans(text, spans))
    if not spans:
        return text, Counter()
    if learned is not None:
        for start, end, kind in spans:
            if kind in ("naam", "naam_hoofdletter"):
                learned.update(w for w in _WORD_RE.findall(text[start:end]) if _learnable(w))
    spans = _merge(spans)
    return _replace(text, spans), Counter(kind for _, _, kind in spans)


def _learnable(word: str) -> bool:
    """A word of a found name that may be looked for elsewhere in the column (no title, no word)."""
    key = fold(word)
    return (
        len(key) > 2
        and word[:1].isupper()
        and key not in TUSSEN_WORDS
        and key not in _TITLE_WORDS
        and key not in NOT_NAME_WORDS
        and key not in NOT_A_PERSON
        and key not in OTHER_WORDS
    )


def _scrub_chunk(texts: list[str]) -> tuple[list[str], list[Counter], set[str]]:
    index, use_deduce = _job
    out, counts = [], []
    learned: set[str] = set()
    for text in texts:
        new, found = scrub_text(text, index, use_deduce, learned)
        out.append(new)
        counts.append(found)
    return out, counts, learned


def scrub_names(
    texts: pa.Array | pa.ChunkedArray,
    index: NameIndex | None,
    *,
    use_deduce: bool = True,
    counts: dict[str, int] | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> pa.Array:
    """Replace the names in a column of free text (see the module docstring); same length, nulls kept.

    ``counts`` (if given) gets the number of replacements per kind: ``naam_export`` (names from the
    export's columns), and from deduce ``naam``, ``plaats``, ``instelling``, ``adres``, … .
    ``progress`` is called with the number of texts done since its last call (in total ``len(texts)``).
    ``workers`` (default: the number of CPUs) processes share the work when the input is big enough.
    """
    global _job
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks() if texts.num_chunks else pa.array([], type=pa.large_string())
    array = texts.cast(pa.large_string()) if texts.type != pa.large_string() else texts
    if len(array) == 0:
        return array
    encoded = array.dictionary_encode()
    uniques: list[str] = encoded.dictionary.to_pylist()
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    valid = np.asarray(encoded.indices.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    frequency = np.bincount(indices[valid].astype(np.int64), minlength=len(uniques))
    order = list(range(len(uniques)))
    chunks = [order[i : i + _CHUNK] for i in range(0, len(order), _CHUNK)]
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    import multiprocessing

    if multiprocessing.current_process().daemon:
        workers = 1  # a pool's worker cannot start a pool of its own
    if use_deduce:
        get_deduce()  # built before the fork: every child shares it
    _job = (index, use_deduce)
    results: list[str] = [""] * len(uniques)
    total: Counter = Counter()
    learned: set[str] = set()
    reported = 0
    try:
        if workers > 1 and len(uniques) >= POOL_MIN_TEXTS and (use_deduce or len(uniques) >= 50 * POOL_MIN_TEXTS):
            context = multiprocessing.get_context("fork")
            # Workers die with this process (kill -9 included). A finished pool is closed and joined, so each
            # worker ends on its own; terminate() (SIGTERM to every worker) is only for an interrupted run.
            pool = context.Pool(min(workers, len(chunks)), initializer=die_with_parent, initargs=(os.getpid(),))
            try:
                jobs = pool.imap(_scrub_chunk, ([uniques[i] for i in chunk] for chunk in chunks))
                for chunk, (out, found, names) in zip(chunks, jobs):
                    reported += _collect(chunk, out, found, results, frequency, total, progress)
                    learned |= names
                pool.close()
            except BaseException:
                pool.terminate()
                raise
            finally:
                pool.join()
        else:
            for chunk in chunks:
                out, found, names = _scrub_chunk([uniques[i] for i in chunk])
                reported += _collect(chunk, out, found, results, frequency, total, progress)
                learned |= names
    finally:
        _job = (None, True)
    if learned:
        # A name found in one note is looked for in every note of the column: "Nowicka belt" at the
        # start of a sentence is caught because "met Ewa Nowicka" was found elsewhere.
        memory = NameIndex.from_values(learned)
        for i, text in enumerate(results):
            if text:
                new, n = scrub_index(text, memory)
                if n:
                    results[i] = new
                    total["naam"] += n * int(frequency[i])
    if progress is not None and len(array) > reported:
        progress(len(array) - reported)
    if counts is not None:
        for kind, n in total.items():
            counts[kind] = counts.get(kind, 0) + n
    scrubbed = pa.array(results, type=pa.large_string())
    return pc.take(scrubbed, encoded.indices)


def _collect(
    chunk: list[int],
    out: list[str],
    found: list[Counter],
    results: list[str],
    frequency: np.ndarray,
    total: Counter,
    progress: Callable[[int], None] | None,
) -> int:
    done = 0
    for i, new, counter in zip(chunk, out, found):
        results[i] = new
        weight = int(frequency[i])
        done += weight
        for kind, n in counter.items():
            total[kind] += n * weight
    if progress is not None and done:
        progress(done)
    return done
