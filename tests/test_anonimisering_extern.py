"""Independent acceptance test of ``activering anonimiseer`` (the contract, checked from outside).

Everything here is generated (no real people): a messy municipal export in the style of a
"Suite"-type system: cp1252, semicolons, CRLF, decimal commas, quoted multi-line notes, names
that cp1252 cannot hold (they arrive as ``Ay?e``), names that are ordinary words, tussenvoegsels.

The anonymiser is only run through its command line (``activering.cli:app`` via typer's
CliRunner, or the ``activering`` console script in a subprocess). Every check on the output is
written here, independently: this file imports nothing from ``activering.anonimisering``.

Rule for names (check 1), decided here:

* every name token from the export's own name columns (``Roepnaam``, ``Geslachtsnaam``,
  ``Consulent``) must be gone from every output file, in *any* letter case. The anonymiser
  has seen these values in a name column, so it knows they are names, even "Bos" or "Jong".
  The generated notes therefore never use these words as ordinary words: a lower-case "bos"
  in the notes is always the surname of a client.
* every name that only occurs in the notes (partner, child, employer contact, colleague) must
  be gone too, except when it is also an ordinary Dutch word (``ORDINARY_WORDS``: wil, mees,
  vos, berk, brouwer) *and* it appears in lower case: "ze wil werken" may stay, "Wil" may not.
* tokens are compared after folding (casefold, accents stripped, ı→i, ł→l); a name that cp1252
  mangled (``Ay?e``) is also searched in its mangled form, and with the ``?`` dropped. A word
  with a possessive ``s`` ("Jansens") counts as the name; "Jansen's" splits at the apostrophe.
  Tussenvoegsels (de, van der, el, …) are not names on their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from pycanon import anonymity
from typer.testing import CliRunner

from activering.cli import app

TRACEBACK = "Traceback (most recent call last)"
KEY_A = "3f9c2a7be1d04c58a6f17e2b9d30c4aa"  # 32 hex characters: a strong key
KEY_B = "b71e04d9c3a2f6580e9d1c7a4b2f3e61"
CLIENTS = "relaties.csv"
CONTACTS = "contactmomenten.csv"
FREE_TEXT = {"Verslag"}  # the free-text columns of this export
SENSITIVE = {"Maatregel"}  # sanction column: the sensitive attribute for l-diversity
K, L = 5, 2
SENTINEL = "zie Dorpsweg 12 (Kromowidjojo)"

# --- name pools (fictional combinations; many with letters cp1252 cannot hold) ----------------

FIRST_NAMES = [
    "Jan",
    "Kees",
    "Sanne",
    "Anouk",
    "Joost",
    "Femke",
    "Roos",
    "Marieke",
    "Chloë",
    "Renée",
    "Mohamed",
    "Fatima",
    "Youssef",
    "Khadija",
    "Nordin",
    "Samira",
    "Ayşe",
    "Hüseyin",
    "Mehmet",
    "Emine",
    "Gülay",
    "Barış",
    "Şükrü",
    "İlknur",
    "Sharmila",
    "Radjesh",
    "Winston",
    "Glenda",
    "Priya",
    "Małgorzata",
    "Wojciech",
    "Łukasz",
    "Agnieszka",
    "Krzysztof",
    "Zofia",
]
# (voorvoegsel, geslachtsnaam); Bos, Visser, Koster, Jong, Bakker, Kok, Berg, Dijk, Heuvel are also words
SURNAMES = [
    ("", "Bos"),
    ("", "Visser"),
    ("", "Koster"),
    ("de", "Jong"),
    ("", "Bakker"),
    ("", "Kok"),
    ("van der", "Berg"),
    ("van", "Dijk"),
    ("de", "Vries"),
    ("", "Jansen"),
    ("", "Mulder"),
    ("van den", "Heuvel"),
    ("", "El Amrani"),
    ("", "Bouzidi"),
    ("", "Azzouzi"),
    ("", "Yılmaz"),
    ("", "Öztürk"),
    ("", "Şahin"),
    ("", "Kılıç"),
    ("", "Doğan"),
    ("", "Ramdin"),
    ("", "Sewdien"),
    ("", "Pinas"),
    ("", "Wiśniewski"),
    ("", "Kowalczyk"),
    ("", "Dąbrowska"),
    ("", "Wójcik"),
    ("", "Nowak"),
]
CONSULTANTS = ["Petra Dijkstra", "Ruud Kuipers", "Annelies Hofman", "Farid Bouzid", "Esra Kaya", "Joke Timmer"]
# Names that are in no column: partners, children, employers' contact persons, colleagues.
OTHER_FIRST = ["Gerdien", "Marcin", "Yeliz", "Soufyan", "Rinske", "Shanti", "Jurre", "Wil", "Mees", "Nazlı", "Bilal"]
OTHER_SURNAMES = ["Hoekstra", "Brouwer", "Vos", "Berk", "Nowicka", "Çelik", "Oudshoorn", "Wijngaarde", "Tahiri"]
ORDINARY_WORDS = {"wil", "mees", "vos", "berk", "brouwer"}  # names here that are also ordinary Dutch words

STREETS = [
    "Kerkstraat",
    "Dorpsweg",
    "Molenlaan",
    "Julianaplein",
    "Nieuwegracht",
    "Havenkade",
    "Zuidsingel",
    "Lekdijk",
    "Kloosterhof",
    "Beukenpark",
    "Merelpad",
    "Vismarkt",
    "Spoorsteeg",
    "Stationsweg",
    "Vinkenstraat",
    "Oranjelaan",
]
PLACES = [("Lindeveen", "35"), ("Lindeveen", "35"), ("Oudewater aan de Lek", "34"), ("Meerbeek", "37")]
WIJKEN = ["Centrum", "Molenkwartier", "De Akkers", "Kadewijk", "Noorderveld", "Oosterhout"]
NATIONALITIES = (
    ["Nederlandse"] * 10
    + ["Marokkaanse"] * 3
    + ["Turkse"] * 3
    + ["Surinaamse"] * 2
    + ["Poolse"] * 2
    + ["Eritrese", "Syrische"]
)
LEEFVORMEN = ["alleenstaand", "alleenstaand", "alleenstaande ouder", "samenwonend", "samenwonend met kinderen"]
MAATREGELEN = ["geen"] * 6 + ["waarschuwing", "verlaging 20%", "verlaging 100%"]
KANALEN = ["telefoon", "gesprek", "e-mail", "huisbezoek", "brief"]
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
# Ordinary text. It never uses a column name token (bos, jong, dijk, berg, ...) as a word;
# "wil" and "brouwer" are ordinary words that are also names of people outside the columns.
FILLER = [
    "Afspraak gemaakt voor volgende week.",
    "Cliënt wil graag aan het werk in de zorg.",
    "Traject loopt volgens plan; geen bijzonderheden.",
    "Ze wil eerst de taalcursus afmaken.",
    "Proefplaatsing bij een brouwer besproken.",
    'Vervolggesprek over scholing; "motivatie goed".',
    "Stukken voor de heronderzoeken nog niet ontvangen.",
    "Sollicitatieplicht toegelicht.",
]


def fold(text: str) -> str:
    """Case-folded, accents stripped (also ı, ł, ø, which NFKD keeps)."""
    text = text.translate(str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "İ": "I"}))
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def cp1252(text: str) -> str:
    """What survives a cp1252 export: letters it cannot hold become '?'."""
    return text.encode("cp1252", errors="replace").decode("cp1252")


def make_bsn(rng) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10 and any(digits):
            return "".join(map(str, digits)) + str(check)


def elfproef(digits: str) -> bool:
    if not digits.isdigit() or len(digits) not in (8, 9):
        return False
    d = [int(c) for c in digits.zfill(9)]
    return any(d) and sum(x * w for x, w in zip(d, (9, 8, 7, 6, 5, 4, 3, 2, -1))) % 11 == 0


def make_iban(rng) -> str:
    bank = rng.choice(["ABNA", "INGB", "RABO", "TRIO", "SNSB", "ASNB"])
    account = f"{rng.randrange(10**10):010d}"
    number = int("".join(str(int(c, 36)) for c in bank + account + "NL00"))
    return f"NL{98 - number % 97:02d}{bank}{account}"


def iban_valid(text: str) -> bool:
    compact = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", compact):
        return False
    return int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 == 1


def bsn_spellings(bsn: str) -> list[str]:
    s = [
        bsn,
        f"{bsn[:3]}.{bsn[3:6]}.{bsn[6:]}",
        f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}",
        f"{bsn[:4]} {bsn[4:6]} {bsn[6:]}",
        f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}",
    ]
    if bsn.startswith("0"):
        s.append(bsn[1:])  # a spreadsheet dropped the leading zero
    return s


def phone_spellings(rng) -> list[str]:
    m = f"{rng.randrange(10**8):08d}"
    a = f"{rng.randrange(10**7):07d}"
    return [
        f"06-{m}",
        f"06 {m[:2]} {m[2:4]} {m[4:6]} {m[6:]}",
        f"+31 6 {m[:4]} {m[4:]}",
        f"00316{m}",
        f"06{m}",
        f"(020) {a[:3]} {a[3:]}",
        f"020-{a}",
        f"+31 (0)20 {a}",
    ]


# --- the export ------------------------------------------------------------------------------


@dataclass
class Export:
    folder: Path
    clients: Path
    contacts: Path
    rows: list[dict]  # the clients as written (after cp1252), in file order
    contact_rows: list[dict]
    column_names: dict[str, set[str]] = field(default_factory=dict)  # folded token → original spelling(s)
    other_names: dict[str, set[str]] = field(default_factory=dict)
    bsns: set[str] = field(default_factory=set)
    ibans: set[str] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)
    birth_dates: set[dt.date] = field(default_factory=set)
    amounts: set[int] = field(default_factory=set)  # in cents
    bad_lines: dict[str, int] = field(default_factory=dict)  # what → line number in relaties.csv


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1252", errors="replace"))


def _name_tokens(name: str) -> set[str]:
    """Folded tokens of one name as it may appear in the output (original, cp1252-mangled, '?' dropped)."""
    stop = {"de", "den", "der", "van", "von", "el", "al", "ten", "ter", "te", "het", "la", "le", "da", "du"}
    tokens = set()
    for variant in (name, cp1252(name)):
        for part in re.split(r"[\s\-]+", fold(variant)):
            for t in {part, part.replace("?", "")}:
                if len(t.replace("?", "")) >= 3 and t not in stop:
                    tokens.add(t)
    return tokens


def write_export(
    folder: Path, seed: int, n_clients: int, n_contacts: int, bad_rows: bool = True, long_note: int = 0
) -> Export:
    r = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    peildatum = dt.date.today()
    ex = Export(folder, folder / CLIENTS, folder / CONTACTS, [], [])
    header = [
        "Relatienr",
        "Sofinummer",
        "Roepnaam",
        "Voorvoegsel",
        "Geslachtsnaam",
        "Geb.datum",
        "Straat",
        "Huisnr",
        "PC",
        "Woonplaats",
        "Gemeente",
        "Wijk",
        "Nationaliteit",
        "Leefvorm",
        "Aantal contacten",
        "Bedrag uitkering",
        "Datum instroom",
        "Maatregel",
        "Trede",
        "Consulent",
    ]
    start = dt.date(2014, 1, 1)
    bad_at = {"leeg": 5, "31-02-1980": 17, "onbekend": 33, "sentinel": 41} if bad_rows else {}
    lines = []
    for i in range(n_clients):
        first = r.choice(FIRST_NAMES)
        vv, last = r.choice(SURNAMES)
        born = peildatum - dt.timedelta(days=r.randint(17 * 365, 67 * 365))
        bsn = make_bsn(r)
        place, prefix = r.choice(PLACES)
        pc_digits = f"{prefix}{r.randint(10, 99)}"
        letters = r.choice(["AB", "CD", "EG", "HK", "LN", "PR", "TV", "XZ"])
        pc = r.choice(
            [
                f"{pc_digits} {letters}",
                f"{pc_digits} {letters}",
                f"{pc_digits}{letters}",
                f"{pc_digits} {letters.lower()}",
            ]
        )
        amount = r.randint(40000, 189999)  # cents
        euros, cents = divmod(amount, 100)
        amount_text = (f"{euros // 1000}.{euros % 1000:03d}" if euros >= 1000 else str(euros)) + f",{cents:02d}"
        instroom = start + dt.timedelta(days=int(i * 3650 / max(n_clients, 1)) + r.randint(0, 40))
        row = {
            "Relatienr": f"RN{104000 + 3 * i + r.randint(0, 2):06d}",
            "Sofinummer": bsn[1:] if bsn.startswith("0") and r.random() < 0.7 else bsn,
            "Roepnaam": first,
            "Voorvoegsel": vv,
            "Geslachtsnaam": last,
            "Geb.datum": born.strftime(r.choice(["%d-%m-%Y", "%d-%m-%Y", "%-d-%-m-%Y"])),
            "Straat": r.choice(STREETS),
            "Huisnr": r.choice(
                [
                    str(r.randint(1, 180)),
                    f"{r.randint(1, 99)}{r.choice('abc')}",
                    f"{r.randint(1, 40)}-{r.randint(1, 3)}",
                ]
            ),
            "PC": pc,
            "Woonplaats": place,
            "Gemeente": "Lindeveen",
            "Wijk": r.choice(WIJKEN),
            "Nationaliteit": r.choice(NATIONALITIES),
            "Leefvorm": r.choice(LEEFVORMEN),
            "Aantal contacten": str(r.randint(0, 40)),
            "Bedrag uitkering": amount_text,
            "Datum instroom": instroom.strftime("%d-%m-%Y"),
            "Maatregel": r.choice(MAATREGELEN),
            "Trede": str(r.randint(1, 4)),
            "Consulent": r.choice(CONSULTANTS),
            "_born": born,
            "_bsn": bsn,
            "_iban": make_iban(r),
            "_phones": phone_spellings(r),
            "_email": f"{fold(first).replace('?', '')}.{fold(last).replace(' ', '')}@example.nl"
            if r.random() < 0.5
            else f"{first.lower()}.{last.lower().replace(' ', '')}@example.nl",
        }
        for what, at in bad_at.items():
            if i == at:
                if what == "leeg":
                    row["Geb.datum"] = ""
                elif what == "sentinel":
                    row["PC"] = SENTINEL
                else:
                    row["Geb.datum"] = what
                ex.bad_lines[what] = i + 2  # header is line 1, client rows have no newlines
        ex.rows.append(row)
        lines.append([cp1252(row[h]) for h in header])
        ex.birth_dates.add(born)  # the notes hold the real birth date, whatever the column says
        ex.bsns.add(bsn)
        ex.ibans.add(row["_iban"])
        ex.amounts.add(amount)
        if row["PC"] != SENTINEL:
            ex.postcodes.add(re.sub(r"\s", "", pc).upper())
        for name in (first, last, row["Consulent"]):
            for t in _name_tokens(name):
                ex.column_names.setdefault(t, set()).add(name)
    _write_csv(ex.clients, header, lines)

    # Contacts: sorted by date (as exports are), each note about one client.
    days = sorted(r.randint(0, 1030) for _ in range(n_contacts))
    contact_lines = []
    for j, day in enumerate(days):
        c = ex.rows[r.randrange(n_clients)]
        note, others = _note(r, c, j)
        if long_note and j == n_contacts // 2:
            note = ("Lang verslag. " * (long_note // 14 + 1))[:long_note]
        for name in others:
            for t in _name_tokens(name):
                ex.other_names.setdefault(t, set()).add(name)
        date = dt.date(2023, 1, 1) + dt.timedelta(days=day)
        row = {
            "Relatienr": c["Relatienr"],
            "Datum": date.strftime("%d-%m-%Y"),
            "Kanaal": r.choice(KANALEN),
            "Verslag": note,
        }
        ex.contact_rows.append(row)
        contact_lines.append([cp1252(row[h]) for h in ("Relatienr", "Datum", "Kanaal", "Verslag")])
    _write_csv(ex.contacts, ["Relatienr", "Datum", "Kanaal", "Verslag"], contact_lines)
    for t in list(ex.other_names):
        if t in ex.column_names:  # the pools are disjoint; a shared token counts as a column name
            del ex.other_names[t]
    return ex


def _note(r, c: dict, j: int) -> tuple[str, list[str]]:
    """A contact note about client ``c``: her names, other people, identifiers; several lines."""
    first, vv, last = c["Roepnaam"], c["Voorvoegsel"], c["Geslachtsnaam"]
    full_last = f"{vv} {last}".strip()
    cap_last = full_last[0].upper() + full_last[1:]
    client = [
        f"Gesprek met {first} {full_last}.",
        f"Mevr. {cap_last} belde terug.",
        f"Dhr. {cap_last} niet verschenen.",
        f"{first} heeft de formulieren ingeleverd.",
        f"CLIËNT {full_last.upper()} ZIEK GEMELD.",
        f"afspraak met {first.lower()} {full_last.lower()} verzet.",
        f"{last}s dossier bijgewerkt.",
        f"{last}'s partner was ook aanwezig.",
        f"Volgens {last} gaat het beter.",
        f"Brief gestuurd aan {first}.",
        f"Met {first.upper()} besproken dat {last.lower()} vaker komt.",
        f"Casus {last} ingebracht bij intervisie.",
    ]
    p, k, e_first, e_last, coll = (
        r.choice(OTHER_FIRST),
        r.choice(OTHER_FIRST),
        r.choice(OTHER_FIRST),
        r.choice(OTHER_SURNAMES),
        r.choice(OTHER_FIRST),
    )
    p_last = r.choice(OTHER_SURNAMES)
    other = [
        (f"Partner {p} {p_last} was bij het gesprek.", [p, p_last]),
        (f"Haar zoon {k} (7 jaar) gaat naar de opvang.", [k]),
        (f"Contactpersoon bij de werkgever: {e_first} {e_last}.", [e_first, e_last]),
        (f"Overgedragen aan collega {coll}.", [coll]),
        (f"{p} belt namens de cliënt.", [p]),
        (f"Volgens {e_last} van het distributiecentrum is er plek.", [e_last]),
        (f"Met {k} gaat het goed, zegt {p}.", [k, p]),
        (f"Dochter {k}s school belde.", [k]),
        (f"Werkgever (mw. {e_last}) is tevreden.", [e_last]),
    ]
    bsn = r.choice(bsn_spellings(c["_bsn"]))
    iban = c["_iban"]
    iban_text = r.choice([iban, " ".join(iban[i : i + 4] for i in range(0, 18, 4)), iban.lower()])
    born = c["_born"]
    born_text = r.choice(
        [
            born.strftime("%d-%m-%Y"),
            f"{born.day}-{born.month}-{born.year}",
            born.isoformat(),
            born.strftime("%d/%m/%Y"),
            f"{born.day} {MONTHS[born.month - 1]} {born.year}",
        ]
    )
    pc_text = c["PC"] if c["PC"] != SENTINEL else "3512 AB"
    ident = [
        f"BSN {bsn} gecontroleerd.",
        f"bsn:{bsn}",
        f"sofinr. {bsn} klopt niet met het UWV.",
        f"Bereikbaar op {r.choice(c['_phones'])}.",
        f"tel {r.choice(c['_phones'])} (na 14 uur)",
        f"Mail naar {c['_email']} gestuurd.",
        f"Nieuw e-mailadres: {r.choice(['hüseyin.aydın', 'ayşe.yılmaz', 'małgorzata.wiśniewska', 'k.devries'])}@example.nl",
        f"Rekening {iban_text} voor de uitbetaling.",
        f"Verhuisd naar {c['Straat']} {c['Huisnr']}, {pc_text} {c['Woonplaats']}.",
        f"Postcode {pc_text} nagevraagd.",
        f"Geboren {born_text}.",
        f"geb. {born_text}",
        f"Relatienr {c['Relatienr']} aangepast.",
        f"Dossier {c['Relatienr']} overgedragen.",
        f"Adres: {c['Straat'].lower()} {c['Huisnr']}.",
    ]
    parts = [client[j % len(client)], r.choice(client)]
    names = []
    for _ in range(r.randint(1, 2)):
        text, who = other[(j + _) % len(other)] if _ == 0 else r.choice(other)
        parts.append(text)
        names += who
    parts += [ident[j % len(ident)], r.choice(ident), r.choice(FILLER)]
    r.shuffle(parts)
    separator = r.choice([" ", "\n", "\r\n", "\n\n"])
    return separator.join(parts), names


# --- running the command line ------------------------------------------------------------------


@dataclass
class Run:
    exit_code: int
    output: str
    out: Path


def cli(args: list[str], env: dict | None = None) -> tuple[int, str]:
    runner = CliRunner()
    result = runner.invoke(
        app, ["anonimiseer", *args], env={"COLUMNS": "400", "ACTIVERING_SLEUTEL": None, **(env or {})}
    )
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(
            f"`activering anonimiseer {' '.join(args)}` stopte met een onafgevangen fout "
            f"(de gebruiker krijgt een traceback):\n{trace}\nUitvoer:\n{output}"
        )
    assert TRACEBACK not in output, f"traceback in de uitvoer van `activering anonimiseer`:\n{output}"
    return result.exit_code, output


def anonymise(ex: Export, out: Path, key: str, *extra: str) -> Run:
    key_file = out.parent / f"sleutel-{key[:6]}.txt"
    if not key_file.exists():
        key_file.write_text(key + "\n", encoding="utf-8")
    code, output = cli(
        [str(ex.clients), str(ex.contacts), "--uit", str(out), "--sleutel-bestand", str(key_file), *extra]
    )
    return Run(code, output, out)


def output_texts(out: Path, skip: set[str] = frozenset()) -> dict[str, str]:
    """Every file of the result as text (HTML unescaped), by relative path."""
    texts = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if not path.is_file() or rel in skip:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        texts[rel] = html.unescape(text) if path.suffix == ".html" else text
    return texts


def read_out(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


# --- finders (our own) -------------------------------------------------------------------------

WORD = re.compile(r"[^\W_]+(?:\?+[^\W_]+)*\??|\?[^\W_]+", re.UNICODE)


def find_names(text: str, ex: Export) -> list[tuple[str, str]]:
    """(word as written, kind) for every name token left in ``text``."""
    hits = []
    for m in WORD.finditer(text):
        word = m.group(0)
        f = fold(word)
        candidates = {f, f.strip("?")}
        if f.endswith("s"):
            candidates.add(f[:-1])  # possessive: Jansens
        for c in candidates:
            if c in ex.column_names:
                hits.append((word, "naam uit een kolom"))
                break
            if c in ex.other_names:
                if c in ORDINARY_WORDS and word == word.lower():
                    break  # an ordinary word in lower case ("ze wil werken")
                hits.append((word, "naam uit de notities"))
                break
    return hits


_GROUPS = re.compile(r"(?<![0-9])[0-9]+(?:[ .][0-9]+)*(?![0-9])")  # BSN groups: spaces or dots


def find_bsns(text: str) -> list[str]:
    hits = []
    for m in _GROUPS.finditer(text):
        pieces = re.findall(r"[0-9]+", m.group(0))
        for i, piece in enumerate(pieces):
            if len(piece) in (8, 9) and elfproef(piece):
                hits.append(piece)
            window = pieces[i : i + 3]
            if len(window) == 3 and tuple(map(len, window)) in ((3, 3, 3), (4, 2, 3)) and elfproef("".join(window)):
                hits.append(" ".join(window))
        joined = "".join(pieces)
        if len(pieces) > 1 and len(joined) in (8, 9) and elfproef(joined):
            hits.append(m.group(0))
    return hits


_PHONE = [
    re.compile(r"(?<![0-9])(?:\+31|0031|0)[ \-.]?(?:\(0\)[ \-]?)?[1-9](?:[ \-.]?[0-9]){8}(?![0-9])"),
    re.compile(r"\(0[0-9]{2,3}\) ?[0-9]{3}[ \-]?[0-9]{3,4}"),
]
_IBAN = re.compile(r"(?i)(?<![a-z0-9])[a-z]{2}[0-9]{2}(?: ?[a-z0-9]{4}){3,7}(?: ?[a-z0-9]{1,3})?(?![a-z0-9])")
_POSTCODE = re.compile(r"(?<![\w])([1-9][0-9]{3}) ?([A-Za-z]{2})(?![\w])")
_STREET = re.compile(r"(?i)(?<![\w])(?:" + "|".join(map(re.escape, STREETS)) + r")\.? +[0-9]{1,4}")
_STREET_GENERIC = re.compile(
    r"(?<![\w])[A-Z][a-z]+(?:straat|weg|laan|plein|gracht|kade|singel|dijk|hof|park|pad|markt|steeg) +[0-9]{1,4}"
)
_DATES = [
    (re.compile(r"(?<![0-9])([0-9]{1,2})[-/. ]([0-9]{1,2})[-/. ]([0-9]{4})(?![0-9])"), "dmy"),
    (re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?![0-9])"), "ymd"),
    (re.compile(r"(?i)(?<![0-9])([0-9]{1,2}) (" + "|".join(MONTHS) + r") ([0-9]{4})"), "dMy"),
]


def find_identifiers(text: str, ex: Export) -> list[tuple[str, str]]:
    hits = [("BSN", b) for b in find_bsns(text)]
    hits += [("telefoon", m.group(0)) for p in _PHONE for m in p.finditer(text)]
    hits += [("e-mail (@)", text[max(0, m.start() - 20) : m.end() + 20]) for m in re.finditer("@", text)]
    hits += [
        ("e-mail (rest naast [EMAIL])", m.group(0))
        for m in re.finditer(r"[\w.%+\-?]+\[EMAIL\]|\[EMAIL\]\.?[\w\-?]+", text)
    ]
    hits += [("IBAN", m.group(0)) for m in _IBAN.finditer(text) if iban_valid(m.group(0))]
    accounts = {i[8:] for i in ex.ibans}
    hits += [
        ("rekeningnummer", m.group(0))
        for m in re.finditer(r"(?<![0-9])[0-9]{10}(?![0-9])", text)
        if m.group(0) in accounts
    ]
    for m in _POSTCODE.finditer(text):
        code = (m.group(1) + m.group(2)).upper()
        if code in ex.postcodes or (m.group(2).isupper() and m.group(2) not in ("SA", "SD", "SS")):
            hits.append(("postcode", m.group(0)))
    hits += [("straat + huisnummer", m.group(0)) for m in _STREET.finditer(text)]
    hits += [
        ("straat + huisnummer", m.group(0)) for m in _STREET_GENERIC.finditer(text) if not _STREET.match(m.group(0))
    ]
    for pattern, kind in _DATES:
        for m in pattern.finditer(text):
            a, b, c = m.groups()
            try:
                if kind == "dmy":
                    date = dt.date(int(c), int(b), int(a))
                elif kind == "ymd":
                    date = dt.date(int(a), int(b), int(c))
                else:
                    date = dt.date(int(c), MONTHS.index(b.lower()) + 1, int(a))
            except ValueError:
                continue
            if date in ex.birth_dates:
                hits.append(("geboortedatum", m.group(0)))
    numbers = {row["Relatienr"][2:] for row in ex.rows}
    hits += [
        ("Relatienr", m.group(0))
        for m in re.finditer(r"(?i)(?<![a-z0-9])(?:rn[ \-]?)?([0-9]{6})(?![0-9])", text)
        if m.group(1) in numbers
    ]
    return hits


def _summary(hits: dict[str, list[tuple[str, str]]], limit: int = 8) -> str:
    """Per file: the number of hits per kind and the first distinct examples."""
    lines = []
    for file, found in hits.items():
        if found:
            counts = pd.Series([kind for _, kind in found]).value_counts().to_dict()
            lines.append(f"  {file}: {len(found)} treffers {counts}")
            for kind in counts:
                examples = list(dict.fromkeys(text for text, k in found if k == kind))[:limit]
                lines.append(f"    {kind}: bijv. {examples}")
    return "\n".join(lines)


# --- consistency matcher (check 3) -------------------------------------------------------------

_DMY = re.compile(r"^([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


def parse_date(text: str) -> dt.date | None:
    for pattern, order in ((_DMY, (3, 2, 1)), (_ISO_DATE, (1, 2, 3))):
        m = pattern.match(text.strip())
        if m:
            try:
                return dt.date(*(int(m.group(i)) for i in order))
            except ValueError:
                return None
    return None


def parse_number(text: str) -> float | None:
    t = text.strip()
    if re.fullmatch(r"-?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|-?[0-9]+,[0-9]+", t):
        return float(t.replace(".", "").replace(",", "."))
    if re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", t):
        return float(t)
    return None


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def consistent(out_value: str, in_value: str, peildata: list[dt.date]) -> bool:
    """Whether an output cell could have come from an input cell (generalisations included)."""
    v, x = out_value.strip(), in_value.strip()
    if v in ("", "*"):
        return True  # suppressed or unknown: matches anything
    if fold(v) == fold(x):
        return True
    date = parse_date(x)
    number = parse_number(x)
    month = re.fullmatch(r"([0-9]{4})-([0-9]{2})", v)
    if month and 1 <= int(month.group(2)) <= 12:  # a month, not a band such as 1000-1249
        return date is not None and v == f"{date.year:04d}-{date.month:02d}"
    band = re.fullmatch(r"<([0-9]+)|([0-9]+)\+|([0-9]+)-([0-9]+)", v)
    if band:
        lo, hi = (
            (-1e18, int(band.group(1)))
            if band.group(1)
            else (int(band.group(2)), 1e18)
            if band.group(2)
            else (int(band.group(3)), int(band.group(4)) + 1)
        )
        values = [_age(date, p) for p in peildata] if date else [number] if number is not None else []
        return any(lo <= val < hi for val in values)
    if date is not None:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}", v):
            return v == f"{date.year:04d}-{date.month:02d}"
        if re.fullmatch(r"[0-9]{4}-K[1-4]", v):
            return v == f"{date.year:04d}-K{(date.month - 1) // 3 + 1}"
        if re.fullmatch(r"[0-9]{4}", v):
            return int(v) == date.year
        if parse_date(v) is not None:
            return parse_date(v) == date
    region = re.fullmatch(r"([0-9]{1,3})x+", v)
    if region:
        return re.sub(r"\s", "", x).startswith(region.group(1))
    out_number = parse_number(v) if re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", v) else None
    if out_number is not None and number is not None:
        return abs(out_number - number) < 0.005
    return False


def pseudonym_columns(frame: pd.DataFrame) -> set[str]:
    out = set()
    for c in frame.columns:
        values = frame[c][frame[c] != ""]
        if len(values) and values.str.fullmatch(r"[A-Z]{13}").all():
            out.add(c)
    return out


def link_counts(
    out_frame: pd.DataFrame, in_frame: pd.DataFrame, peildata: list[dt.date]
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Per output row: how many input rows it is consistent with, and their mean position."""
    columns = [
        c
        for c in out_frame.columns
        if c in in_frame.columns and c not in pseudonym_columns(out_frame) and c not in FREE_TEXT and c not in SENSITIVE
    ]
    mask = np.ones((len(out_frame), len(in_frame)), dtype=bool)
    for c in columns:
        in_values = in_frame[c].to_numpy(dtype=object)
        in_uniques, in_codes = np.unique(in_values.astype(str), return_inverse=True)
        out_uniques, out_codes = np.unique(out_frame[c].to_numpy(dtype=str), return_inverse=True)
        table = np.array([[consistent(v, x, peildata) for x in in_uniques] for v in out_uniques], dtype=bool)
        mask &= table[out_codes][:, in_codes]
    counts = mask.sum(axis=1)
    positions = np.where(counts > 0, (mask * np.arange(len(in_frame))).sum(axis=1) / np.maximum(counts, 1), np.nan)
    return counts, columns, positions


