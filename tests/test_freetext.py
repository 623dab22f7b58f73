"""Names in free text (activering.anonimisering.freetext) and the e-mail rule of detect.

Every name and note here is generated in the test or written for it (no real data). Whether a
name survived is checked with this file's own folding, not with NameIndex.
"""

from __future__ import annotations

import importlib.util
import logging
import random
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from activering.anonimisering.detect import redact, redact_array
from activering.anonimisering.freetext import NameIndex, common_words, get_deduce, scrub_names

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "anonimisering" / "namen_steekproef.yml"

# Syllables for made-up names, some with letters outside Latin-1 (lost as '?' in cp1252).
ONSETS = ["b", "d", "g", "k", "m", "n", "r", "s", "t", "v", "z", "y", "ş", "ç", "ğ", "ł", "ś", "ž", "h", "l"]
VOWELS = ["a", "e", "i", "o", "u", "ı", "ö", "ü", "é", "aa", "ee", "oe", "ij"]
CODAS = ["", "n", "r", "k", "l", "m", "s", "t", "z", "ć"]
FILLER = (
    "gesprek over werk en scholing afspraak gemaakt klant belt terug volgende week wil graag het bos "
    "in de visser bakker koster groen jong post ben kok roos koning boer smit mulder"
).split()
TITLES = ["mevrouw", "meneer", "dhr.", "mw.", "collega", "partner", "zoon", "dochter"]


def made_up_name(rng: random.Random) -> str:
    while True:
        name = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.randint(2, 3)))
        name = name[0].upper() + name[1:]
        if len(name) >= 4 and fold(name) not in common_words():
            return name


def fold(word: str) -> str:
    """This test's own folding: lower case, accents off, Turkish dotless i and Polish l as plain letters."""
    word = word.replace("ı", "i").replace("İ", "I").replace("ł", "l").replace("Ł", "L")
    word = unicodedata.normalize("NFKD", word)
    return "".join(c for c in word if not unicodedata.combining(c)).lower()


def cp1252_damage(word: str) -> str:
    return word.encode("cp1252", errors="replace").decode("cp1252")


def survives(name: str, text: str) -> bool:
    """Whether ``name`` (or a spelling of it: case, accents, '?' for a lost letter) is a whole word in ``text``."""
    target = fold(name)
    for word in re.findall(r"(?:[^\W\d_]|\?)+", text):
        candidate = fold(word)
        options = {candidate[: len(candidate) - k] for k in range(len(candidate) - len(candidate.rstrip("?")) + 1)}
        for option in options:
            if len(option) == len(target) and all(a == b or "?" in (a, b) for a, b in zip(option, target)):
                return True
    return False


def spellings(name: str, rng: random.Random) -> str:
    form = rng.choice(["same", "upper", "lower", "ascii", "damaged", "damaged_upper"])
    if form == "upper":
        return name.upper()
    if form == "lower":
        return name.lower()
    if form == "ascii":
        return fold(name).capitalize()
    if form == "damaged":
        return cp1252_damage(name)
    if form == "damaged_upper":
        return cp1252_damage(name.upper())
    return name


POSITIONS = [
    "{n} belde vanochtend over de afspraak.",
    "Gesprek gehad met {n} over werk.",
    "Afspraak met {title} {n} verzet naar vrijdag.",
    "{n}'s moeder was er ook bij.",
    "Aanwezig: {n}, {m} en de jobcoach.",
    "Volgens de werkgever doet {n} het goed; {m} niet.",
    "Hoe gaat het met {n}?",
    "GESPREK MET {N} OVER SCHOLING.",
    "Brief gestuurd aan {n} van der {m}.",
    "{title} {n}-{m} komt morgen.",
]


