"""The anonymiser: messy exports in, k-anonymous and l-diverse data without identifiers out.

Every export here is generated in the test (no real data). The k-anonymity and l-diversity of
the result are checked independently with pycanon, not with the anonymiser's own code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycanon import anonymity
from typer.testing import CliRunner

from activering.anonimisering import ExportError, elfproef, find_identifiers, iban_valid, redact
from activering.anonimisering.detect import redact_array
from activering.anonimisering.names import FIRST_NAMES, SURNAMES, WORDLIKE
from activering.anonimisering.pipeline import MARKER, PLAN_NAME, run
from activering.anonimisering.plan import load_plan
from activering.cli import app

KEY = hashlib.sha256(b"test-sleutel").digest()
LATIN1_NAMES = [n for n in (*FIRST_NAMES, *SURNAMES) if all(ord(c) < 256 for c in n)]
FILLER = (
    "gesprek over werk en scholing afspraak gemaakt cliënt belt terug volgende week ben wil het bos de jong".split()
)


def make_bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10 and (digits[0] or check):
            return "".join(map(str, digits)) + str(check)


def write_messy_export(folder: Path, n: int = 240, seed: int = 7) -> dict[str, Path]:
    """clienten.csv (cp1252, semicolons, CRLF, quoted newlines, a short row) and contacten.xlsx."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    header = "Klantnummer;BSN;Voornaam;Achternaam;Adres;Postcode;Geboortedatum;Geslacht;Maatregel;Uitkering;Startdatum;Notitie"
    lines = [header]
    for i in range(n):
        first, last = rng.choice(LATIN1_NAMES), rng.choice(LATIN1_NAMES)
        born = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 38))
        note = (
            f'Gesprek met mevrouw {last}; BSN {make_bsn(rng)} staat in "het dossier".\n'
            f"{first} belt op 06-{rng.randint(10000000, 99999999)}; ook {rng.choice(LATIN1_NAMES)} was er."
        )
        row = [
            f"K{10000 + i}",
            make_bsn(rng),
            first,
            last,
            f"Dorpsstraat {rng.randint(1, 200)}",
            f"{rng.choice(['3511', '3512', '3581', '1011', '1012'])} {rng.choice(['AB', 'CD'])}",
            born.strftime("%d-%m-%Y"),
            rng.choice(["man", "vrouw"]),
            rng.choice(["geen", "geen", "waarschuwing", "korting"]),
            f"{rng.randint(600, 1500)},{rng.randint(10, 99)}",
            f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-20{rng.randint(10, 22)}",
            '"' + note.replace('"', '""') + '"',
        ]
        if i == 3:
            row = row[:8]  # a row with missing fields
        lines.append(";".join(row))
    clients = folder / "clienten.csv"
    clients.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))

    book = Workbook()
    sheet = book.active
    sheet.append(["klantnummer", "contactdatum", "soort", "toelichting"])
    for _ in range(3 * n):
        sheet.append(
            [
                f"K{10000 + rng.randrange(n)}",
                dt.datetime(2023, rng.randint(1, 12), rng.randint(1, 28)),
                rng.choice(["gesprek", "telefoon"]),
                f"Dhr. {rng.choice(SURNAMES)} gebeld, bsn {make_bsn(rng)}",
            ]
        )
    contacts = folder / "contacten.xlsx"
    book.save(contacts)
    return {"clients": clients, "contacts": contacts}


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> dict[str, Path]:
    return write_messy_export(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def result(export, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "uit"
    before = {p: p.read_bytes() for p in export.values()}
    summary = run(list(export.values()), out, KEY, key_source="test")
    return {"out": out, "summary": summary, "before": before}


# --- the public detector API ---------------------------------------------------------------------


def test_elfproef_and_iban():
    assert elfproef("111222333") and elfproef("111.222.333") and elfproef("12345611")  # 8 digits: leading zero
    assert elfproef("123456782") and not elfproef("123456781") and not elfproef("000000000")
    assert iban_valid("NL91 ABNA 0417 1643 00") and not iban_valid("NL91ABNA0417164301")


def test_find_identifiers_and_redact():
    text = (
        "Mevrouw Jansen (bsn 111.222.333) woont Hoofdstraat 12a, 3511 AB Utrecht; mail a.b@example.nl, "
        "IBAN NL91ABNA0417164300, tel 06-12345678, geboren 01-02-1980. Ik ben blij met het bos."
    )
    kinds = [f.kind for f in find_identifiers(text)]
    assert kinds == ["naam", "bsn", "adres", "postcode", "email", "iban", "telefoon", "geboortedatum"]
    red = redact(text)
    assert red.startswith("Mevrouw [NAAM] (bsn [BSN]) woont [ADRES], [POSTCODE] Utrecht")
    assert "ik ben blij met het bos" in red.lower()  # ordinary words that are also names survive in lower case
    assert redact_array(__import__("pyarrow").array([text])).to_pylist() == [red]


# --- property-based: nothing that passes the elfproef, no listed name survives -------------------


def _bsn_strategy():
    return st.builds(lambda seed: make_bsn(random.Random(seed)), st.integers(0, 10**9)).flatmap(
        lambda b: st.sampled_from(
            [b, f"{b[:3]}.{b[3:6]}.{b[6:]}", f"{b[:3]} {b[3:6]} {b[6:]}", f"{b[:4]} {b[4:6]} {b[6:]}"]
        )
    )


def _name_strategy():
    plain = [n for n in (*FIRST_NAMES, *SURNAMES) if n not in WORDLIKE]
    return st.one_of(
        st.sampled_from(plain).flatmap(lambda n: st.sampled_from([n, n.lower(), n.upper()])),
        st.sampled_from(sorted(WORDLIKE)).flatmap(lambda n: st.sampled_from([n, n.upper()])),
    )


TOKENS = st.one_of(
    _bsn_strategy(),
    _name_strategy(),
    st.sampled_from(FILLER),
    st.integers(0, 10**12).map(str),
    st.sampled_from(["mevrouw", "dhr.", "mw.", "meneer"]),
)
NOTES = st.lists(
    st.tuples(TOKENS, st.sampled_from([" ", ", ", ". ", "\n", "-", "/", " (", ") ", ": "])), min_size=1, max_size=25
).map(lambda parts: "".join(t + s for t, s in parts))

_DIGIT_FORMS = re.compile(
    r"(?<![0-9])(?=([0-9]{8,9}(?![0-9])|[0-9]{3}[ .][0-9]{3}[ .][0-9]{3}(?![0-9])|[0-9]{4}[ .][0-9]{2}[ .][0-9]{3}(?![0-9])))"
)


def surviving(text: str) -> list[str]:
    """Numbers passing the elfproef and listed names (as whole words) still in ``text``."""
    left = [m.group(1) for m in _DIGIT_FORMS.finditer(text) if elfproef(m.group(1))]
    for name in (*FIRST_NAMES, *SURNAMES):
        flags = 0 if name in WORDLIKE else re.IGNORECASE
        pattern = (
            rf"(?<!\w)(?:{re.escape(name)}|{re.escape(name.upper())})(?!\w)"
            if name in WORDLIKE
            else rf"(?<!\w){re.escape(name)}(?!\w)"
        )
        left += re.findall(pattern, text, flags)
    return left


@settings(max_examples=150, deadline=None)
@given(NOTES)
def test_no_bsn_or_listed_name_survives_redaction(note):
    red = redact(note)
    assert surviving(red) == [], (note, red)
    assert redact_array(__import__("pyarrow").array([note])).to_pylist() == [red]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(NOTES, min_size=30, max_size=30), st.lists(_name_strategy(), min_size=30, max_size=30))
def test_no_bsn_or_listed_name_survives_in_any_output(tmp_path, notes, names):
    folder = tmp_path / f"p{abs(hash((tuple(notes), tuple(names)))) % 10**9}"
    folder.mkdir()
    frame = pd.DataFrame(
        {
            "klantnummer": [f"K{i}" for i in range(30)],
            "roepnaam": names,
            "geslacht": ["man", "vrouw"] * 15,
            "opmerking": notes,
            "soort": ["a", "b", "c"] * 10,
        }
    )
    frame.to_csv(folder / "export.csv", sep=";", index=False)
    out = folder / "uit"
    run([folder / "export.csv"], out, KEY, k=2, l=1)
    for path in out.iterdir():
        if path.suffix == ".csv":
            text = path.read_text(encoding="utf-8")
            assert surviving(text) == [], path.name


# --- end to end ----------------------------------------------------------------------------------


def test_messy_export_is_read(result):
    summary = result["summary"]
    assert any("regel " in w and "te weinig velden" in w for w in summary.warnings)
    read_as = {f["name"]: f["read_as"] for f in summary.files}
    assert read_as["clienten.csv"] == "CSV, cp1252, puntkomma" and read_as["contacten.xlsx"] == "Excel (.xlsx)"


def test_output_files_and_input_unchanged(result, export):
    out = result["out"]
    names = {p.name for p in out.iterdir()}
    assert {"clienten.csv", "contacten.csv", PLAN_NAME, "privacyrapport.md", "privacyrapport.html", MARKER} <= names
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".uit.")]  # no staging folders left
    for path, content in result["before"].items():
        assert path.read_bytes() == content
    clients = pd.read_csv(out / "clienten.csv", dtype=str, keep_default_na=False)
    assert {"BSN", "Voornaam", "Achternaam", "Adres"}.isdisjoint(clients.columns)
    assert set(clients["Postcode"]) <= {"35xx", "10xx", "3xxx", "1xxx", "*"}
    assert clients["Uitkering"].str.fullmatch(r"<\d+|\d+-\d+|\d+\+|\*|").all()  # amounts → bands, no cents
    assert clients["Startdatum"].str.fullmatch(r"\d{4}(-\d{2}|-K[1-4])?|\*|").all()  # exact dates → month or coarser
    report = (out / "privacyrapport.md").read_text(encoding="utf-8")
    assert "k bereikt" in report and "Informatieverlies" in report and "Maatregel" in report


