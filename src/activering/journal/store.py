"""SQLite storage for casus choices (and, later, reflections)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from platformdirs import user_data_dir

ENV_VAR = "ACTIVERING_JOURNAL"

SCHEMA = """
CREATE TABLE IF NOT EXISTS casus_runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    casus TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT
);
CREATE TABLE IF NOT EXISTS casus_choices (
    run_id INTEGER NOT NULL REFERENCES casus_runs(run_id) ON DELETE CASCADE,
    decision TEXT NOT NULL,
    options TEXT NOT NULL,          -- JSON list of chosen option ids
    motivation TEXT NOT NULL DEFAULT '',
    answered TEXT NOT NULL,
    PRIMARY KEY (run_id, decision)
);
"""


def journal_path() -> Path:
    """The journal file: $ACTIVERING_JOURNAL, else the user's data directory."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir("activering", appauthor=False)) / "journaal.sqlite"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Choice:
    decision: str
    options: list[str]
    motivation: str
    answered: str


class Journal:
    """A small repository over the SQLite file; each call is one transaction."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or journal_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA foreign_keys = ON")
        try:
            with db:
                yield db
        finally:
            db.close()

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
        with self._connect() as db:
            rows = db.execute(
                "SELECT decision, options, motivation, answered FROM casus_choices WHERE run_id = ? ORDER BY answered, rowid",
                (run_id,),
            ).fetchall()
        return [Choice(decision, json.loads(options), motivation, answered) for decision, options, motivation, answered in rows]

    def runs(self, casus: str | None = None) -> list[dict]:
        query = "SELECT run_id, casus, started, finished FROM casus_runs"
        params: tuple = ()
        if casus:
            query, params = query + " WHERE casus = ?", (casus,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY run_id", params).fetchall()
        return [dict(zip(("run_id", "casus", "started", "finished"), row)) for row in rows]
