"""The journal store: round trip, migrations with backups, concurrent writers, corrupt files."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from activering.journal import Journal, JournalCorruptError, JournalTooNewError, Reflection, migrations

V1_SCHEMA = """
CREATE TABLE casus_runs (run_id INTEGER PRIMARY KEY AUTOINCREMENT, casus TEXT NOT NULL, started TEXT NOT NULL, finished TEXT);
CREATE TABLE casus_choices (run_id INTEGER NOT NULL REFERENCES casus_runs(run_id) ON DELETE CASCADE, decision TEXT NOT NULL,
    options TEXT NOT NULL, motivation TEXT NOT NULL DEFAULT '', answered TEXT NOT NULL, PRIMARY KEY (run_id, decision));
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_v1(path: Path, user_version: int = 0) -> None:
    """A journal as the casus player wrote it before versioning (user_version 0) or marked as 1."""
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    for i in range(1, 6):
        db.execute(
            "INSERT INTO casus_runs (casus, started, finished) VALUES (?, ?, ?)",
            (f"casus-{i}", f"2025-0{i}-01T10:00:00+00:00", None if i == 5 else f"2025-0{i}-02T10:00:00+00:00"),
        )
        for d in range(3):
            db.execute(
                "INSERT INTO casus_choices VALUES (?, ?, ?, ?, ?)",
                (i, f"b{d}", json.dumps([f"o{d}"]), f"motivering {i}.{d}", f"2025-0{i}-01T10:0{d}:00+00:00"),
            )
    db.execute(f"PRAGMA user_version = {user_version}")
    db.commit()
    db.close()


@pytest.fixture
def journal(tmp_path):
    return Journal(tmp_path / "journaal.sqlite")


def test_fresh_journal_is_latest_version_without_backup(journal):
    assert journal.schema_version == migrations.LATEST
    assert journal.backups == []
    assert not list(journal.path.parent.glob("*.bak*"))