def test_pycanon_confirms_k_and_l(result):
    out = result["out"]
    plan = load_plan(out / PLAN_NAME)
    cplans = plan.for_file("clienten.csv").kolommen
    quasi = [c for c, p in cplans.items() if p.rol == "quasi"]
    sensitive = [c for c, p in cplans.items() if p.rol == "gevoelig"]
    # every column that stays, except pseudonyms, free text and the sensitive one, is a quasi-identifier
    assert set(quasi) == {"Postcode", "Geboortedatum", "Geslacht", "Uitkering", "Startdatum"} and sensitive == [
        "Maatregel"
    ]
    clients = pd.read_csv(out / "clienten.csv", dtype=str, keep_default_na=False)
    assert set(clients.columns) == {*quasi, *sensitive, "Klantnummer", "Notitie"}
    assert anonymity.k_anonymity(clients, quasi) >= plan.k == 5
    assert anonymity.l_diversity(clients, quasi, sensitive) >= plan.l == 2
    outcome = result["summary"].outcomes["clienten.csv"]
    assert outcome.k_reached == anonymity.k_anonymity(clients, quasi)


def test_pseudonyms_consistent_and_joins_work(result, export, tmp_path):
    out = result["out"]
    clients = pd.read_csv(out / "clienten.csv", dtype=str, keep_default_na=False)
    contacts = pd.read_csv(out / "contacten.csv", dtype=str, keep_default_na=False)
    assert clients["Klantnummer"].str.fullmatch(r"[A-Z]{13}").all() and clients["Klantnummer"].is_unique
    assert set(contacts["klantnummer"]) <= set(clients["Klantnummer"])  # suppressed people are gone everywhere
    joined = contacts.merge(clients, left_on="klantnummer", right_on="Klantnummer", how="inner")
    assert len(joined) == len(contacts) > 0
    again = tmp_path / "opnieuw"
    run(list(export.values()), again, KEY, plan_path=out / PLAN_NAME)
    assert pd.read_csv(again / "clienten.csv", dtype=str)["Klantnummer"].tolist() == clients["Klantnummer"].tolist()
    other = tmp_path / "anderesleutel"
    run(list(export.values()), other, hashlib.sha256(b"anders").digest(), plan_path=out / PLAN_NAME)
    assert set(pd.read_csv(other / "clienten.csv", dtype=str)["Klantnummer"]).isdisjoint(clients["Klantnummer"])


