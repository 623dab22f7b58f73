"""Move one student's autograde result from a worker's gradebook copy into the real gradebook.

A grading worker runs nbgrader's own ``Autograde`` against a private copy of the gradebook.
What nbgrader wrote there for the student — the submission, its notebooks, grades and
comments, exactly as nbgrader stored them — is read as plain rows and, in the main process,
put in place of the student's previous rows in one SQLite transaction. The real gradebook
therefore ends up byte-for-byte as if nbgrader had graded the student on it, while only the
main process ever writes to it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

# Tables nbgrader's Autograde writes for one student, parents first.
TABLES = ("submitted_assignment", "submitted_notebook", "grade", "comment")

Rows = dict[str, tuple[list[str], list[tuple]]]  # table (and "student") -> (column names, rows)


def _connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db, timeout=60, isolation_level=None)


def _select(con: sqlite3.Connection, sql: str, params: tuple) -> tuple[list[str], list[tuple]]:
    cursor = con.execute(sql, params)
    return [d[0] for d in cursor.description], cursor.fetchall()


def _where(table: str) -> str:
    """The rows of ``table`` that belong to (student_id, assignment name)."""
    submission = ("SELECT sa.id FROM submitted_assignment sa JOIN assignment a ON sa.assignment_id = a.id "
                  "WHERE sa.student_id = ? AND a.name = ?")
    if table == "submitted_assignment":
        return f"id IN ({submission})"
    notebooks = f"SELECT id FROM submitted_notebook WHERE assignment_id IN ({submission})"
    if table == "submitted_notebook":
        return f"id IN ({notebooks})"
    return f"notebook_id IN ({notebooks})"


def read_rows(db: Path, assignment: str, student: str) -> Rows:
    """The student's row and all autograde rows of one submission, as nbgrader stored them."""
    with closing(_connect(db)) as con:
        rows = {table: _select(con, f"SELECT * FROM {table} WHERE {_where(table)}", (student, assignment))
                for table in TABLES}
        rows["student"] = _select(con, "SELECT * FROM student WHERE id = ?", (student,))
    return rows


def replace_rows(db: Path, assignment: str, student: str, rows: Rows) -> None:
    """Replace the student's submission rows in ``db`` by ``rows``, atomically."""
    with closing(_connect(db)) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            for table in reversed(TABLES):  # children first
                con.execute(f"DELETE FROM {table} WHERE {_where(table)}", (student, assignment))
            _insert(con, "student", *rows["student"], keep_existing=True)
            for table in TABLES:
                _insert(con, table, *rows[table])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def _insert(con: sqlite3.Connection, table: str, columns: list[str], values: list[tuple],
            keep_existing: bool = False) -> None:
    if not values:
        return
    verb = "INSERT OR IGNORE" if keep_existing else "INSERT"
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"{verb} INTO {table} ({names}) VALUES ({marks})", values)