def peildata_of(out: Path) -> list[dt.date]:
    days = [dt.date.today()]
    plan = out / "anonimisering.yml"
    if plan.exists():
        raw = yaml.safe_load(plan.read_text(encoding="utf-8")) or {}
        if raw.get("peildatum"):
            days.insert(0, dt.date.fromisoformat(str(raw["peildatum"])))
    return days


# --- fixtures ---------------------------------------------------------------------------------

VARIANTS = {
    "groot": dict(seed=20261203, n_clients=600, n_contacts=1500),
    "klein": dict(seed=4242, n_clients=160, n_contacts=420),
}
_CACHE: dict = {}


def _export(name: str, factory) -> Export:
    if ("export", name) not in _CACHE:
        _CACHE[("export", name)] = write_export(factory.mktemp(f"export-{name}"), **VARIANTS[name])
    return _CACHE[("export", name)]


def _run(name: str, key: str, factory) -> Run:
    if ("run", name, key) not in _CACHE:
        ex = _export(name, factory)
        out = factory.mktemp(f"run-{name}-{key[:4]}") / "uit"
        run = anonymise(ex, out, key)
        assert run.exit_code == 0, (
            f"`activering anonimiseer` op de export '{name}' faalde (exit {run.exit_code}):\n{run.output}"
        )
        _CACHE[("run", name, key)] = run
    return _CACHE[("run", name, key)]


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def variant(request, tmp_path_factory) -> tuple[Export, Run]:
    return _export(request.param, tmp_path_factory), _run(request.param, KEY_A, tmp_path_factory)


