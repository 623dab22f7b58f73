"""Names in free text: precision and recall on the labelled sample, and the speed of `scrub_names`.

The sample (tests/fixtures/anonimisering/namen_steekproef.yml) holds contact notes written for
this course, each with the names it contains. Four ways of redacting are scored side by side:

(a) the old regex/list redaction ``detect.redact``;
(b) deduce alone (its own redactor, ``[PERSOON-1]`` …);
(c) ``scrub_names`` without a NameIndex (deduce plus our handling of titles and placeholders);
(d) ``scrub_names`` with a NameIndex of the names as the export's columns would hold them.

Scoring is independent of ``scrub_names``: the original text and the output are split into words,
aligned with difflib, and every original word that disappeared behind a name placeholder counts
as "found as a name". Words inside a name that are tussenvoegsels, initials or a possessive 's,
and titles (mevrouw, collega, …) are left out of the score. Precision and recall are over words.
"Verborgen" is the share of name words that disappeared behind any placeholder (a name that
deduce took for a place is hidden, but not as a name).

Then the speed: distinct generated notes through ``scrub_names`` with one process and with a pool.
Run: ``uv run python bench/namen.py [--notities 10000]``.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import random
import re
import time
from pathlib import Path

import pyarrow as pa
import yaml

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "anonimisering" / "namen_steekproef.yml"

# A word: letters, with '?' for a letter cp1252 lost; a placeholder is one word.
WORD = re.compile(r"\[[A-Z][A-Z_\-0-9]*\]|(?:[^\W\d_]|\?)+")
NAME_PLACEHOLDER = re.compile(r"^\[(?:NAAM|PERSOON(?:-\d+)?|PATIENT)\]$")
PLACEHOLDER = re.compile(r"^\[[A-Z][A-Z_\-0-9]*\]$")
NEUTRAL_IN_NAME = {"van", "de", "der", "den", "ter", "ten", "te", "het", "t", "in", "op", "el", "ait", "s"}
TITLES = {"mevrouw", "mevr", "mw", "meneer", "mijnheer", "dhr", "heer", "mr", "dr", "collega", "mej"}


def words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def labels(text: str, names: list[str]) -> list[str]:
    """Per word of ``text``: 'naam', 'neutraal' or 'woord'."""
    tokens = words(text)
    out = ["woord"] * len(tokens)
    for i, (_, _, w) in enumerate(tokens):
        if w.lower() in TITLES or len(w) == 1:
            out[i] = "neutraal"
    cursor: dict[str, int] = {}
    for name in names:
        at = text.find(name, cursor.get(name, 0))
        if at < 0:
            raise ValueError(f"naam {name!r} staat niet in {text!r}")
        cursor[name] = at + len(name)
        for i, (s, e, w) in enumerate(tokens):
            if s >= at and e <= at + len(name):
                out[i] = "neutraal" if (w.lower() in NEUTRAL_IN_NAME or len(w) == 1) else "naam"
    return out


def removed(text: str, output: str) -> list[str | None]:
    """Per word of ``text``: None when it is still in ``output``, else the placeholder kind ('naam'/'ander')."""
    before = [w for _, _, w in words(text)]
    after = [w for _, _, w in words(output)]
    result: list[str | None] = [None] * len(before)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        replacement = after[j1:j2]
        kind = "naam" if any(NAME_PLACEHOLDER.match(w) for w in replacement) else "ander"
        for i in range(i1, i2):
            result[i] = kind
    return result


def score(sample: list[dict], outputs: list[str]) -> dict[str, float]:
    tp = fp = fn = hidden = names = other = 0
    for item, output in zip(sample, outputs):
        truth = labels(item["tekst"], item["namen"])
        gone = removed(item["tekst"], output)
        for label, kind in zip(truth, gone):
            if label == "neutraal":
                continue
            if label == "naam":
                names += 1
                hidden += kind is not None
                if kind == "naam":
                    tp += 1
                else:
                    fn += 1
            elif kind == "naam":
                fp += 1
            elif kind is not None:
                other += 1
    return {
        "precisie": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "verborgen": hidden / names if names else 1.0,
        "fp": fp,
        "fn": fn,
        "ander": other,
    }


def export_index(sample: list[dict]):
    from activering.anonimisering.freetext import NameIndex

    values = [v for item in sample for v in item.get("export", [])]
    return NameIndex.from_values(values)


def quality(sample: list[dict], show: bool) -> dict[str, dict[str, float]]:
    from activering.anonimisering.detect import redact
    from activering.anonimisering.freetext import get_deduce, scrub_names

    texts = [item["tekst"] for item in sample]
    deduce = get_deduce()
    array = pa.array(texts, type=pa.large_string())
    outputs = {
        "(a) detect.redact": [redact(t) for t in texts],
        "(b) deduce alleen": [deduce.deidentify(t).deidentified_text for t in texts],
        "(c) scrub_names zonder index": scrub_names(array, None, workers=1).to_pylist(),
        "(d) scrub_names met index": scrub_names(array, export_index(sample), workers=1).to_pylist(),
    }
    results = {name: score(sample, out) for name, out in outputs.items()}
    print(
        f"Steekproef: {len(sample)} zinnen, {sum(len(i['namen']) for i in sample)} namen "
        f"({sum(1 for i in sample if i.get('soort') == 'woord')} zinnen met een naam-woord als woord, "
        f"{sum(1 for i in sample if i.get('soort') == 'naamwoord')} als naam)"
    )
    print(f"{'methode':<32}{'precisie':>10}{'recall':>9}{'verborgen':>11}{'fout-pos':>10}{'gemist':>8}{'ander':>7}")
    for name, r in results.items():
        print(
            f"{name:<32}{r['precisie']:>10.1%}{r['recall']:>9.1%}{r['verborgen']:>11.1%}"
            f"{r['fp']:>10}{r['fn']:>8}{r['ander']:>7}"
        )
    print("precisie/recall: per woord, over de namen; verborgen: naamwoorden achter welke plaatshouder dan ook;")
    print("fout-pos: woorden onterecht als naam weggehaald; ander: woorden weggehaald als plaats, instelling, …")
    words_only = [i for i in sample if i.get("soort") == "woord"]
    named_words = [i for i in sample if i.get("soort") == "naamwoord"]
    for label, part in (("naam-woord als woord", words_only), ("naam-woord als naam", named_words)):
        idx = [sample.index(i) for i in part]
        line = []
        for name, out in outputs.items():
            r = score(part, [out[i] for i in idx])
            if part is words_only:
                line.append(f"{name[:3]} fout-pos={r['fp']}")
            else:
                line.append(f"{name[:3]} p={r['precisie']:.0%} r={r['recall']:.0%}")
        print(f"  {label:<22}" + "  ".join(line))
    if show:
        for name in ("(c) scrub_names zonder index", "(d) scrub_names met index"):
            print(f"\nVerschillen {name}:")
            for item, out in zip(sample, outputs[name]):
                truth = labels(item["tekst"], item["namen"])
                gone = removed(item["tekst"], out)
                if any((t == "naam") != (g == "naam") for t, g in zip(truth, gone) if t != "neutraal"):
                    print(f"  {item['tekst']}\n    -> {out}")
    return results


FIRST = (
    "Anna Daan Fatima Mohamed Ayşe Mehmet Priya Rajesh Marek Agnieszka Shurendy Gino Sanne Kees Wil Bas Roos "
    "Ben Noor Youssef Hatice Özlem Kübra Ömer Lotte Jeroen Ingrid Tjitske Sjoerd Edson Dewi Naima"
).split()
LAST = (
    "Jansen de Vries Bakker Visser Bos Mulder Smit de Jong Yılmaz Öztürk Çelik Bennani El Amrani Ramdin "
    "Kowalski Wiśniewska Martina Winklaar Hoekstra Dijkstra van der Berg Koster Kaya Demir Arslan"
).split()
OTHERS = "Koen Jurgen Shanice Ilias Justyna Efe Dennis Corrie Gerrit Khadija".split()  # in no column
TEMPLATES = (
    "Gesprek gehad met {f} {l} over de re-integratie, afspraak over {n} weken.",
    "Mevrouw {l} belde; haar partner {p} wil ook graag werken. Volgende afspraak op dinsdag.",
    "{f} heeft {n} sollicitaties verstuurd en een gesprek bij de werkgever gehad.",
    "Contactpersoon bij de werkgever: {f2} {l2}. Klant is {n} weken gestart met de proefplaatsing.",
    "Klant wil graag in het bos werken, is {n} jaar visser geweest. Zijn zoon {p} helpt hem.",
    "Collega {l2} neemt het dossier over. Klant heeft [BSN] doorgegeven, mail naar [EMAIL].",
)


def notes(n: int, seed: int = 3) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, names = [], []
    for i in range(n):
        first, first2, last, last2 = rng.choice(FIRST), rng.choice(FIRST), rng.choice(LAST), rng.choice(LAST)
        names += [first, last]
        texts.append(rng.choice(TEMPLATES).format(f=first, f2=first2, l=last, l2=last2, n=i, p=rng.choice(OTHERS)))
    return texts, names


def speed(n: int) -> None:
    import os

    from activering.anonimisering import freetext

    texts, names = notes(n)
    index = freetext.NameIndex.from_values(names)
    array = pa.array(texts, type=pa.large_string())
    for label, kwargs in (
        ("alleen exportnamen (zonder deduce)", {"use_deduce": False, "workers": 1}),
        ("1 proces", {"workers": 1}),
        (f"pool van {os.cpu_count()} processen", {"workers": os.cpu_count()}),
    ):
        counts: dict[str, int] = {}
        started = time.perf_counter()
        freetext.scrub_names(array, index, counts=counts, **kwargs)
        seconds = time.perf_counter() - started
        print(f"{label:<36} {n:,} verschillende notities in {seconds:.1f} s: {n / seconds:,.0f} notities/s; {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notities", type=int, default=10_000, help="aantal notities voor de snelheidsmeting")
    parser.add_argument("--toon", action="store_true", help="toon de zinnen waar (c) en (d) fout gaan")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    from activering.anonimisering.freetext import get_deduce

    started = time.perf_counter()
    get_deduce()
    print(f"Deduce opbouwen: {time.perf_counter() - started:.1f} s (één keer per proces)\n")
    quality(sample, args.toon)
    if args.notities:
        speed(args.notities)


if __name__ == "__main__":
    main()
