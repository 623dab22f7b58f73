"""SQLite storage for casus choices, reflections and self-assessments.

One file on the user's own machine ($ACTIVERING_JOURNAL, else the platform's user data directory;
never the repository). Safety rules:

* the schema is versioned (``PRAGMA user_version``) and migrated by ordered functions in
  :mod:`activering.journal.migrations`, with a backup copy of the file before each migration;
* WAL mode plus a busy timeout and ``BEGIN IMMEDIATE`` for every write, so two processes (a notebook
  and the command line) can write at the same time without losing anything;
* a file that is not a healthy SQLite database raises :class:`JournalCorruptError` and is never
  written to, let alone replaced.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from platformdirs import user_data_dir

from activering.journal import migrations
from activering.vocabulary import REFLECTION_FIELD_NAMES

ENV_VAR = "ACTIVERING_JOURNAL"
BUSY_TIMEOUT_MS = 15_000
SQLITE_HEADER = b"SQLite format 3\x00"

#: The free-text fields of a reflection, in the order of the form (one list for the whole course).
#: The columns of the ``reflections`` table and the fields of :class:`Reflection` are the same
#: names (tests/test_journal.py checks both); a new field needs a new migration.
TEXT_FIELDS: tuple[str, ...] = REFLECTION_FIELD_NAMES


class JournalError(RuntimeError):
    """The journal cannot be used; the message says why and what to do."""


class JournalCorruptError(JournalError):
    """The file is not a healthy SQLite database. It has not been touched."""


class JournalTooNewError(JournalError):
    """The file was written by a newer version of this course package."""


def journal_path() -> Path:
    """The journal file: $ACTIVERING_JOURNAL, else the user's data directory."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir("activering", appauthor=False)) / "journaal.sqlite"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Choice:
    decision: str
    options: list[str]
    motivation: str
    answered: str


@dataclass
class Reflection:
    """One reflection on a situation from one's own practice, along the five perspectives."""

    title: str
    date: str = field(default_factory=lambda: date.today().isoformat())
    situation: str = ""
    research: str = ""
    client_interest: str = ""
    organisation_interest: str = ""
    professional_view: str = ""
    colleagues: str = ""
    decision: str = ""
    reasoning: str = ""
    next_time: str = ""
    tags: list[str] = field(default_factory=list)
    casussen: list[str] = field(default_factory=list)
    id: int | None = None
    created: str = ""
    updated: str = ""

    def text(self) -> str:
        """All free text of the entry, for search and for the identity check."""
        return "\n".join(getattr(self, name) for name in TEXT_FIELDS)


@dataclass(frozen=True)
class Assessment:
    id: int
    taken: str
    answers: dict[str, int]


@dataclass(frozen=True)
class Entry:
    """One line of the journal listing: a reflection or a casus played."""

    kind: str  # "reflectie" or "casus"
    id: int
    date: str
    title: str
    tags: tuple[str, ...] = ()
    detail: str = ""


def _check_date(value: str) -> str:
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as error:
        raise ValueError(f"ongeldige datum '{value}': gebruik JJJJ-MM-DD") from error