@pytest.fixture(scope="module")
def groot(tmp_path_factory) -> tuple[Export, Run]:
    return _export("groot", tmp_path_factory), _run("groot", KEY_A, tmp_path_factory)


@pytest.fixture(scope="module")
def klein(tmp_path_factory) -> Export:
    return _export("klein", tmp_path_factory)


# --- 0. the generator itself --------------------------------------------------------------------


def test_generated_export_is_messy(klein):
    raw = klein.clients.read_bytes()
    assert b"\r\n" in raw and raw.count(b";") > 19 * 100
    text = raw.decode("cp1252")
    assert "?" in text and re.search(r"[0-9]\.[0-9]{3},[0-9]{2}", text)  # mangled names, 1.234,56
    contacts = klein.contacts.read_bytes().decode("cp1252")
    assert '"' in contacts and "\n" in next(r["Verslag"] for r in klein.contact_rows if "\n" in r["Verslag"])
    joined = "\n".join(r["Verslag"] for r in klein.contact_rows)
    assert find_bsns(joined) and find_identifiers(joined, klein)
    hits = {k for k, _ in find_identifiers(joined, klein)}
    assert {
        "BSN",
        "telefoon",
        "e-mail (@)",
        "IBAN",
        "postcode",
        "straat + huisnummer",
        "geboortedatum",
        "Relatienr",
    } <= hits, hits
    names = {k for _, k in find_names(joined, klein)}
    assert names == {"naam uit een kolom", "naam uit de notities"}
    assert "wil" in joined and not any(w == "wil" for w, _ in find_names(joined, klein))  # the exception works
    last = klein.rows[0]["Geslachtsnaam"].split()[-1]
    assert find_names("Wil belde", klein) and len(find_names(f"{last.upper()}'s en {last.lower()}s", klein)) == 2


