"""Benchmark of `activering anonimiseer`: a synthetic municipal export of N clients, end to end.

The export has two files: clients (BSN, names, address, postcode, date of birth, gemeente, wijk,
household, a sanction, an amount with a decimal comma, a start date) and two contact notes per
client on average, whose text holds the client's own names, other people's names, BSNs and
phone numbers. It is generated in a temporary folder, then anonimised with the detected plan:
reading, detection, pseudonyms, generalisation, name scrubbing (own columns + deduce), k = 5 and
l = 2, keyed shuffle, writing. Reported: the time per phase, clients/s and notes/s.

Side by side in the same run: pycanon's k-anonymity check of the clients output (on the same
quasi-identifiers), as a yardstick of what one pass over the result costs in a well-known library,
and a straightforward row-by-row pandas version on a subsample, extrapolated linearly (the output
says so). Nothing is written in the repository.
Run: ``uv run python bench/anonimiseer.py [--clienten 100000] [--steekproef 20000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from activering.anonimisering.names import FIRST_NAMES, SURNAMES
from activering.anonimisering.pipeline import PLAN_NAME, Progress, run
from activering.anonimisering.plan import load_plan

KEY = hashlib.sha256(b"bench").digest()


def _bsns(rng: np.random.Generator, n: int) -> np.ndarray:
    digits = rng.integers(0, 10, size=(n * 2, 8))
    check = (digits * np.arange(9, 1, -1)).sum(axis=1) % 11
    ok = check < 10
    numbers = (digits[ok] * 10 ** np.arange(8, 0, -1)).sum(axis=1) + check[ok]
    return np.char.zfill(numbers[:n].astype(str), 9)


def make_export(folder: Path, n: int, seed: int = 1) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    names = np.array(FIRST_NAMES)
    surnames = np.array(SURNAMES)
    first = names[rng.integers(0, len(names), n)]
    last = surnames[rng.integers(0, len(surnames), n)]
    born = pd.Timestamp("1960-01-01") + pd.to_timedelta(rng.integers(0, 365 * 45, n), unit="D")
    start = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 365 * 8, n), unit="D")
    clients = pd.DataFrame(
        {
            "Klantnummer": np.char.add("K", np.arange(1, n + 1).astype(str)),
            "BSN": _bsns(rng, n),
            "Voornaam": first,
            "Achternaam": last,
            "Adres": np.char.add("Kerkstraat ", rng.integers(1, 300, n).astype(str)),
            "Postcode": np.char.add(rng.integers(1000, 9999, n).astype(str), " AB"),
            "Geboortedatum": born.strftime("%d-%m-%Y"),
            "Geslacht": np.array(["man", "vrouw"])[rng.integers(0, 2, n)],
            "Gemeente": np.array(["Helmond", "Tilburg", "Weert"])[rng.integers(0, 3, n)],
            "Huishouden": np.array(["alleenstaand", "alleenstaande ouder", "paar"])[rng.integers(0, 3, n)],
            "Maatregel": np.array(["geen", "geen", "waarschuwing", "korting 20%", "korting 100%"])[
                rng.integers(0, 5, n)
            ],
            "Uitkering": np.char.add(
                np.char.add(rng.integers(600, 1600, n).astype(str), ","), rng.integers(10, 99, n).astype(str)
            ),
            "Startdatum": start.strftime("%d-%m-%Y"),
        }
    )
    m = 2 * n
    who = rng.integers(0, n, m)
    other = names[rng.integers(0, len(names), m)]
    phone = rng.integers(10_000_000, 99_999_999, m).astype(str)
    kind = rng.integers(0, 5, m)
    cf, cl = first[who], last[who]
    notes = np.where(
        kind == 0,
        "Gesprek met mevrouw " + cl + " over werk; BSN " + _bsns(rng, m) + " gecontroleerd.",
        np.where(
            kind == 1,
            cf + " belt terug op 06-" + phone + ", afspraak volgende week met partner " + other + ".",
            np.where(
                kind == 2,
                "Cliënt heeft sollicitatietraining afgerond, gaat door met werkervaringsplaats.",
                np.where(
                    kind == 3,
                    "Dhr. " + cl + " niet verschenen; maatregel besproken met collega " + other + ".",
                    "Werkgever belde: "
                    + other
                    + " "
                    + surnames[rng.integers(0, len(surnames), m)]
                    + " wil "
                    + cf
                    + " een proefplaatsing aanbieden.",
                ),
            ),
        ),
    )
    # Real notes are nearly all different: add two of many phrases and a duration, so that after the
    # identifiers are replaced hardly two notes are the same (no free ride for deduplication).
    phrases = np.array(PHRASES)
    notes = (
        notes
        + " "
        + phrases[rng.integers(0, len(phrases), m)]
        + " "
        + phrases[rng.integers(0, len(phrases), m)]
        + " Duur "
        + rng.integers(5, 95, m).astype(str)
        + " minuten, vervolg over "
        + rng.integers(1, 12, m).astype(str)
        + " weken."
    )
    date = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365, m), unit="D")
    contacts = pd.DataFrame(
        {
            "Klantnummer": clients["Klantnummer"].to_numpy()[who],
            "Datum": date.strftime("%d-%m-%Y"),
            "Soort": np.array(["gesprek", "telefoon", "e-mail"])[rng.integers(0, 3, m)],
            "Verslag": notes,
        }
    )
    client_path, contact_path = folder / "clienten.csv", folder / "contacten.csv"
    clients.to_csv(client_path, sep=";", index=False, encoding="utf-8")
    contacts.to_csv(contact_path, sep=";", index=False, encoding="utf-8")
    return client_path, contact_path


PHRASES = [
    "Klant is gemotiveerd.",
    "Klant twijfelt over de opleiding.",
    "Gesproken over kinderopvang.",
    "Schulden zijn in beeld bij de schuldhulp.",
    "Taalniveau is een drempel.",
    "Vervoer blijft lastig.",
    "Gezondheid laat weinig uren toe.",
    "Netwerk is klein.",
    "Wil graag in de zorg werken.",
    "Heeft ervaring in de logistiek.",
    "Vrijwilligerswerk bij de voetbalclub loopt goed.",
    "Afspraken uit het plan van aanpak nagelopen.",
    "Sollicitaties besproken.",
    "CV bijgewerkt.",
    "Werkervaringsplaats aangevraagd.",
    "Proefplaatsing geëvalueerd.",
    "Inkomsten doorgegeven.",
    "Klant was te laat.",
    "Klant was goed voorbereid.",
    "Tolk was aanwezig.",
    "Huisbezoek gedaan.",
    "Overleg met het wijkteam gepland.",
    "Rijbewijs is een wens.",
    "Avondschool voor Nederlands.",
    "Mantelzorg kost veel tijd.",
    "Zoekt werk in de buurt.",
    "Parttime werk is het doel.",
    "Loonkostensubsidie besproken.",
    "Jobcoach ingeschakeld.",
    "Geen bijzonderheden.",
    "Verslag gestuurd.",
    "Vervolgafspraak gemaakt.",
    "Reiskosten vergoed.",
    "Brief niet ontvangen.",
    "Telefonisch niet bereikt.",
    "Ziekmelding doorgegeven.",
    "Herstel verloopt voorspoedig.",
    "Training sollicitatievaardigheden gestart.",
    "Stage bij een bakkerij loopt.",
    "Uren uitgebreid.",
]


class Phases(Progress):
    """Records when each phase starts."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []

    def phase(self, text: str) -> None:
        self.marks.append((text, time.perf_counter()))

    def table(self, end: float) -> str:
        rows = []
        for (name, at), (_, until) in zip(self.marks, [*self.marks[1:], ("", end)]):
            rows.append(f"  {name:<36} {until - at:8.1f} s")
        return "\n".join(rows)