class Journal:
    """A small repository over the SQLite file; each call is one transaction."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else journal_path()
        self.backups: list[Path] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._check_health()
        self._migrate()
        self.fts = self._fts_ready()

    # --- opening ---------------------------------------------------------------------------------
    def _raw_connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def _corrupt(self, reason: str) -> JournalCorruptError:
        return JournalCorruptError(
            f"Het journaalbestand {self.path} is beschadigd of geen journaal ({reason}). "
            "Er is niets aan veranderd en niets overschreven. Bewaar een kopie van het bestand; "
            f"zet daarna een ander pad in ${ENV_VAR} of verplaats het bestand om met een nieuw journaal te beginnen."
        )

    def _check_health(self) -> None:
        """Read-only checks before anything is written; a sick file is reported, never repaired."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with open(self.path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        if header != SQLITE_HEADER:
            raise self._corrupt("het bestand begint niet als een SQLite-database")
        try:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                result = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
                version = db.execute("PRAGMA user_version").fetchone()[0]
            finally:
                db.close()
        except sqlite3.DatabaseError as error:
            raise self._corrupt(str(error)) from error
        if result != ["ok"]:
            raise self._corrupt("; ".join(result[:3]))
        if version > migrations.LATEST:
            raise self._too_new(version)

    def _too_new(self, version: int) -> JournalTooNewError:
        return JournalTooNewError(
            f"Het journaal {self.path} heeft schemaversie {version}; deze versie van de cursus kent "
            f"versie {migrations.LATEST}. Werk het pakket bij (uv sync); het bestand is niet gewijzigd."
        )

    def _migrate(self) -> None:
        db = self._raw_connect()
        try:
            try:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as error:
                raise self._corrupt(str(error)) from error
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                has_casus = db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'casus_runs'"
                ).fetchone()
                if version == 0 and has_casus:
                    version = 1  # written before versioning: the original casus tables are version 1
                if version > migrations.LATEST:
                    raise self._too_new(version)
                pending = [(target, step) for target, step in migrations.MIGRATIONS if target > version]
                if pending and version >= 1:
                    self.backups.append(migrations.make_backup(self.path, version))
                for target, step in pending:
                    step(db)
                    db.execute(f"PRAGMA user_version = {target}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        finally:
            db.close()

    def _fts_ready(self) -> bool:
        try:
            with self._read() as db:
                db.execute("SELECT rowid FROM reflections_fts LIMIT 0").fetchall()
            return True
        except sqlite3.OperationalError:
            return False

    @property
    def schema_version(self) -> int:
        with self._read() as db:
            return db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        db = self._raw_connect()
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock at once (no lost updates under WAL)."""
        db = self._raw_connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    # --- casus runs (the original API; version 1) -------------------------------------------------
    def open_run(self, casus: str) -> int:
        """The unfinished run of this casus to resume, or a new one."""
        with self._connect() as db:
            row = db.execute(
                "SELECT run_id FROM casus_runs WHERE casus = ? AND finished IS NULL ORDER BY run_id DESC LIMIT 1",
                (casus,),
            ).fetchone()
            if row:
                return row[0]
            return db.execute("INSERT INTO casus_runs (casus, started) VALUES (?, ?)", (casus, _now())).lastrowid

    def record_choice(self, run_id: int, decision: str, options: list[str], motivation: str = "") -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO casus_choices (run_id, decision, options, motivation, answered) VALUES (?, ?, ?, ?, ?)",
                (run_id, decision, json.dumps(options), motivation.strip(), _now()),
            )

    def finish_run(self, run_id: int) -> None:
        with self._connect() as db:
            db.execute("UPDATE casus_runs SET finished = ? WHERE run_id = ?", (_now(), run_id))

    def choices(self, run_id: int) -> list[Choice]:
        with self._read() as db:
            rows = db.execute(
                "SELECT decision, options, motivation, answered FROM casus_choices WHERE run_id = ? ORDER BY answered, rowid",
                (run_id,),
            ).fetchall()
        return [
            Choice(decision, json.loads(options), motivation, answered)
            for decision, options, motivation, answered in rows
        ]

    def runs(self, casus: str | None = None) -> list[dict]:
        query = "SELECT run_id, casus, started, finished FROM casus_runs"
        params: tuple = ()
        if casus:
            query, params = query + " WHERE casus = ?", (casus,)
        with self._read() as db:
            rows = db.execute(query + " ORDER BY run_id", params).fetchall()
        return [dict(zip(("run_id", "casus", "started", "finished"), row)) for row in rows]

    # --- reflections -----------------------------------------------------------------------------
    def _index(self, db: sqlite3.Connection, reflection: Reflection) -> None:
        if not self.fts:
            return
        body = reflection.text() + "\n" + " ".join(reflection.tags) + " " + " ".join(reflection.casussen)
        db.execute("DELETE FROM reflections_fts WHERE rowid = ?", (reflection.id,))
        db.execute("INSERT INTO reflections_fts (rowid, body) VALUES (?, ?)", (reflection.id, body))

    def _write_links(self, db: sqlite3.Connection, reflection: Reflection) -> None:
        db.execute("DELETE FROM reflection_tags WHERE reflection_id = ?", (reflection.id,))
        db.execute("DELETE FROM reflection_casussen WHERE reflection_id = ?", (reflection.id,))
        db.executemany(
            "INSERT OR IGNORE INTO reflection_tags (reflection_id, tag) VALUES (?, ?)",
            [(reflection.id, tag.strip().lower()) for tag in reflection.tags if tag.strip()],
        )
        db.executemany(
            "INSERT OR IGNORE INTO reflection_casussen (reflection_id, slug) VALUES (?, ?)",
            [(reflection.id, slug.strip()) for slug in reflection.casussen if slug.strip()],
        )

    def add_reflection(self, reflection: Reflection) -> int:
        """Store a new reflection; returns its id (also set on the object)."""
        if not reflection.title.strip():
            raise ValueError("een reflectie heeft een titel nodig")
        reflection.date = _check_date(reflection.date)
        reflection.created = reflection.updated = _now()
        values = [getattr(reflection, name).strip() for name in TEXT_FIELDS]
        with self._connect() as db:
            reflection.id = db.execute(
                f"INSERT INTO reflections (date, {', '.join(TEXT_FIELDS)}, created, updated) "
                f"VALUES (?, {', '.join('?' for _ in TEXT_FIELDS)}, ?, ?)",
                (reflection.date, *values, reflection.created, reflection.updated),
            ).lastrowid
            self._write_links(db, reflection)
            self._index(db, reflection)
        return reflection.id

    def update_reflection(self, reflection: Reflection) -> None:
        """Save changed fields of an existing reflection (by its id)."""
        if reflection.id is None:
            raise ValueError("deze reflectie is nog niet bewaard")
        reflection.date = _check_date(reflection.date)
        reflection.updated = _now()
        values = [getattr(reflection, name).strip() for name in TEXT_FIELDS]
        with self._connect() as db:
            changed = db.execute(
                f"UPDATE reflections SET date = ?, {', '.join(f'{name} = ?' for name in TEXT_FIELDS)}, updated = ? WHERE id = ?",
                (reflection.date, *values, reflection.updated, reflection.id),
            ).rowcount
            if not changed:
                raise KeyError(f"geen reflectie met nummer {reflection.id}")
            self._write_links(db, reflection)
            self._index(db, reflection)

    def delete_reflection(self, reflection_id: int) -> None:
        with self._connect() as db:
            if not db.execute("DELETE FROM reflections WHERE id = ?", (reflection_id,)).rowcount:
                raise KeyError(f"geen reflectie met nummer {reflection_id}")
            if self.fts:
                db.execute("DELETE FROM reflections_fts WHERE rowid = ?", (reflection_id,))

    def _rows_to_reflections(self, db: sqlite3.Connection, rows: Iterable[tuple]) -> list[Reflection]:
        result = []
        columns = ("id", "date", *TEXT_FIELDS, "created", "updated")
        for row in rows:
            item = Reflection(**dict(zip(columns, row)))
            item.tags = [
                t
                for (t,) in db.execute(
                    "SELECT tag FROM reflection_tags WHERE reflection_id = ? ORDER BY tag", (item.id,)
                )
            ]
            item.casussen = [
                s
                for (s,) in db.execute(
                    "SELECT slug FROM reflection_casussen WHERE reflection_id = ? ORDER BY slug", (item.id,)
                )
            ]
            result.append(item)
        return result

    _SELECT = f"SELECT id, date, {', '.join(TEXT_FIELDS)}, created, updated FROM reflections"

    def reflection(self, reflection_id: int) -> Reflection:
        with self._read() as db:
            found = self._rows_to_reflections(
                db, db.execute(self._SELECT + " WHERE id = ?", (reflection_id,)).fetchall()
            )
        if not found:
            raise KeyError(f"geen reflectie met nummer {reflection_id}")
        return found[0]

    def reflections(self, start: str | None = None, end: str | None = None, tag: str | None = None) -> list[Reflection]:
        """Reflections in date order, optionally within [start, end] and with one theme tag."""
        query, params = self._SELECT + " WHERE 1 = 1", []
        if start:
            query, params = query + " AND date >= ?", [*params, _check_date(start)]
        if end:
            query, params = query + " AND date <= ?", [*params, _check_date(end)]
        if tag:
            query += " AND id IN (SELECT reflection_id FROM reflection_tags WHERE tag = ?)"
            params.append(tag.strip().lower())
        with self._read() as db:
            return self._rows_to_reflections(db, db.execute(query + " ORDER BY date, id", params).fetchall())

    def search(self, terms: str) -> list[Reflection]:
        """Reflections containing every word of ``terms`` (prefix match; accents ignored with FTS5)."""
        words = re.findall(r"\w+", terms.lower())
        if not words:
            return []
        with self._read() as db:
            if self.fts:
                match = " ".join(f'"{word}"*' for word in words)
                ids = [
                    r
                    for (r,) in db.execute(
                        "SELECT rowid FROM reflections_fts WHERE reflections_fts MATCH ? ORDER BY rank", (match,)
                    )
                ]
            else:
                body = " || ' ' || ".join(("date", *TEXT_FIELDS))
                tags = "COALESCE((SELECT group_concat(tag, ' ') FROM reflection_tags WHERE reflection_id = id), '')"
                condition = " AND ".join(f"lower({body} || ' ' || {tags}) LIKE ?" for _ in words)
                ids = [
                    r
                    for (r,) in db.execute(
                        f"SELECT id FROM reflections WHERE {condition} ORDER BY date", [f"%{w}%" for w in words]
                    )
                ]
            by_id = (
                {
                    r.id: r
                    for r in self._rows_to_reflections(
                        db, db.execute(self._SELECT + f" WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()
                    )
                }
                if ids
                else {}
            )
        return [by_id[i] for i in ids if i in by_id]

    # --- self-assessments ------------------------------------------------------------------------
    def add_assessment(self, answers: dict[str, int], taken: str | None = None) -> int:
        clean = {str(key): int(value) for key, value in answers.items()}
        if any(not 1 <= value <= 5 for value in clean.values()):
            raise ValueError("antwoorden lopen van 1 tot en met 5")
        with self._connect() as db:
            return db.execute(
                "INSERT INTO self_assessments (taken, answers) VALUES (?, ?)",
                (taken or _now(), json.dumps(clean, sort_keys=True)),
            ).lastrowid

    def assessments(self, start: str | None = None, end: str | None = None) -> list[Assessment]:
        with self._read() as db:
            rows = db.execute("SELECT id, taken, answers FROM self_assessments ORDER BY taken, id").fetchall()
        result = [Assessment(i, taken, json.loads(answers)) for i, taken, answers in rows]
        if start:
            result = [a for a in result if a.taken[:10] >= _check_date(start)]
        if end:
            result = [a for a in result if a.taken[:10] <= _check_date(end)]
        return result

    def delete_assessment(self, assessment_id: int) -> None:
        with self._connect() as db:
            if not db.execute("DELETE FROM self_assessments WHERE id = ?", (assessment_id,)).rowcount:
                raise KeyError(f"geen zelfevaluatie met nummer {assessment_id}")

    # --- the one listing ---------------------------------------------------------------------------
    def entries(self, start: str | None = None, end: str | None = None) -> list[Entry]:
        """Reflections and casus runs together, in date order: the journal as the user sees it."""
        items = [
            Entry(
                "reflectie",
                r.id,
                r.date,
                r.title,
                tuple(r.tags),
                f"{len(r.casussen)} gekoppelde casus(sen)" if r.casussen else "",
            )
            for r in self.reflections(start, end)
        ]
        with self._read() as db:
            rows = db.execute(
                "SELECT r.run_id, r.casus, r.started, r.finished, COUNT(c.decision) FROM casus_runs r "
                "LEFT JOIN casus_choices c ON c.run_id = r.run_id GROUP BY r.run_id ORDER BY r.started"
            ).fetchall()
        for run_id, slug, started, finished, count in rows:
            day = started[:10]
            if (start and day < _check_date(start)) or (end and day > _check_date(end)):
                continue
            state = "afgerond" if finished else "nog bezig"
            items.append(Entry("casus", run_id, day, slug, (), f"{count} keuze(s), {state}"))
        return sorted(items, key=lambda entry: (entry.date, entry.kind, entry.id))