def test_checkers_catch_a_naive_anonymisation(klein, tmp_path):
    """The checks below can fail: a naive result (names dropped, the rest kept, input order) fails every one."""
    naive = tmp_path / "naief"
    naive.mkdir()
    clients = _input_frame(klein.rows).drop(columns=["Roepnaam", "Geslachtsnaam", "Sofinummer", "Straat", "Huisnr"])
    clients["Relatienr"] = ["".join(chr(65 + (i // 26**p) % 26) for p in range(13)) for i in range(len(clients))]
    clients["Geb.datum"] = [d.isoformat() for d in (r["_born"] for r in klein.rows)]
    clients.to_csv(naive / CLIENTS, index=False)
    contacts = _input_frame(klein.contact_rows)
    contacts["Datum"] = contacts["Datum"].str.slice(6, 10) + "-" + contacts["Datum"].str.slice(3, 5)  # month only
    contacts.to_csv(naive / CONTACTS, index=False)
    (naive / "privacyrapport.md").write_text(
        "| bestand | quasi-identificatoren |\n|---|---|\n| x | PC, Wijk |\n", encoding="utf-8"
    )
    text = (naive / CONTACTS).read_text(encoding="utf-8")
    assert {k for _, k in find_names(text, klein)} == {"naam uit een kolom", "naam uit de notities"}
    kinds = {k for k, _ in find_identifiers(text, klein)}
    assert {
        "BSN",
        "telefoon",
        "e-mail (@)",
        "IBAN",
        "postcode",
        "straat + huisnummer",
        "geboortedatum",
        "Relatienr",
    } <= kinds
    problems = "\n".join(link_back(naive, klein))
    assert "precies één rij" in problems and "centen" in problems, problems
    assert f"{CONTACTS}: de volgorde van de rijen volgt de export" in problems, problems
    problems = "\n".join(k_l_problems(naive))
    assert f"{CLIENTS}: k = 1" in problems and "noemt deze kolommen niet" in problems, problems
    shuffled = contacts.sample(frac=1, random_state=1)  # shuffled and generalised: no link back
    shuffled["Verslag"], shuffled["Relatienr"], shuffled["Kanaal"] = "[NAAM]", "ABCDEFGHIJKLM", "*"
    link = link_counts(shuffled.reset_index(drop=True), _input_frame(klein.contact_rows), [dt.date.today()])
    assert (link[0] > 1).mean() > 0.95
    rho = pd.Series(np.arange(len(shuffled))).corr(pd.Series(link[2]), method="spearman")
    assert abs(rho) < 0.3


# --- 1. no names --------------------------------------------------------------------------------


def test_no_names_in_any_output_file(variant):
    ex, run = variant
    texts = output_texts(run.out)
    hits = {file: find_names(text, ex) for file, text in texts.items()}
    found = {f: h for f, h in hits.items() if h}
    assert not found, (
        f"namen uit de export staan nog in het resultaat ({sum(map(len, found.values()))} keer):\n" + _summary(found)
    )


# --- 2. no structured identifiers ----------------------------------------------------------------


def test_no_structured_identifiers_in_any_output_file(variant):
    ex, run = variant
    hits = {file: find_identifiers(text, ex) for file, text in output_texts(run.out).items()}
    found = {f: [(w, k) for k, w in h] for f, h in hits.items() if h}
    assert not found, "identificerende gegevens staan nog in het resultaat:\n" + _summary(found)


# --- 3. no link back ------------------------------------------------------------------------------


def _input_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{k: cp1252(v) for k, v in r.items() if not k.startswith("_")} for r in rows]).astype(str)


def link_back(out: Path, ex: Export) -> list[str]:
    """Ways in which the result in ``out`` can be traced back to rows of the export."""
    peildata = peildata_of(out)
    problems = []
    for name, rows in ((CLIENTS, ex.rows), (CONTACTS, ex.contact_rows)):
        out_frame = read_out(out / name)
        in_frame = _input_frame(rows)
        if len(out_frame) < 0.5 * len(in_frame):
            problems.append(f"{name}: maar {len(out_frame)} van {len(in_frame)} rijen over")
        counts, columns, positions = link_counts(out_frame, in_frame, peildata)
        unique = np.flatnonzero(counts == 1)
        if len(unique):
            example = out_frame.iloc[unique[0]][columns].to_dict()
            problems.append(
                f"{name}: {len(unique)} van {len(out_frame)} rijen passen bij precies één rij van de export "
                f"(vergeleken op {columns}); bijv. {example}"
            )
        known = ~np.isnan(positions)
        if known.sum() > 10 and np.nanstd(positions[known]) > 0:
            rho = pd.Series(np.arange(len(out_frame))[known]).corr(pd.Series(positions[known]), method="spearman")
            if abs(rho) > 0.3:
                problems.append(
                    f"{name}: de volgorde van de rijen volgt de export (rangcorrelatie {rho:.2f}); "
                    "de rijen zijn niet (goed) geschud"
                )
        if (counts == 0).mean() > 0.05:
            problems.append(
                f"{name}: {int((counts == 0).sum())} rijen passen bij geen enkele rij van de export: "
                f"onbekende generalisatie in {columns}?"
            )
    amounts = {f"{a // 100}.{a % 100:02d}" for a in ex.amounts} | {f"{a // 100},{a % 100:02d}" for a in ex.amounts}
    clients = read_out(out / CLIENTS)
    if "Bedrag uitkering" in clients:
        cents = clients["Bedrag uitkering"].str.contains(r"[0-9][.,][0-9]{1,2}$", regex=True)
        if cents.any():
            problems.append(
                f"{CLIENTS}: 'Bedrag uitkering' komt met centen door ({int(cents.sum())} rijen, "
                f"bijv. {clients['Bedrag uitkering'][cents].iloc[0]!r})"
            )
    for file, text in output_texts(out).items():
        same = [m for m in re.findall(r"(?<![0-9.,])[0-9]{3,4}[.,][0-9]{2}(?![0-9])", text) if m in amounts]
        if same:
            problems.append(f"{file}: {len(same)} bedragen uit de export met centen, bijv. {same[:3]}")
    return problems


def test_no_output_row_links_back_to_one_input_row(variant):
    ex, run = variant
    problems = link_back(run.out, ex)
    assert not problems, "het resultaat is terug te koppelen aan de export:\n" + "\n".join(problems)


# --- 4. k and l, by pycanon ------------------------------------------------------------------------


def _quasi_identifiers(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in pseudonym_columns(frame) and c not in FREE_TEXT and c not in SENSITIVE]


def _listed_as_quasi(report: str, column: str) -> bool:
    """A report line names the column as a cell or list item, in a row or table that speaks of quasi-identifiers."""
    cell = re.compile(r"(?:^|[|,]\s*|:\s*)" + re.escape(column) + r"\s*(?:[|,]|$)")
    table_header = ""
    for line in report.splitlines():
        if line.startswith("|") and not line.startswith("|-") and not line.startswith("|---"):
            if not table_header:
                table_header = line
        elif not line.startswith("|"):
            table_header = ""
        if cell.search(line) and ("quasi" in line.lower() or "quasi" in table_header.lower()):
            return True
    return False


def k_l_problems(out: Path) -> list[str]:
    """k-anonymity and l-diversity of every output CSV by pycanon, and whether the report names the QIs."""
    report_path = out / "privacyrapport.md"
    report = report_path.read_text(encoding="utf-8") if report_path.exists() else ""
    problems = []
    for path in sorted(out.glob("*.csv")):
        frame = read_out(path)
        if frame.empty:
            problems.append(f"{path.name}: geen rijen")
            continue
        qi = _quasi_identifiers(frame)
        if qi:
            k = anonymity.k_anonymity(frame, qi)
            if k < K:
                sizes = frame.groupby(qi).size()
                problems.append(
                    f"{path.name}: k = {k} < {K} op quasi-identificatoren {qi} "
                    f"({int((sizes < K).sum())} klassen kleiner dan {K}, {int(sizes[sizes < K].sum())} rijen)"
                )
            for sa in [c for c in frame.columns if c in SENSITIVE]:
                lv = anonymity.l_diversity(frame, qi, [sa])
                if lv < L:
                    problems.append(f"{path.name}: l = {lv} < {L} voor '{sa}' op {qi}")
        missing = [c for c in qi if not _listed_as_quasi(report, c)]
        if missing:
            problems.append(
                f"{path.name}: het privacyrapport noemt deze kolommen niet als quasi-identificator: {missing}"
            )
    return problems


def test_k_anonymity_and_l_diversity_by_pycanon(variant):
    ex, run = variant
    problems = k_l_problems(run.out)
    assert not problems, "\n".join(problems)


# --- 5. a keyed shuffle, reproducible -----------------------------------------------------------


def _normalised(out: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            content = path.read_bytes()
            if path.name.startswith("privacyrapport"):
                text = content.decode("utf-8")
                text = re.sub(r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?", "<tijd>", text)
                text = re.sub(r"[0-9]+[.,][0-9]+ ?s\b", "<duur>", text)
                content = text.encode("utf-8")
            files[path.relative_to(out).as_posix()] = content
    return files


def test_keyed_shuffle_is_reproducible_and_key_dependent(groot, tmp_path_factory):
    ex, first = groot
    again = anonymise(ex, tmp_path_factory.mktemp("opnieuw") / "uit", KEY_A)
    assert again.exit_code == 0, again.output
    a, b = _normalised(first.out), _normalised(again.out)
    assert a.keys() == b.keys(), f"andere bestanden bij dezelfde sleutel: {sorted(a.keys() ^ b.keys())}"
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"twee runs met dezelfde sleutel geven verschillende bestanden: {differ}"
    other = anonymise(ex, tmp_path_factory.mktemp("anders") / "uit", KEY_B)
    assert other.exit_code == 0, other.output
    for name in (CLIENTS, CONTACTS):
        one, two = read_out(first.out / name), read_out(other.out / name)
        keys = pseudonym_columns(one)
        assert keys, f"{name}: geen kolom met schuilnamen (13 hoofdletters)"
        for c in keys:
            shared = set(one[c]) & set(two[c]) - {""}
            assert len(shared) <= 0.01 * len(set(one[c])), (
                f"{name}, kolom '{c}': {len(shared)} schuilnamen gelijk bij een andere sleutel"
            )
        rest = [c for c in one.columns if c not in keys and c not in FREE_TEXT]
        assert one[rest].values.tolist() != two[rest].values.tolist(), (
            f"{name}: een andere sleutel geeft dezelfde volgorde"
        )


# --- 6. keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "how, value", [("env", "geheim"), ("file", "geheim"), ("file", "wachtwoord123"), ("file", "aaaaaaaaaaaaaaaaaaaa")]
)
def test_weak_key_is_refused(klein, tmp_path, how, value):
    out = tmp_path / "uit"
    args = [str(klein.clients), str(klein.contacts), "--uit", str(out)]
    env = {}
    if how == "env":
        env["ACTIVERING_SLEUTEL"] = value
    else:
        key_file = tmp_path / "sleutel.txt"
        key_file.write_text(value + "\n", encoding="utf-8")
        args += ["--sleutel-bestand", str(key_file)]
    code, output = cli(args, env)
    lines = [line for line in output.splitlines() if line.strip()]
    assert code != 0, f"zwakke sleutel {value!r} ({how}) is geaccepteerd:\n{output}"
    assert len(lines) == 1 and "sleutel" in lines[0].lower(), (
        f"verwacht één Nederlandse regel over de sleutel, kreeg:\n{output}"
    )
    assert "error" not in output.lower() and "usage" not in output.lower(), output
    assert not out.exists(), "de uitvoermap is toch gemaakt"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".uit.")], "een tijdelijke map is blijven staan"


def test_strong_key_is_accepted_and_a_missing_key_file_is_made(klein, tmp_path):
    key_file = tmp_path / "sterk.txt"
    key_file.write_text(secrets.token_hex(16) + "\n", encoding="utf-8")
    code, output = cli(
        [str(klein.clients), str(klein.contacts), "--uit", str(tmp_path / "uit"), "--sleutel-bestand", str(key_file)]
    )
    assert code == 0, f"een sterke sleutel (32 hex-tekens) werd geweigerd:\n{output}"
    new = tmp_path / "geheim" / "nieuw.txt"
    code, output = cli(
        [str(klein.clients), str(klein.contacts), "--uit", str(tmp_path / "uit2"), "--sleutel-bestand", str(new)]
    )
    assert code == 0, output
    assert new.exists() and len(new.read_text(encoding="utf-8").strip()) >= 32, (
        "het sleutelbestand is niet (sterk) gemaakt"
    )


# --- 7. bad rows --------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_line_and_never_leak(groot):
    ex, run = groot
    report = (run.out / "privacyrapport.md").read_text(encoding="utf-8")
    for what in ("31-02-1980", "onbekend", "sentinel"):
        line = ex.bad_lines[what]
        assert re.search(rf"\bregels?:?\s+(?:[0-9]+(?:,\s*|\s+en\s+))*{line}\b", report), (
            f"het privacyrapport noemt regel {line} van {CLIENTS} niet (ongeldige waarde: {what}); meldingen:\n"
            + "\n".join(x for x in report.splitlines() if "regel" in x)
        )
    for file, text in output_texts(run.out).items():
        for raw in (SENTINEL, "Kromowidjojo", "Dorpsweg 12", "31-02-1980"):
            assert raw not in text, f"{file} bevat de ruwe invoerwaarde {raw!r} (uit een slechte rij)"


def test_over_long_field_gives_a_clear_message(tmp_path):
    ex = write_export(tmp_path / "export", seed=99, n_clients=60, n_contacts=150, bad_rows=False, long_note=300_000)
    run = anonymise(ex, tmp_path / "uit", KEY_A)
    assert "veld langer dan" in run.output and CONTACTS in run.output, (
        f"verwacht een melding 'veld langer dan …' met de bestandsnaam (exit {run.exit_code}):\n{run.output}"
    )
    assert "aanhalingsteken" not in run.output, (
        f"de melding geeft ten onrechte een aanhalingsteken de schuld:\n{run.output}"
    )
    if run.exit_code == 0:
        report = (run.out / "privacyrapport.md").read_text(encoding="utf-8")
        assert "veld langer dan" in report, "de run ging door, maar het rapport meldt het lange veld niet"


# --- 8. nothing half left, nothing lost ----------------------------------------------------------


def _console_script() -> list[str]:
    """The installed `activering` script (project.scripts), so that a kill reaches the CLI process itself."""
    script = Path(sys.executable).with_name("activering")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from activering.cli import app; app()"]


def _subprocess_env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "400"}
    env.pop("ACTIVERING_SLEUTEL", None)
    return env


