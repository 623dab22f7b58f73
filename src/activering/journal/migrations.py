"""Versioned schema of the journal: ordered migrations, a backup before each one.

The schema version lives in ``PRAGMA user_version``. Version 1 is the original casus store
(``casus_runs`` and ``casus_choices``); a file written before versioning existed has user_version 0
but already holds those tables, so it counts as version 1. Every later change is a function appended
to :data:`MIGRATIONS`; never edit a migration that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path


def fts5_available() -> bool:
    """Whether this SQLite build has the FTS5 full-text module."""
    try:
        probe = sqlite3.connect(":memory:")
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(body)")
        probe.close()
        return True
    except sqlite3.OperationalError:
        return False


def _v1_casus(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE IF NOT EXISTS casus_runs (
            run_id INTEGER PRIMARY KEY AUTOINCREMENT,
            casus TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS casus_choices (
            run_id INTEGER NOT NULL REFERENCES casus_runs(run_id) ON DELETE CASCADE,
            decision TEXT NOT NULL,
            options TEXT NOT NULL,          -- JSON list of chosen option ids
            motivation TEXT NOT NULL DEFAULT '',
            answered TEXT NOT NULL,
            PRIMARY KEY (run_id, decision)
        )"""
    )


def _v2_reflections(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE reflections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            date TEXT NOT NULL,                 -- the day the situation happened (ISO date)
            title TEXT NOT NULL,
            situation TEXT NOT NULL DEFAULT '',
            research TEXT NOT NULL DEFAULT '',
            client_interest TEXT NOT NULL DEFAULT '',
            organisation_interest TEXT NOT NULL DEFAULT '',
            professional_view TEXT NOT NULL DEFAULT '',
            colleagues TEXT NOT NULL DEFAULT '',
            decision TEXT NOT NULL DEFAULT '',
            reasoning TEXT NOT NULL DEFAULT '',
            next_time TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE reflection_tags (
            reflection_id INTEGER NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (reflection_id, tag)
        )"""
    )
    db.execute(
        """CREATE TABLE reflection_casussen (
            reflection_id INTEGER NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
            slug TEXT NOT NULL,
            PRIMARY KEY (reflection_id, slug)
        )"""
    )
    db.execute("CREATE INDEX reflections_by_date ON reflections(date)")
    if fts5_available():
        # Kept up to date by the Journal (not by triggers), so a Python without FTS5 can still write.
        db.execute("CREATE VIRTUAL TABLE reflections_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")


def _v3_self_assessments(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE self_assessments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            taken TEXT NOT NULL,                -- ISO timestamp
            answers TEXT NOT NULL               -- JSON object: item id -> answer 1..5
        )"""
    )


#: (version after the step, step). Applied in order inside one write transaction.
MIGRATIONS: list[tuple[int, Callable[[sqlite3.Connection], None]]] = [
    (1, _v1_casus),
    (2, _v2_reflections),
    (3, _v3_self_assessments),
]
LATEST = MIGRATIONS[-1][0]


def backup_path(path: Path, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return path.with_name(f"{path.stem}.v{version}-{stamp}.bak{path.suffix}")


def make_backup(path: Path, version: int) -> Path:
    """Copy the journal with SQLite's online backup (consistent even with a WAL file next to it)."""
    target = backup_path(path, version)
    source = sqlite3.connect(path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target
