"""Opening a journal file: the backend follows the name (``.sqlite``/``.sqlite3``/``.db`` SQLite, else JSON lines)."""

from __future__ import annotations

from pathlib import Path

from adapters.journal.jsonl import JsonLinesJournal
from adapters.journal.sqlite import SqliteJournal

SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def is_sqlite(path: str | Path) -> bool:
    """True when ``path`` names an SQLite journal (by its suffix)."""
    return Path(path).suffix.lower() in SQLITE_SUFFIXES


def open_journal(path: str | Path, *, batch_entries: int = 1, batch_ms: float = 0.0) -> SqliteJournal | JsonLinesJournal:
    """The journal at ``path``: SQLite for ``.sqlite``/``.sqlite3``/``.db``, JSON lines for any other name.

    ``batch_entries``/``batch_ms`` batch an SQLite journal's commits (order intents are
    always committed at once); a JSON-lines journal fsyncs every entry.
    """
    if is_sqlite(path):
        return SqliteJournal(path, batch_entries=batch_entries, batch_ms=batch_ms)
    return JsonLinesJournal(path)


def read_journal(path: str | Path) -> SqliteJournal | JsonLinesJournal:
    """An existing journal file, to read; FileNotFoundError naming ``path`` when there is none."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"no journal at {path}")
    return open_journal(path)
