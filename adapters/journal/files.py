"""Opening a journal file: the backend follows the name (``.sqlite``/``.sqlite3``/``.db`` SQLite, else JSON lines)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from adapters.journal.jsonl import JsonLinesJournal
from adapters.journal.sqlite import SqliteJournal
from mia_core.journal import JournalEntry

SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def is_sqlite(path: str | Path) -> bool:
    """True when ``path`` names an SQLite journal (by its suffix)."""
    return Path(path).suffix.lower() in SQLITE_SUFFIXES


FileJournal = SqliteJournal | JsonLinesJournal


def open_journal(path: str | Path, *, batch_entries: int = 1, batch_ms: float = 0.0) -> FileJournal:
    """The journal at ``path``: SQLite for ``.sqlite``/``.sqlite3``/``.db``, JSON lines for any other name.

    ``batch_entries``/``batch_ms`` batch an SQLite journal's commits (order intents are
    always committed at once); a JSON-lines journal fsyncs every entry.
    """
    if is_sqlite(path):
        return SqliteJournal(path, batch_entries=batch_entries, batch_ms=batch_ms)
    return JsonLinesJournal(path)


def read_journal(path: str | Path) -> FileJournal:
    """An existing journal file, to read; FileNotFoundError naming ``path`` when there is none."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"no journal at {path}")
    return open_journal(path)


def write_journal(entries: Iterable[JournalEntry], path: str | Path, batch_entries: int = 5000) -> int:
    """Write ``entries`` (a backtest's journal) to the file at ``path``, in batches; returns how many."""
    journal = open_journal(path, batch_entries=batch_entries)
    count = 0
    try:
        for entry in entries:
            journal.record(entry)
            count += 1
    finally:
        journal.close()
    return count
