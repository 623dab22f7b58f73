"""End to end: a messy municipal export → `activering anonimiseer` → `activering data gebruik` → the course.

The export is made here: other column names than the codebook, Windows-1252 CSV with semicolons and
decimal commas, a client file, a contact file and a file of maatregelen, values the course data do not
have (geslacht X, trede 6) and several codebook columns and tables missing. A docent's koppeling.yml maps only the
columns that exist. Then every module page and every exercise notebook must run on the result without
an error, and say "niet in jouw data" where it needs something the export lacks.

The active data choice is kept in a pointer file of this test only ($ACTIVERING_DATABRON), so tests that
run at the same time (pytest-xdist) keep using the synthetic data.
"""

from __future__ import annotations

import csv
import random
import re
import secrets
from collections import Counter
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from nbclient import NotebookClient
from typer.testing import CliRunner

from activering.cli import app
from activering.data import databron, load_table
from activering.data.loader import DEFAULT_DATA_DIR, ENV_VAR
from activering.paths import REPO_ROOT

MODULES = sorted((REPO_ROOT / "modules").glob("[0-9][0-9]-*/index.md"))
EXERCISES = sorted((REPO_ROOT / "exercises" / "source").glob("*/*.ipynb"))
NOTE = "niet in jouw data"

#: where a page or exercise needs something the generated export lacks (trajecten, uitstroom, uitkeringsduur,
#: km_id in contactmomenten, waarschuwing and recidive in sancties), and so must say so
EXPECTED_NOTES = {
    "03-diagnose": "kolom uitkeringsduur_maanden",
    "04-sancties": "kolommen waarschuwing en recidive in sancties",
    "05-uitvoering-en-sturing": "kolom km_id in contactmomenten",
    "sancties-in-cijfers": "kolom waarschuwing in sancties",
    "diagnose-en-trede": "tabel trajecten",
    "contact-en-uitstroom": "tabel uitstroom",
}
#: pages that have all they need from this export: their charts must be drawn, without a note
NO_NOTES = ("01-activeringswerk",)
#: pages that need a column the anonymiser may leave out (trede is a quasi-identifier): a note may only name it.
#: The chance band (activering.data.kansband) counts the clients with obligations, trede 2–5.
MAY_LACK = {"02-beslisruimte": "trede", "06-vakmanschap-en-reflectie": "trede"}