def generated_notes(seed: int, n: int) -> tuple[list[str], list[str]]:
    """Notes with made-up names in every spelling and position; and the names as the export holds them."""
    rng = random.Random(seed)
    names = [made_up_name(rng) for _ in range(40)]
    notes = []
    for _ in range(n):
        a, b = rng.sample(names, 2)
        template = rng.choice(POSITIONS)
        filler = " ".join(rng.choice(FILLER) for _ in range(rng.randint(0, 6)))
        note = template.format(
            n=spellings(a, rng), m=spellings(b, rng), N=spellings(a, rng).upper(), title=rng.choice(TITLES)
        )
        notes.append(f"{filler} {note}".strip() if rng.random() < 0.5 else note)
    return notes, names


@pytest.fixture(scope="module")
def deduce_ready():
    return get_deduce()


@pytest.mark.parametrize("seed", range(6))
def test_no_export_name_survives_in_any_spelling(seed):
    notes, names = generated_notes(seed, 300)
    # The export holds the names as written, or (for some) damaged by cp1252.
    rng = random.Random(seed + 100)
    export = [cp1252_damage(n) if rng.random() < 0.2 else n for n in names]
    out = scrub_names(pa.array(notes, type=pa.large_string()), NameIndex.from_values(export), use_deduce=False)
    for note, result in zip(notes, out.to_pylist()):
        for name in names:
            if survives(name, note):
                assert not survives(name, result), (name, note, result)
        assert "[NAAM]" in result


def test_full_names_and_tussenvoegsels_from_columns():
    rng = random.Random(5)
    first, last = made_up_name(rng), made_up_name(rng)
    index = NameIndex.from_values([f"{first[0]}. van der {last}", first, "de", "van der", f"{first}-de {last}"])
    for note in (
        f"Gesprek met {first[0]}. van der {last} vandaag.",
        f"Mevrouw Van der {last} belde.",
        f"Met {first} van der {last} besproken.",
        f"{first}-de {last} komt.",
        f"{last.upper()}'s zoon",
    ):
        result = scrub_names(pa.array([note]), index, use_deduce=False).to_pylist()[0]
        assert not survives(first, result) and not survives(last, result), (note, result)
        assert not re.search(r"\b(?:[Vv]an der|de)\s*\[NAAM\]", result), result
        assert "'s" not in result
    # Bare tussenvoegsels and initials in the columns are no names.
    unchanged = "De man van de buren zegt dat het in orde is, op de J-afdeling."
    assert scrub_names(pa.array([unchanged]), index, use_deduce=False).to_pylist() == [unchanged]