def _processes_naming(text: str, wait: float) -> list[int]:
    """Pids of live processes whose command line contains ``text``, after waiting up to ``wait`` s for them to end."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                state = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("State:"))
            except (OSError, StopIteration):
                continue
            if text in cmdline and "Z" not in state.split()[1]:
                found.append(int(entry.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.mark.slow
def test_killed_run_leaves_nothing_half_and_next_run_cleans_up(tmp_path):
    # Big enough that the free text goes through the anonymiser's process pool (>= 4,000 notes).
    ex = write_export(tmp_path / "export", seed=5, n_clients=3000, n_contacts=6000, bad_rows=False)
    key_file = tmp_path / "sleutel.txt"
    key_file.write_text(KEY_A + "\n", encoding="utf-8")
    out = tmp_path / "uit"
    command = [
        *_console_script(),
        "anonimiseer",
        str(ex.clients),
        str(ex.contacts),
        "--uit",
        str(out),
        "--sleutel-bestand",
        str(key_file),
    ]
    log = tmp_path / "uitvoer.log"  # a file, not a pipe: a worker that outlived the kill cannot block the test
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=_subprocess_env(), cwd=tmp_path)
    staged = None
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        staged = [n for n in os.listdir(tmp_path) if n.startswith(".uit.nieuw-")]
        if staged:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.001)
    if process.poll() is None and not staged:
        process.kill()
    process.wait(timeout=60)
    survivors = _processes_naming(str(out), wait=60)
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert staged, (
        f"geen tijdelijke map .uit.nieuw-* gezien voordat de run klaar was (exit {process.returncode}):\n{output}"
    )
    assert survivors == [], f"na kill -9 van de run leven er nog worker-processen: {survivors}"
    assert TRACEBACK not in output, output
    # The kill may land just after the swap (on a busy machine the poll above can lag the run): then the
    # result is complete. What must never be there is half a result.
    if out.exists():
        written = (
            [
                line[2:]
                for line in (out / ".anonimisering").read_text(encoding="utf-8").splitlines()
                if line.startswith("- ")
            ]
            if (out / ".anonimisering").exists()
            else []
        )
        assert written and all((out / name).exists() for name in written), (
            "na kill -9 staat er een half resultaat in de uitvoermap"
        )
    again = subprocess.run(command, capture_output=True, env=_subprocess_env(), cwd=tmp_path, timeout=300)
    output = (again.stdout + again.stderr).decode("utf-8", errors="replace")
    problems = []
    if again.returncode != 0:
        problems.append(f"de run na een afgebroken run faalde (exit {again.returncode})")
    if TRACEBACK in output:
        problems.append("traceback in de uitvoer van de run na de afgebroken run (bijv. uit een worker-proces)")
    left = sorted(n for n in os.listdir(tmp_path) if n.startswith((".uit.nieuw-", ".uit.oud-")))
    if left:
        problems.append(f"na een afgebroken run en een nieuwe run staan er nog halve mappen: {left}")
    if not ((out / CLIENTS).exists() and (out / "privacyrapport.md").exists()):
        problems.append("de nieuwe run heeft geen volledig resultaat geschreven")
    assert not problems, "\n".join(problems) + f"\nUitvoer:\n{output}"


def test_rerun_keeps_files_a_person_added(klein, tmp_path):
    out = tmp_path / "uit"
    first = anonymise(klein, out, KEY_A)
    assert first.exit_code == 0, first.output
    added = {
        "notities.docx": b"PK\x03\x04" + secrets.token_bytes(200),
        "koppeling.yml": b"tabellen:\n  clients:\n    bestand: relaties.csv\n",
        "cursusdata/les1.csv": b"a;b\r\n1;2\r\n",
    }
    for name, content in added.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = anonymise(klein, out, KEY_A)
    if again.exit_code == 0:
        for name, content in added.items():
            assert (out / name).exists(), f"de run heeft het toegevoegde bestand {name} weggegooid"
            assert (out / name).read_bytes() == content, f"de run heeft het toegevoegde bestand {name} veranderd"
    else:
        lines = [line for line in again.output.splitlines() if line.strip()]
        assert lines, "geweigerd zonder melding"
        after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert after == before, "geweigerd, maar de map is toch veranderd"
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".uit.")], "tijdelijke mappen achtergebleven"


# --- 9. free text -------------------------------------------------------------------------------


def test_report_counts_replacements_in_kept_free_text(groot):
    ex, run = groot
    report = (run.out / "privacyrapport.md").read_text(encoding="utf-8")
    assert "Verslag" in read_out(run.out / CONTACTS).columns
    for placeholder in ("[NAAM]", "[BSN]"):
        rows = [line for line in report.splitlines() if "Verslag" in line and placeholder in line]
        assert rows and re.search(r"\b[1-9][0-9,.]*\b", rows[0].split(placeholder, 1)[1]), (
            f"het privacyrapport geeft geen aantal vervangingen {placeholder} voor de vrije-tekstkolom 'Verslag'"
        )


def test_without_free_text_drops_the_column_and_says_so(klein, tmp_path):
    run = anonymise(klein, tmp_path / "uit", KEY_A, "--zonder-vrije-tekst")
    assert run.exit_code == 0, f"--zonder-vrije-tekst werkt niet (exit {run.exit_code}):\n{run.output}"
    contacts = read_out(run.out / CONTACTS)
    assert "Verslag" not in contacts.columns, "met --zonder-vrije-tekst staat 'Verslag' nog in het resultaat"
    report = (run.out / "privacyrapport.md").read_text(encoding="utf-8")
    said = [
        line
        for line in report.splitlines()
        if "Verslag" in line
        and re.search(r"verwijderd|weggelaten|niet opgenomen|zonder-vrije-tekst", line, re.IGNORECASE)
    ]
    assert said, "het privacyrapport zegt niet dat de vrije-tekstkolom 'Verslag' is weggelaten"
    for file, text in output_texts(run.out).items():
        if file.endswith(".csv"):
            assert "[NAAM]" not in text and not find_names(text, klein), (
                f"{file}: vrije tekst of namen toch in het resultaat"
            )
