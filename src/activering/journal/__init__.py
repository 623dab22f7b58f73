"""The local journal: one SQLite file on the user's own machine.

Casus choices land here, and the self-study reflection journal shares the same store, so a student
can resume a casus and a klantmanager can reflect on it later. Nothing leaves the machine.
"""

from activering.journal.store import (
    Assessment,
    Entry,
    Journal,
    JournalCorruptError,
    JournalError,
    JournalTooNewError,
    Reflection,
    journal_path,
)

__all__ = [
    "Assessment",
    "Entry",
    "Journal",
    "JournalCorruptError",
    "JournalError",
    "JournalTooNewError",
    "Reflection",
    "journal_path",
]