def test_names_that_are_words_stay_words():
    index = NameIndex.from_values(
        ["Bos", "Visser", "Koster", "Bakker", "Wil", "Ben", "Roos", "Groen", "de Jong", "Kok"]
    )
    rng = random.Random(11)
    notes = [" ".join(rng.choice(FILLER) for _ in range(rng.randint(3, 12))) + "." for _ in range(200)]
    notes = [n[0].upper() + n[1:] if rng.random() < 0.5 else n for n in notes]
    notes += [
        "Klant wil graag in het bos werken.",
        "Hij is visser geweest.",
        "De koster van de kerk zoekt hulp.",
        "Ik ben blij, hij wil kok worden.",
        "Mevrouw wil graag werken.",
    ]
    out = scrub_names(pa.array(notes), index, use_deduce=False).to_pylist()
    changed = [(a, b) for a, b in zip(notes, out) if a != b]
    # Only a sentence-initial noun such as "Bos …" or "Koster …" may be read as a name.
    for before, after in changed:
        assert after.startswith("[NAAM]") and before.split()[0].lower() in {
            "bos",
            "visser",
            "koster",
            "bakker",
            "roos",
            "kok",
            "koning",
            "boer",
            "smit",
            "mulder",
        }, (before, after)
    named = [
        "Gesprek met mevrouw Bos.",
        "Collega Visser neemt het over.",
        "Contactpersoon: Ingrid Koster.",
        "Wil Bakker komt morgen.",
        "Met mevrouw De Jong gebeld.",
        "MEVROUW BOS BELDE.",
    ]
    out = scrub_names(pa.array(named), index, use_deduce=False).to_pylist()
    for before, after in zip(named, out):
        for word in ("Bos", "Visser", "Koster", "Bakker", "Jong", "Wil"):
            if word.lower() in before.lower().split(" ") or word.lower() + "." in before.lower():
                assert not survives(word, after), (before, after)


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_namen", ROOT / "bench" / "namen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelled_sample_precision_and_recall(deduce_ready):
    """Measured when this was written: without index p 98%, r 89%; with index p 99%, r 99%."""
    bench = load_bench()
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    assert len(sample) >= 220
    assert sum(1 for s in sample if s.get("soort") == "woord") >= 40
    assert sum(1 for s in sample if s.get("soort") == "naamwoord") >= 40
    texts = pa.array([s["tekst"] for s in sample], type=pa.large_string())
    without = bench.score(sample, scrub_names(texts, None, workers=1).to_pylist())
    with_index = bench.score(sample, scrub_names(texts, bench.export_index(sample), workers=1).to_pylist())
    old = bench.score(sample, [redact(s["tekst"]) for s in sample])
    assert without["precisie"] >= 0.94 and without["recall"] >= 0.85, without
    assert with_index["precisie"] >= 0.94 and with_index["recall"] >= 0.95, with_index
    assert with_index["recall"] > old["recall"] + 0.15
    # Names that are words, used as words: hardly ever taken for a name.
    words = [s for s in sample if s.get("soort") == "woord"]
    out = scrub_names(pa.array([s["tekst"] for s in words]), bench.export_index(sample), workers=1).to_pylist()
    assert sum(a != b for a, b in zip((s["tekst"] for s in words), out)) <= 3


def test_scorer_notices_a_missed_name():
    bench = load_bench()
    item = {"tekst": "Gesprek met Kowalski en mevrouw Bos.", "namen": ["Kowalski", "Bos"]}
    perfect = bench.score([item], ["Gesprek met [NAAM] en mevrouw [NAAM]."])
    missed = bench.score([item], ["Gesprek met Kowalski en mevrouw [NAAM]."])
    too_much = bench.score([item], ["[NAAM] met [NAAM] en mevrouw [NAAM]."])
    assert perfect["recall"] == 1 and perfect["precisie"] == 1
    assert missed["recall"] == 0.5 and too_much["precisie"] < 1


def test_placeholders_from_redact_array_survive(deduce_ready):
    rng = random.Random(2)
    names = [made_up_name(rng) for _ in range(10)]
    notes = []
    for _ in range(150):
        a, b = rng.sample(names, 2)
        notes.append(
            rng.choice(
                [
                    f"Mevrouw {a} heeft BSN 111222333 en mail {fold(a)}.{fold(b)}@example.nl; ook {b} belde.",
                    f"{a}[NAAM] {b} tel 06-12345678, [BSN]{a} Jan Jansen woont in Utrecht.",
                    f"[NAAM]-{a} en dhr. {b}: rekening NL91ABNA0417164300, postcode 3511 AB.",
                    f"Contact met {b} van der {a} ([NAAM]), geboren 03-04-1988 in Amsterdam.",
                ]
            )
        )
    redacted = redact_array(pa.array(notes, type=pa.large_string()))
    before = redacted.to_pylist()
    counts: dict[str, int] = {}
    after = scrub_names(redacted, NameIndex.from_values(names), counts=counts).to_pylist()
    pattern = re.compile(r"\[[A-Z]+\]")
    added = 0
    for x, y in zip(before, after):
        old, new = Counter(pattern.findall(x)), Counter(pattern.findall(y))
        assert not (old - new), (x, y)
        assert not re.search(r"\[[A-Z]*[^A-Z\]\s]|[A-Z]\](?=[A-Z])", y.replace("[", " [")), y
        for name in names:
            assert not survives(name, y), (name, y)
        added += sum(new.values()) - sum(old.values())
    assert sum(counts.values()) == added