def naive(path: Path, rows: int) -> float:
    """Row by row: what a first, straightforward pandas version would do. Returns seconds."""
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, nrows=rows)
    started = time.perf_counter()
    today = dt.date.today()

    def one(row: pd.Series) -> pd.Series:
        born = dt.datetime.strptime(row["Geboortedatum"], "%d-%m-%Y").date()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return pd.Series(
            {
                "Klantnummer": hmac.new(KEY, row["Klantnummer"].encode(), "sha256").hexdigest()[:13],
                "Postcode": row["Postcode"][:2] + "xx",
                "Leeftijd": f"{age // 10 * 10}-{age // 10 * 10 + 9}",
                "Geslacht": row["Geslacht"],
                "Maatregel": row["Maatregel"],
                "Uitkering": row["Uitkering"].replace(".", "").replace(",", "."),
                "Startdatum": dt.datetime.strptime(row["Startdatum"], "%d-%m-%Y").strftime("%Y-%m"),
            }
        )

    out = frame.apply(one, axis=1)
    sizes = out.groupby(["Postcode", "Leeftijd", "Geslacht"])["Maatregel"].transform("size")
    out = out[sizes >= 5]
    out.to_csv(os.devnull, index=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clienten", type=int, default=100_000)
    parser.add_argument("--steekproef", type=int, default=20_000)
    args = parser.parse_args()
    from pycanon import anonymity

    with tempfile.TemporaryDirectory(prefix="activering-bench-anon-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        client_path, contact_path = make_export(folder, args.clienten)
        size = (client_path.stat().st_size + contact_path.stat().st_size) / 1e6
        print(
            f"export gemaakt: {args.clienten:,} cliënten, {2 * args.clienten:,} contactverslagen, {size:,.0f} MB "
            f"in {time.perf_counter() - started:.1f} s (niet meegeteld)"
        )
        phases = Phases()
        started = time.perf_counter()
        summary = run([client_path, contact_path], folder / "uit", KEY, key_source="bench", progress=phases)
        seconds = time.perf_counter() - started
        outcome = summary.outcomes[client_path.name]
        print(
            f"anonimiseer: {seconds:.1f} s in totaal; {args.clienten / seconds:,.0f} cliënten/s, "
            f"{2 * args.clienten / seconds:,.0f} verslagen/s; k = {outcome.k_reached}, l = {outcome.l_reached}, "
            f"{outcome.suppressed:,} rijen weggelaten"
        )
        print(phases.table(started + seconds))
        plan = load_plan(folder / "uit" / PLAN_NAME)
        quasi = [c for c, p in plan.for_file(client_path.name).kolommen.items() if p.rol == "quasi"]
        output = pd.read_csv(folder / "uit" / client_path.name, dtype=str, keep_default_na=False)
        started = time.perf_counter()
        k = anonymity.k_anonymity(output, quasi)
        pycanon_seconds = time.perf_counter() - started
        print(
            f"pycanon k_anonymity op het resultaat ({len(quasi)} quasi-identificatoren, {len(output):,} rijen): "
            f"k = {k}, {pycanon_seconds:.1f} s; verhouding anonimiseren / één pycanon-controle: "
            f"{seconds / pycanon_seconds:,.1f}"
        )
        sample = min(args.steekproef, args.clienten)
        naive_seconds = naive(client_path, sample)
        extrapolated = naive_seconds * args.clienten / sample
        print(
            f"naïef rij-voor-rij (pandas apply, zonder vrije tekst): {naive_seconds:.1f} s voor {sample:,} rijen, "
            f"lineair geëxtrapoleerd naar {args.clienten:,}: {extrapolated:,.0f} s"
        )


if __name__ == "__main__":
    main()