def _bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum((9 - i) * d for i, d in enumerate(digits)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def make_export(folder: Path, n: int = 360, seed: int = 11) -> dict[str, Path]:
    """A client file and a contact file the way a municipal system exports them."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    first = ["Jan", "Piet", "Fatima", "Mohamed", "Anna", "Zoë", "Kees", "Ayse", "Noor", "Daan", "Chloé"]
    last = ["de Vries", "Jansen", "Bakker", "Yilmaz", "el Amrani", "Visser", "Smit", "Meijer"]
    managers = [f"KM{i:02d}" for i in range(1, 7)]
    households = ["Alleenstaand", "Eenoudergezin", "Samenwonend", "Gezin met kinderen"]
    lines = [
        "Klantnr;BSN;Naam;Geb.datum;Geslacht;Postcode;Trede;Huishoudtype;Start uitkering;Uitkering (EUR);Klantmanager"
    ]
    numbers = []
    for i in range(n):
        number = 200000 + 13 * i
        numbers.append(number)
        born = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.randint(1955, 2006)}"
        postcode = f"35{rng.randint(10, 99)} {rng.choice('ABCDEF')}{rng.choice('KLMNPR')}"
        gender = rng.choices(["M", "V", "X"], [47, 47, 6])[0]
        trede = rng.choice([1, 2, 2, 3, 3, 4, 4, 5, 6])
        start = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.randint(2012, 2024)}"
        amount = f"{rng.randint(900, 1600)},{rng.randint(0, 99):02d}"
        lines.append(
            f"{number};{_bsn(rng)};{rng.choice(first)} {rng.choice(last)};{born};{gender};{postcode};{trede};"
            f"{rng.choice(households)};{start};{amount};{rng.choice(managers)}"
        )
    clients = folder / "klanten.csv"
    clients.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    lines = ["Klantnr;Datum contact;Soort contact;Verslag"]
    for number in numbers:
        for _ in range(rng.randint(0, 6)):
            day = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-2025"
            note = f"Gesprek met mevrouw {rng.choice(last)} over sollicitaties; cliënt is gemotiveerd."
            lines.append(f'{number};{day};{rng.choice(["Gesprek", "Telefonisch", "E-mail"])};"{note}"')
    contacts = folder / "contacten.csv"
    contacts.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    # Maatregelen without the columns the course has for warnings and recidivism.
    lines = ["Klantnr;Datum besluit;Gedraging;Korting %"]
    behaviour = ["Niet verschenen", "Onvoldoende meegewerkt", "Overig"]
    for number in rng.sample(numbers, n // 4):
        day = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-2025"
        lines.append(f"{number};{day};{rng.choice(behaviour)};{rng.choice([0, 10, 20, 100])}")
    sanctions = folder / "maatregelen.csv"
    sanctions.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return {"clients": clients, "contacts": contacts, "sanctions": sanctions}


def docent_mapping(folder: Path) -> dict:
    """What a docent writes: only columns that are in the anonymised files, no invented values.

    The municipality is mapped onto the course's fictional municipality with the same way of working
    (the choice the koppeling asks for); categories are translated only where the meaning is the same.
    """
    clients = _header(folder / "klanten.csv")
    contacts = _header(folder / "contacten.csv")
    client_columns = {
        "client_id": "Klantnr",
        "gemeente": {"waarde": "Havenmonde"},
        "km_id": "Klantmanager",
        "leeftijdsklasse": "Geb.datum",
        "geslacht": {"kolom": "Geslacht", "waarden": {"M": "man", "V": "vrouw"}},
        "huishouden": {
            "kolom": "Huishoudtype",
            "waarden": {"Alleenstaand": "alleenstaand", "Eenoudergezin": "alleenstaande_ouder"},
        },
        "regio": "Postcode",
        "trede": "Trede",
        "startdatum": "Start uitkering",
    }
    contact_columns = {
        "contact_id": {"volgnummer": True},
        "client_id": "Klantnr",
        "datum": "Datum contact",
        "soort": {
            "kolom": "Soort contact",
            "waarden": {"Gesprek": "gesprek", "Telefonisch": "telefoon", "E-mail": "email"},
        },
    }
    sanction_columns = {
        "sanctie_id": {"volgnummer": True},
        "client_id": "Klantnr",
        "datum": "Datum besluit",
        "categorie": {
            "kolom": "Gedraging",
            "waarden": {"Niet verschenen": "niet_verschenen", "Onvoldoende meegewerkt": "onvoldoende_meewerken"},
        },
        "hoogte_pct": "Korting %",
    }
    sanctions = _header(folder / "maatregelen.csv")
    for columns, header in ((client_columns, clients), (contact_columns, contacts), (sanction_columns, sanctions)):
        for name, spec in list(columns.items()):
            source = spec if isinstance(spec, str) else spec.get("kolom")
            if source is not None and source not in header:
                del columns[name]  # the anonymiser removed it: leave it unmapped
    return {
        "tabellen": {
            "clients": {"bestand": "klanten.csv", "kolommen": client_columns},
            "contactmomenten": {"bestand": "contacten.csv", "kolommen": contact_columns},
            "sancties": {"bestand": "maatregelen.csv", "kolommen": sanction_columns},
        }
    }


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _column(path: Path, name: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[name] for row in csv.DictReader(handle)]


def _execute(notebook, folder: Path) -> tuple[list[str], list[str]]:
    """Run a notebook; (errors, 'niet in jouw data' texts) from its outputs."""
    client = NotebookClient(
        notebook, timeout=180, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    errors, notes = [], []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cel {cell.get('id')}: {output.get('ename')}: {output.get('evalue', '')[:300]}")
            text = str(output.get("text", "")) + "".join(str(v) for v in output.get("data", {}).values())
            notes += [m.strip() for m in re.findall(rf"[^<>\n]*{NOTE}[^<>\n]*", text)]
            if "synthetische data" in text or "synthetische cursusdata" in text:
                errors.append(f"cel {cell.get('id')}: noemt echte data synthetisch")
    return errors, notes


@pytest.fixture
def own_pointer(tmp_path, monkeypatch) -> Path:
    """This test's own choice of data: a pointer file in tmp_path, inherited by the kernels it starts."""
    pointer = tmp_path / "databron.yml"
    monkeypatch.setenv(databron.POINTER_ENV, str(pointer))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return pointer


@pytest.mark.slow
def test_course_runs_on_an_anonymised_export(tmp_path, own_pointer):
    shared_pointer_before = databron.POINTER_FILE.exists()
    export = make_export(tmp_path / "export")
    out = tmp_path / "geanonimiseerd"
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["anonimiseer", *(str(path) for path in export.values()), "--uit", str(out)],
        env={"ACTIVERING_SLEUTEL": secrets.token_hex(32)},
    )
    assert result.exit_code == 0, result.output

    # Without a koppeling the command writes a template and stops with one Dutch line.
    first = runner.invoke(app, ["data", "gebruik", str(out)])
    assert first.exit_code == 2 and "sjabloon" in first.output and "Traceback" not in first.output
    (out / "koppeling.yml").write_text(yaml.safe_dump(docent_mapping(out), allow_unicode=True), encoding="utf-8")
    used = runner.invoke(app, ["data", "gebruik", str(out)])
    assert used.exit_code == 0, used.output
    target = out / "cursusdata"
    assert databron.active_data_dir() == target.resolve()
    assert own_pointer.exists() and databron.POINTER_FILE.exists() == shared_pointer_before

    # No invented values: mapped columns hold exactly the anonymised values, the rest stays empty.
    anon_clients, course_clients = out / "klanten.csv", target / "clients.csv"
    assert Counter(_column(course_clients, "leeftijdsklasse")) == Counter(_column(anon_clients, "Geb.datum"))
    assert Counter(_column(course_clients, "trede")) == Counter(_column(anon_clients, "Trede"))
    assert Counter(_column(course_clients, "startdatum")) == Counter(_column(anon_clients, "Start uitkering"))
    for column in ("uitkeringsduur_maanden", "uitkeringsduur_klasse", "kansgroep"):
        assert set(_column(course_clients, column)) == {""}, f"{column} hoort leeg te blijven"
    for table in ("trajecten", "uitstroom"):
        assert len(load_table(table)) == 0
    assert set(_column(target / "sancties.csv", "waarschuwing")) <= {""}  # not in the export: not filled in
    assert len(load_table("sancties")) == len(_column(out / "maatregelen.csv", "Klantnr"))
    clients = load_table("clients")
    assert len(clients) == len(_column(anon_clients, "Klantnr"))
    # Loaded as they are: trede 6 stays 6, a value left out (*) stays unknown, never a guess.
    kept = Counter(v for v in _column(anon_clients, "Trede") if v not in ("", "*"))
    assert Counter(str(int(v)) for v in clients["trede"].dropna()) == kept
    assert int(clients["trede"].isna().sum()) == len(clients) - sum(kept.values())

    failures, missing_notes, seen = [], [], {}
    for path in MODULES:
        errors, notes = _execute(jupytext.read(path), path.parent)
        failures += [f"{path.parent.name}: {e}" for e in errors]
        seen[path.parent.name] = notes
    for path in EXERCISES:
        errors, notes = _execute(nbformat.read(path, as_version=4), path.parent)
        failures += [f"{path.stem}: {e}" for e in errors]
        seen[path.stem] = notes
    assert not failures, "\n".join(failures)
    for name, needed in EXPECTED_NOTES.items():
        if not any(needed in note for note in seen[name]):
            missing_notes.append(f"{name}: geen melding over {needed!r} (wel: {seen[name]})")
    assert not missing_notes, "\n".join(missing_notes)
    for name in NO_NOTES:
        assert not seen[name], f"{name} heeft alles wat het nodig heeft, maar meldt: {seen[name]}"
    for name, column in MAY_LACK.items():
        assert all(f"kolom {column} " in note for note in seen[name]), seen[name]
        if set(_column(anon_clients, "Trede")) - {"*", ""}:
            assert not seen[name], f"{name}: de trede is er, toch een melding: {seen[name]}"

    back = runner.invoke(app, ["data", "gebruik", "--synthetisch"])
    assert back.exit_code == 0 and not own_pointer.exists()
    assert databron.active_data_dir() is None
    assert len(load_table("clients")) == len(load_table("clients", DEFAULT_DATA_DIR))