def test_empty_array_and_nulls(deduce_ready):
    assert len(scrub_names(pa.array([], type=pa.large_string()), None)) == 0
    assert scrub_names(pa.chunked_array([], type=pa.string()), None).to_pylist() == []
    index = NameIndex.from_values(["Jansen"])
    values = [None, "", "Jansen belde.", None, "   ", "Jansen belde."]
    out = scrub_names(pa.array(values, type=pa.string()), index)
    assert out.type == pa.large_string() and len(out) == len(values)
    result = out.to_pylist()
    assert [v is None for v in result] == [v is None for v in values]
    assert result[1] == "" and result[4] == "   " and result[2] == result[5] == "[NAAM] belde."


def test_counts_are_replacements_not_rows():
    rng = random.Random(9)
    names = [made_up_name(rng) for _ in range(12)]
    notes, expected = [], 0
    for _ in range(80):
        k = rng.randint(0, 4)
        chosen = [rng.choice(names) for _ in range(k)]
        note = " en toen ".join(f"belde {n}" for n in chosen) or "geen contact"
        copies = rng.randint(1, 3)
        notes += [note] * copies
        expected += k * copies
    rng.shuffle(notes)
    counts: dict[str, int] = {"naam_export": 0}
    calls: list[int] = []
    out = scrub_names(
        pa.array(notes), NameIndex.from_values(names), use_deduce=False, counts=counts, progress=calls.append
    )
    assert counts["naam_export"] == expected == sum(t.count("[NAAM]") for t in out.to_pylist())
    assert sum(calls) == len(notes)


def test_pool_gives_the_same_result_as_one_process(deduce_ready):
    from activering.anonimisering import freetext

    notes, names = generated_notes(21, freetext.POOL_MIN_TEXTS + 500)
    notes = [f"{note} ({i})" for i, note in enumerate(notes)]  # all distinct: the pool really runs
    partners = ["Koen", "Daan", "Ingrid Koster", "Fatima"]
    notes = [f"{note} Partner {partners[i % 4]} was erbij." for i, note in enumerate(notes)]
    array = pa.array(notes, type=pa.large_string())
    index = NameIndex.from_values(names)
    one: dict[str, int] = {}
    many: dict[str, int] = {}
    calls: list[int] = []
    single = scrub_names(array, index, counts=one, workers=1)
    pooled = scrub_names(array, index, counts=many, workers=2, progress=calls.append)
    assert single.equals(pooled)
    assert one == many and one.get("naam", 0) > 0 and one["naam_export"] > 0
    assert sum(calls) == len(notes) and len(calls) > 1


def test_deduce_does_not_take_over_logging(deduce_ready):
    root = logging.getLogger()
    assert not any(
        getattr(h, "stream", None) is not None
        and h.stream.__class__.__name__ == "TextIOWrapper"
        and getattr(h.stream, "name", "") == "<stdout>"
        for h in root.handlers
    )


@pytest.mark.parametrize("seed", range(4))
def test_email_with_non_ascii_letters(seed):
    rng = random.Random(seed)
    letters = "abcdeéèëöüçşğıłńžáàíóúñ"
    rows = []
    for _ in range(60):
        local = ".".join(
            "".join(rng.choice(letters) for _ in range(rng.randint(2, 8))) for _ in range(rng.randint(1, 3))
        )
        domain = "".join(rng.choice("abcdefghklmnoprstuvwz") for _ in range(rng.randint(3, 9)))
        before, after = rng.choice(["Mail naar ", "", "(", "adres: "]), rng.choice([" graag", "", ").", ", tel volgt"])
        rows.append((before, f"{local}@{domain}.{rng.choice(['nl', 'com', 'org'])}", after))
    texts = [b + mail + a for b, mail, a in rows]
    expected = [b + "[EMAIL]" + a for b, _, a in rows]
    assert [redact(t) for t in texts] == expected
    assert redact_array(pa.array(texts, type=pa.large_string())).to_pylist() == expected