def test_rerun_with_edited_plan(result, export, tmp_path):
    plan_path = tmp_path / PLAN_NAME
    raw = yaml.safe_load((result["out"] / PLAN_NAME).read_text(encoding="utf-8"))
    columns = raw["bestanden"][0]["kolommen"]
    columns["Uitkering"]["actie"] = "verwijder"
    columns["Postcode"]["indeling"] = {"35": "Utrecht", "10": "Amsterdam"}
    raw["k"] = 3
    plan_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "uit"
    summary = run(list(export.values()), out, KEY, plan_path=plan_path)
    clients = pd.read_csv(out / "clienten.csv", dtype=str, keep_default_na=False)
    assert "Uitkering" not in clients.columns
    assert set(clients["Postcode"]) <= {"Utrecht", "Amsterdam", "*"}
    assert summary.plan.k == 3 and load_plan(out / PLAN_NAME).k == 3


def test_cli_key_never_in_output(export, tmp_path):
    key_file = tmp_path / "sleutel.txt"
    out = tmp_path / "uit"
    runner = CliRunner()
    done = runner.invoke(
        app, ["anonimiseer", *map(str, export.values()), "--uit", str(out), "--sleutel-bestand", str(key_file)]
    )
    assert done.exit_code == 0, done.output
    key = key_file.read_text(encoding="utf-8").strip()
    assert len(key) == 64
    for path in out.iterdir():
        assert key not in path.read_text(encoding="utf-8", errors="replace")
    inside = runner.invoke(
        app, ["anonimiseer", *map(str, export.values()), "--uit", str(out), "--sleutel-bestand", str(out / "k")]
    )
    assert inside.exit_code == 2 and "sleutelbestand mag niet in de uitvoermap" in inside.output