def test_reflection_fields_are_the_vocabulary_in_every_layer(journal):
    """One ordered list: the table's columns (after all migrations), the store and the Reflection class."""
    import dataclasses

    from activering.journal.store import TEXT_FIELDS
    from activering.vocabulary import REFLECTION_FIELD_NAMES

    with sqlite3.connect(journal.path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(reflections)")]
    assert [c for c in columns if c in REFLECTION_FIELD_NAMES] == list(REFLECTION_FIELD_NAMES)
    assert set(columns) - set(REFLECTION_FIELD_NAMES) == {"id", "date", "created", "updated"}
    assert TEXT_FIELDS == REFLECTION_FIELD_NAMES
    fields = [f.name for f in dataclasses.fields(Reflection)]
    assert [f for f in fields if f in REFLECTION_FIELD_NAMES] == list(REFLECTION_FIELD_NAMES)
    assert set(fields) - set(REFLECTION_FIELD_NAMES) == {"date", "tags", "casussen", "id", "created", "updated"}


def test_round_trip_create_edit_search_delete(journal):
    entry = Reflection(
        title="Maatregel of waarschuwing",
        date="2025-03-04",
        situation="Een klant weigerde een aangeboden baan.",
        research="Het onderzoek beschrijft klantmanagers die bij zo'n weigering eerst waarschuwen.",
        client_interest="Hij wil duurzaam werk.",
        organisation_interest="Het team stuurt op uitstroom.",
        professional_view="Een mondelinge waarschuwing past hier.",
        colleagues="Een collega zou korten.",
        decision="Waarschuwing gegeven.",
        reasoning="Hij doet verder goed mee.",
        next_time="Eerder met de teamleider overleggen.",
        tags=["sancties", "Beslisruimte"],
        casussen=["dennis-geweigerde-baan"],
    )
    number = journal.add_reflection(entry)
    stored = journal.reflection(number)
    assert stored.title == entry.title and stored.colleagues == "Een collega zou korten."
    assert stored.tags == ["beslisruimte", "sancties"] and stored.casussen == ["dennis-geweigerde-baan"]
    assert stored.created and stored.updated

    stored.decision = "Toch een maatregel van nul euro."
    stored.tags = ["sancties"]
    journal.update_reflection(stored)
    again = journal.reflection(number)
    assert again.decision == "Toch een maatregel van nul euro." and again.tags == ["sancties"]

    other = journal.add_reflection(
        Reflection(
            title="No-show op maandag", date="2025-04-01", situation="Niet gekomen, geen bericht.", tags=["contact"]
        )
    )
    assert journal.fts, "FTS5 hoort beschikbaar te zijn in deze Python"
    assert [r.id for r in journal.search("maatregel")] == [number]
    assert [r.id for r in journal.search("weiger")] == [number]  # prefix match
    assert [r.id for r in journal.search("gekomen bericht")] == [other]
    assert journal.search("maatregel bericht") == []
    journal.fts = False  # the LIKE fallback gives the same answers
    assert [r.id for r in journal.search("maatregel")] == [number]
    assert [r.id for r in journal.search("gekomen bericht")] == [other]
    journal.fts = True

    assert [r.id for r in journal.reflections(start="2025-03-15")] == [other]
    assert [r.id for r in journal.reflections(tag="sancties")] == [number]

    journal.delete_reflection(number)
    with pytest.raises(KeyError):
        journal.reflection(number)
    assert journal.search("maatregel") == []
    with pytest.raises(KeyError):
        journal.delete_reflection(number)


def test_casus_runs_appear_in_the_same_listing(journal):
    run = journal.open_run("dennis-geweigerde-baan")
    journal.record_choice(run, "eerste", ["a"], "omdat het kan")
    journal.finish_run(run)
    journal.add_reflection(Reflection(title="Over de casus van Dennis", casussen=["dennis-geweigerde-baan"]))
    kinds = {(e.kind, e.title) for e in journal.entries()}
    assert ("casus", "dennis-geweigerde-baan") in kinds and ("reflectie", "Over de casus van Dennis") in kinds
    casus_entry = next(e for e in journal.entries() if e.kind == "casus")
    assert "1 keuze" in casus_entry.detail and "afgerond" in casus_entry.detail


def test_bad_dates_and_empty_titles_are_refused(journal):
    with pytest.raises(ValueError, match="datum"):
        journal.add_reflection(Reflection(title="x", date="31-12-2025"))
    with pytest.raises(ValueError, match="titel"):
        journal.add_reflection(Reflection(title="  "))


@pytest.mark.parametrize("user_version", [0, 1])
def test_migration_from_version_one_keeps_everything_and_makes_a_backup(tmp_path, user_version):
    path = tmp_path / "journaal.sqlite"
    make_v1(path, user_version)
    journal = Journal(path)
    assert journal.schema_version == migrations.LATEST
    [backup] = journal.backups
    assert backup.exists() and backup.name.startswith("journaal.v1-")
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == user_version
    assert copy.execute("SELECT COUNT(*) FROM casus_choices").fetchone()[0] == 15
    assert not copy.execute("SELECT 1 FROM sqlite_master WHERE name = 'reflections'").fetchone()
    copy.close()
    runs = journal.runs()
    assert [r["casus"] for r in runs] == [f"casus-{i}" for i in range(1, 6)]
    assert runs[-1]["finished"] is None
    assert [c.motivation for c in journal.choices(3)] == ["motivering 3.0", "motivering 3.1", "motivering 3.2"]
    assert journal.open_run("casus-5") == 5  # the unfinished run is resumed after the upgrade
    journal.add_reflection(Reflection(title="Na de upgrade"))
    assert Journal(path).backups == []  # already current: no new migration, no new backup


def test_migration_from_version_two_keeps_reflections(tmp_path):
    path = tmp_path / "journaal.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    for target, step in migrations.MIGRATIONS[:2]:
        step(db)
        db.execute(f"PRAGMA user_version = {target}")
    db.execute(
        "INSERT INTO reflections (date, title, situation, created, updated) VALUES ('2024-01-02', 'Oud', 'Van voor versie 3', 'x', 'x')"
    )
    db.close()
    journal = Journal(path)
    assert journal.schema_version == 3 and len(journal.backups) == 1
    assert journal.reflections()[0].situation == "Van voor versie 3"
    journal.add_assessment({"d1": 4})
    assert journal.assessments()[0].answers == {"d1": 4}


def test_a_newer_journal_is_refused_untouched(tmp_path):
    path = tmp_path / "journaal.sqlite"
    make_v1(path, 99)
    before = digest(path)
    with pytest.raises(JournalTooNewError, match="schemaversie 99"):
        Journal(path)
    assert digest(path) == before


def test_corrupt_file_is_reported_and_never_overwritten(tmp_path):
    path = tmp_path / "journaal.sqlite"
    path.write_bytes(b"dit is geen database\n" * 200)
    before = digest(path)
    with pytest.raises(JournalCorruptError) as error:
        Journal(path)
    assert str(path) in str(error.value) and "niets aan veranderd" in str(error.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journaal.sqlite"]


def test_damaged_sqlite_pages_are_reported_and_never_overwritten(tmp_path):
    path = tmp_path / "journaal.sqlite"
    journal = Journal(path)
    for i in range(300):
        journal.add_reflection(Reflection(title=f"Reflectie {i}", situation="tekst " * 40))
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(3 * page, min(len(data), 12 * page)):
        data[offset] = (offset * 7) % 251
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(JournalCorruptError):
        Journal(path)
    assert digest(path) == before


def _writer(path: str, name: str, count: int) -> None:
    journal = Journal(Path(path))
    run = journal.open_run(f"casus-{name}")
    for i in range(count):
        journal.add_reflection(Reflection(title=f"{name} {i}", situation=f"gelijktijdig geschreven door {name}"))
        journal.record_choice(run, f"beslissing-{i}", [str(i)], f"{name} {i}")


def test_two_processes_write_at_once_without_loss(tmp_path):
    path = tmp_path / "journaal.sqlite"
    count = 120
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), name, count)) for name in ("notebook", "terminal")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    journal = Journal(path)
    titles = {r.title for r in journal.reflections()}
    assert len(titles) == 2 * count
    assert {f"notebook {i}" for i in range(count)} | {f"terminal {i}" for i in range(count)} == titles
    assert sum(len(journal.choices(r["run_id"])) for r in journal.runs()) == 2 * count
    assert len(journal.search("gelijktijdig")) == 2 * count
