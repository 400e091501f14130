"""A JSON-lines journal after a crash mid-write: the torn last line never swallows the next record."""

from __future__ import annotations

from pathlib import Path

from adapters.journal.jsonl import JsonLinesJournal
from mia_core.journal import JournalEntry


def test_a_record_after_a_torn_line_starts_on_a_new_line(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = JsonLinesJournal(path)
    journal.record(JournalEntry(1, "alert", {"message": "before"}))
    with path.open("ab") as handle:  # the process died half way through the next line
        handle.write(b'{"ts": 2, "kind": "alert", "payload": {"mess')
    journal.record(JournalEntry(3, "alert", {"message": "after"}))
    journal.record(JournalEntry(4, "alert", {"message": "later"}))
    assert [e.payload["message"] for e in JsonLinesJournal(path).entries()] == ["before", "after", "later"]


def test_a_torn_utf8_character_is_skipped_too(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_bytes('{"ts": 1, "kind": "alert", "payload": {"message": "\u00e9'.encode()[:-1])
    JsonLinesJournal(path).record(JournalEntry(2, "alert", {"message": "after"}))
    assert [e.payload["message"] for e in JsonLinesJournal(path).entries()] == ["after"]


def test_since_ns_keeps_later_entries(tmp_path: Path) -> None:
    journal = JsonLinesJournal(tmp_path / "j.jsonl")
    for ts in (1, 2, 3):
        journal.record(JournalEntry(ts, "signal", {"n": ts}))
    assert [e.ts for e in journal.entries(since_ns=2)] == [2, 3]
    assert [e.ts for e in journal.entries("signal", since_ns=3)] == [3]