# --- bad input ------------------------------------------------------------------------------------


def _csv(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


BAD = {
    "ontbreekt": (None, "bestaat niet", None),
    "leeg": (b"", "leeg", None),
    "dubbele-kop": (b"a;b;a\n1;2;3\n", "twee keer", 1),
    "te-veel-velden": (b"a;b\n1;2\n3;4;5\n", "3 velden", 3),
    "onbekende-codering": (b"a;b\n1;\x81\x8d\n", "onbekende tekstcodering", 2),
    "utf16": ("a;b\n1;2\n".encode("utf-16"), "UTF-16", None),
    "open-aanhalingsteken": (b'a;b\n1;"open\n2;3\n', "aanhalingsteken", None),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_names_file_and_line(case, tmp_path):
    content, message, line = BAD[case]
    path = tmp_path / f"{case}.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ExportError) as error:
        run([path], tmp_path / "uit", KEY)
    text = str(error.value)
    assert text.startswith(path.name) and message in text, text
    if line is not None:
        assert f"regel {line}" in text, text
    assert not (tmp_path / "uit").exists()


def test_bad_files_of_other_kinds(tmp_path):
    cases = {
        "oud.xls": "oud Excel-formaat",
        "kapot.xlsx": "geen geldig Excel-bestand",
        "plaatje.png": "onbekend bestandstype",
    }
    for name, message in cases.items():
        path = _csv(tmp_path, name, b"not really")
        with pytest.raises(ExportError, match=message):
            run([path], tmp_path / "uit", KEY)
    with pytest.raises(ExportError, match="map, geen bestand"):
        run([tmp_path], tmp_path / "uit2", KEY)


def test_unknown_column_in_plan_and_bad_plan(result, export, tmp_path):
    extra = tmp_path / "clienten.csv"
    text = export["clients"].read_bytes().decode("cp1252").split("\r\n", 1)
    extra.write_bytes((text[0] + ";Nieuw\r\n" + text[1]).encode("cp1252"))
    with pytest.raises(ExportError, match=r"clienten.csv, regel 1, kolom 'Nieuw': deze kolom staat niet in het plan"):
        run([extra, export["contacts"]], tmp_path / "uit", KEY, plan_path=result["out"] / PLAN_NAME)
    broken = tmp_path / "plan.yml"
    broken.write_text(
        "versie: 1\nbestanden: [{bestand: x.csv, kolommen: {a: {soort: x, actie: weg}}}]\n", encoding="utf-8"
    )
    with pytest.raises(ExportError, match="plan.yml: fout in het plan"):
        run([export["clients"]], tmp_path / "uit", KEY, plan_path=broken)


def test_failed_run_keeps_previous_result(result, export, tmp_path):
    out = tmp_path / "uit"
    run(list(export.values()), out, KEY, plan_path=result["out"] / PLAN_NAME)
    before = (out / "clienten.csv").read_bytes()
    with pytest.raises(ExportError, match="onhaalbaar"):
        run(list(export.values()), out, KEY, plan_path=result["out"] / PLAN_NAME, k=10**6)
    assert (out / "clienten.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uit"]


def test_refuses_foreign_output_folder(export, tmp_path):
    (tmp_path / "vol").mkdir()
    (tmp_path / "vol" / "iets.txt").write_text("van iemand anders")
    with pytest.raises(ExportError, match="niet leeg"):
        run(list(export.values()), tmp_path / "vol", KEY)


def test_other_encodings_and_delimiters(tmp_path):
    rows = 'naam\tbedrag\topmerking\nAnna\t1.234,50\t"regel een\nregel twee"\n'
    for encoding, prefix in (("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")):
        path = _csv(
            tmp_path,
            f"t-{encoding}-{len(prefix)}.csv",
            prefix + rows.replace("Anna", "Zoë" if encoding == "utf-8" else "Anna").encode(encoding),
        )
        from activering.anonimisering.read import read_file

        source = read_file(path)
        assert list(source.frame.columns) == ["naam", "bedrag", "opmerking"] and source.delimiter == "\t"
        assert source.frame["opmerking"].iloc[0] == "regel een\nregel twee"


# --- using the result in the course ---------------------------------------------------------------


def test_data_gebruik_maps_onto_codebook(result, tmp_path, monkeypatch):
    from activering.data import databron, gebruik, load_table

    monkeypatch.setattr(databron, "POINTER_FILE", tmp_path / ".databron.yml")
    monkeypatch.delenv("ACTIVERING_DATA_DIR", raising=False)
    import shutil

    folder = tmp_path / "resultaat"
    shutil.copytree(result["out"], folder)
    with pytest.raises(gebruik.GebruikError, match="sjabloon"):
        gebruik.use(folder)
    assert "tabellen:" in (folder / "koppeling.yml").read_text(encoding="utf-8")
    mapping = {
        "tabellen": {  # only what the export has; the gemeente is the docent's choice of course variant
            "clients": {
                "bestand": "clienten.csv",
                "kolommen": {
                    "client_id": "Klantnummer",
                    "gemeente": {"waarde": "Lindeveen"},
                    "leeftijdsklasse": "Geboortedatum",
                    "geslacht": "Geslacht",
                    "regio": "Postcode",
                    "startdatum": "Startdatum",
                },
            },
            "contactmomenten": {
                "bestand": "contacten.csv",
                "kolommen": {
                    "contact_id": {"volgnummer": True},
                    "client_id": "klantnummer",
                    "datum": "contactdatum",
                    "soort": {"kolom": "soort", "waarden": {"gesprek": "gesprek", "telefoon": "telefoon"}},
                },
            },
        }
    }
    (folder / "koppeling.yml").write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    target, counts = gebruik.use(folder)
    assert databron.active_data_dir() == target.resolve()
    clients = load_table("clients")  # no folder given: the pointer decides
    assert len(clients) == counts["clients"] == result["summary"].outcomes["clienten.csv"].rows_out
    source = pd.read_csv(folder / "clienten.csv", dtype=str, keep_default_na=False)
    # the anonymised values arrive as they are ('*' and bands included), nothing is invented
    assert sorted(clients["geslacht"].astype(str)) == sorted(source["Geslacht"])
    assert clients["trede"].isna().all()  # not in the export: stays empty
    assert len(load_table("contactmomenten")) == result["summary"].outcomes["contacten.xlsx"].rows_out
    runner = CliRunner()
    back = runner.invoke(app, ["data", "gebruik", "--synthetisch"])
    assert back.exit_code == 0 and databron.active_data_dir() is None


def test_line_numbers_count_newlines_in_quoted_text(tmp_path):
    rows = [
        "datum;notitie",
        '01-02-2020;"een\ntwee"',
        *[f'0{i}-04-2020;"drie\nvier"' for i in range(1, 9)],
        'gisteren;"vijf"',
        "05-06-2020;x",
    ]
    path = _csv(tmp_path, "regels.csv", ("\n".join(rows) + "\n").encode("utf-8"))
    summary = run([path], tmp_path / "uit", KEY, k=1, l=1)
    assert any(w.startswith("regels.csv, kolom 'datum'") and "(regel 20)" in w for w in summary.warnings), (
        summary.warnings
    )


# --- keys, row order, amounts (issue 14) ------------------------------------------------------------


def _strong_key(rng: random.Random) -> str:
    return "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        for _ in range(rng.randint(20, 60))
    )


def test_weak_keys_refused_strong_keys_derived(export, tmp_path, monkeypatch):
    from activering.anonimisering.cli import derive_key, key_problem

    rng = random.Random(14)
    weak = [
        "geheim",
        "wachtwoord123",
        "a" * 30,
        "1234567890123456789",
        "abababababababababab",
        "",
        *("".join(rng.choice("ab") for _ in range(rng.randint(16, 40))) for _ in range(5)),
        *(_strong_key(rng)[: rng.randint(1, 15)] for _ in range(5)),
    ]
    for key in weak:
        assert key_problem(key) is not None, key
    strong = [_strong_key(rng) for _ in range(20)]
    assert all(key_problem(k) is None for k in strong)
    derived = {derive_key(k) for k in strong}
    assert len(derived) == len(strong) and all(len(d) == 32 for d in derived)
    assert derive_key(strong[0]) == derive_key(strong[0])  # the same key gives the same pseudonyms

    runner = CliRunner()
    for key in ("geheim", "wachtwoord123", "aaaaaaaaaaaaaaaaaaaa"):
        out = tmp_path / f"uit-{len(key)}"
        monkeypatch.setenv("ACTIVERING_SLEUTEL", key)
        done = runner.invoke(app, ["anonimiseer", *map(str, export.values()), "--uit", str(out)])
        assert done.exit_code == 2 and "sleutel is te zwak" in done.output and "Traceback" not in done.output
        assert not out.exists()
        key_file = tmp_path / f"sleutel-{len(key)}.txt"
        key_file.write_text(key + "\n", encoding="utf-8")
        monkeypatch.delenv("ACTIVERING_SLEUTEL")
        done = runner.invoke(
            app, ["anonimiseer", *map(str, export.values()), "--uit", str(out), "--sleutel-bestand", str(key_file)]
        )
        assert done.exit_code == 2 and "sleutel is te zwak" in done.output and not out.exists()


def _input_rows(export) -> pd.DataFrame:
    return pd.read_csv(export["clients"], sep=";", dtype=str, keep_default_na=False, encoding="cp1252")


def test_rows_shuffled_with_the_key(result, export, tmp_path):
    """Output order is a keyed shuffle: reproducible with the key, unrelated to the input order."""
    clients = pd.read_csv(result["out"] / "clienten.csv", dtype=str, keep_default_na=False)
    source = _input_rows(export)
    # Each client's input position, found through its pseudonym (the same keyed hash as the anonymiser's).
    from activering.anonimisering.transform import pseudonyms

    positions = {p: i for i, p in enumerate(pseudonyms([k.upper() for k in source["Klantnummer"]], KEY, "klant"))}
    order = [positions[p] for p in clients["Klantnummer"]]
    assert len(order) > 200
    rho = pd.Series(order).corr(pd.Series(range(len(order))), method="spearman")
    assert abs(rho) < 0.2, rho
    again = tmp_path / "again"
    run(list(export.values()), again, KEY, plan_path=result["out"] / PLAN_NAME)
    assert (again / "clienten.csv").read_bytes() == (result["out"] / "clienten.csv").read_bytes()
    other = tmp_path / "other"
    run(list(export.values()), other, hashlib.sha256(b"anders").digest(), plan_path=result["out"] / PLAN_NAME)
    other_rows = pd.read_csv(other / "clienten.csv", dtype=str, keep_default_na=False).drop(columns=["Klantnummer"])
    assert other_rows.values.tolist() != clients.drop(columns=["Klantnummer"]).values.tolist()


@pytest.mark.parametrize("mode", ["klassen", "afronden"])
def test_amounts_banded_or_rounded(tmp_path, mode):
    rng = random.Random(mode)
    amounts = [rng.uniform(300, 2500) for _ in range(400)]
    rows = ["id;Bedrag uitkering;Geslacht"] + [
        f"R{i};{a:,.2f};{rng.choice('MV')}".replace(",", "#").replace(".", ",").replace("#", ".")
        for i, a in enumerate(amounts)
    ]
    path = _csv(tmp_path, "bedragen.csv", ("\n".join(rows) + "\n").encode("utf-8"))
    run([path], tmp_path / "uit", KEY, amounts=mode, use_deduce=False)
    out = pd.read_csv(tmp_path / "uit" / "bedragen.csv", dtype=str, keep_default_na=False)
    values = out["Bedrag uitkering"]
    assert not values.str.contains(r"[.,]\d", regex=True).any()  # no cents left anywhere
    if mode == "klassen":
        assert values.str.fullmatch(r"<\d+|\d+-\d+|\d+\+|\*").all()
        band = values[values.str.fullmatch(r"\d+-\d+")]
        low = band.str.split("-").str[0].astype(int)
        assert (low >= 250).all() and len(band) > 0
    else:
        numbers = values[values != "*"].astype(int)
        assert (numbers % 100 == 0).all() and len(numbers) > 0


# --- bad rows, leftovers, added files (issue 14) ------------------------------------------------------


def test_bad_birth_dates_reported_by_line_never_by_value(tmp_path):
    rng = random.Random(4)
    rows = ["Klantnummer;Geboortedatum;Postcode;Geslacht"]
    bad = {3: "", 5: "31-02-1980", 8: "onbekend", 9: "zie Dorpsweg 12 (Kromowidjojo)"}
    for i in range(80):
        born = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.randint(1950, 2000)}"
        pc4 = "zie Dorpsweg 12 (Kromowidjojo)" if i == 11 else f"{rng.choice(['3511', '3512'])} AB"
        rows.append(f"K{i};{bad.get(i, born)};{pc4};{rng.choice(['man', 'vrouw'])}")
    path = _csv(tmp_path, "geb.csv", ("\n".join(rows) + "\n").encode("utf-8"))
    runner = CliRunner()
    key_file = tmp_path / "sleutel.txt"
    done = runner.invoke(
        app, ["anonimiseer", str(path), "--uit", str(tmp_path / "uit"), "--sleutel-bestand", str(key_file)]
    )
    assert done.exit_code == 0, done.output
    assert "Traceback" not in done.output
    # input line = index + 2; the empty one is not an error, the other three are
    assert "regels 7, 10, 11" in done.output and "regel 13" in done.output, done.output
    for path_out in (tmp_path / "uit").iterdir():
        if path_out.is_file():
            text = path_out.read_text(encoding="utf-8", errors="replace")
            for secret in ("Kromowidjojo", "Dorpsweg", "31-02-1980", "onbekend'"):
                assert secret not in text, (secret, path_out.name)
    assert "Kromowidjojo" not in done.output


def test_over_long_field_reported_and_emptied(tmp_path):
    rows = ["id;notitie;soort"] + [f"R{i};kort verslag {i};{'ab'[i % 2]}" for i in range(40)]
    rows[6] = 'R5;"' + ("lang " * 30_000) + '";a'
    path = _csv(tmp_path, "lang.csv", ("\n".join(rows) + "\n").encode("utf-8"))
    summary = run([path], tmp_path / "uit", KEY, k=2, use_deduce=False)
    assert any(
        "veld langer dan 100.000 tekens" in w and "regel 7" in w and "lang.csv" in w for w in summary.warnings
    ), summary.warnings
    assert not any("aanhalingsteken" in w for w in summary.warnings)
    out = pd.read_csv(tmp_path / "uit" / "lang.csv", dtype=str, keep_default_na=False)
    assert out["notitie"].str.len().max() < 100


def test_leftovers_of_a_killed_run_are_cleaned(result, export, tmp_path):
    import subprocess

    out = tmp_path / "uit"
    run(list(export.values()), out, KEY, plan_path=result["out"] / PLAN_NAME, use_deduce=False)
    before = (out / "clienten.csv").read_bytes()
    dead = subprocess.Popen(["true"])
    dead.wait()
    staging = tmp_path / ".uit.nieuw-abc123"  # a killed run's half-written result
    staging.mkdir()
    (staging / "clienten.csv").write_text("half")
    (staging / ".eigenaar").write_text(str(dead.pid))
    orphan = tmp_path / ".uit.nieuw-zonder-eigenaar"
    orphan.mkdir()
    summary = run(list(export.values()), out, KEY, plan_path=result["out"] / PLAN_NAME, use_deduce=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uit"]
    assert any("afgebroken run opgeruimd" in w for w in summary.warnings)
    assert (out / "clienten.csv").read_bytes() == before

    # killed between moving the old result aside and putting the new one in place: the old one comes back
    aside = tmp_path / ".uit.oud-xyz"
    aside.mkdir()
    (aside / ".eigenaar").write_text(str(dead.pid))
    out.rename(aside / "_")
    from activering.anonimisering.pipeline import clean_leftovers

    notes = clean_leftovers(out)
    assert (out / "clienten.csv").read_bytes() == before and any("teruggezet" in n for n in notes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uit"]


def test_rerun_keeps_files_a_person_added(result, export, tmp_path):
    out = tmp_path / "uit"
    run(list(export.values()), out, KEY, plan_path=result["out"] / PLAN_NAME, use_deduce=False)
    added = {"notities.docx": b"\x00\x01 eigen aantekeningen", "koppeling.yml": b"tabellen: {}\n"}
    for name, content in added.items():
        (out / name).write_bytes(content)
    (out / "cursusdata").mkdir()
    (out / "cursusdata" / "clients.csv").write_bytes(b"client_id\nSYN-000001\n")
    summary = run(list(export.values()), out, KEY, plan_path=result["out"] / PLAN_NAME, use_deduce=False)
    for name, content in added.items():
        assert (out / name).read_bytes() == content
    assert (out / "cursusdata" / "clients.csv").read_bytes() == b"client_id\nSYN-000001\n"
    assert summary.kept_files == ["cursusdata", "koppeling.yml", "notities.docx"]
    assert "notities.docx" in (out / "privacyrapport.md").read_text(encoding="utf-8")


def test_drop_free_text(export, tmp_path):
    runner = CliRunner()
    out = tmp_path / "uit"
    done = runner.invoke(
        app,
        [
            "anonimiseer",
            *map(str, export.values()),
            "--uit",
            str(out),
            "--zonder-vrije-tekst",
            "--sleutel-bestand",
            str(tmp_path / "k.txt"),
        ],
    )
    assert done.exit_code == 0, done.output
    clients = pd.read_csv(out / "clienten.csv", dtype=str, keep_default_na=False)
    contacts = pd.read_csv(out / "contacten.csv", dtype=str, keep_default_na=False)
    assert "Notitie" not in clients.columns and "toelichting" not in contacts.columns
    report = (out / "privacyrapport.md").read_text(encoding="utf-8")
    assert "Weggelaten: clienten.csv › Notitie, contacten.xlsx › toelichting." in report
    assert "Behouden en opgeschoond: geen." in report


def test_progress_reports_phases_and_every_note(export, tmp_path):
    from activering.anonimisering.pipeline import Progress

    class Recorder(Progress):
        def __init__(self):
            self.phases, self.total, self.done = [], None, 0

        def phase(self, text):
            self.phases.append(text)

        def texts_total(self, total):
            self.total = total

        def texts_done(self, n):
            self.done += n

    recorder = Recorder()
    run(list(export.values()), tmp_path / "uit", KEY, progress=recorder)
    assert recorder.phases[0] == "Lezen" and recorder.phases[-1] == "Schrijven" and len(recorder.phases) >= 5
    notes = len(_input_rows(export)) + 3 * 240  # one note per client, one per contact
    assert recorder.total == notes and recorder.done == notes


def test_cli_progress_bar_on_a_terminal(export, tmp_path):
    import io

    from rich.console import Console

    from activering.anonimisering.cli import BarProgress

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    with BarProgress(console) as bar:
        run(list(export.values()), tmp_path / "uit", KEY, progress=bar, use_deduce=False)
    shown = buffer.getvalue()
    assert "Schrijven" in shown or "Bewerken" in shown
    assert "960/960" in shown.replace(",", "")  # every note cleaned, counted on the bar


def test_content_detected_name_columns_and_tussenvoegsels_go_with_the_name(tmp_path):
    """A name column with an unknown header is found by its values; no 'de [NAAM]' is left behind."""
    rng = random.Random(16)
    firsts = [
        "Jan",
        "Ayşe",
        "Gerrit",
        "Fatima",
        "Kees",
        "Priya",
        "Dirk",
        "Anouk",
        "Youssef",
        "Marieke",
        "Sevgi",
        "Bram",
    ]
    lasts = ["de Vries", "van der Meer", "de Jong", "van Dijk", "ter Horst", "El Amrani", "Jansen", "Pinas"]
    rows = ["Cliënt;Dossier;Gesprekverslag"]
    for i in range(120):
        first, last = rng.choice(firsts), rng.choice(lasts)
        rows.append(
            f'{first} {last};D-{i:04d};"{last[0].upper() + last[1:]} belde. Gesprek met {first} {last} over werk."'
        )
    path = _csv(tmp_path, "export.csv", ("\n".join(rows) + "\n").encode("utf-8"))
    run([path], tmp_path / "uit", KEY, k=2)
    out = pd.read_csv(tmp_path / "uit" / "export.csv", dtype=str, keep_default_na=False)
    assert "Cliënt" not in out.columns
    text = " ".join(out["Gesprekverslag"])
    for word in {w for name in (*firsts, *lasts) for w in name.split()}:
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags=re.IGNORECASE), word
