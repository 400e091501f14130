"""The SQLite journal: same entries as the JSON-lines one, WAL, durability by kind, reads for recovery."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from adapters.journal.jsonl import JsonLinesJournal, MemoryJournal
from adapters.journal.schema import SCHEMA_VERSION
from adapters.journal.sqlite import SqliteJournal
from mia_core.events import FillReceived, OrderUpdated
from mia_core.instruments import instrument_for
from mia_core.journal import JournalEntry
from mia_core.orders import Fill, Order, OrderIntent, OrderSide, OrderStatus
from ports.journal import Journal

ES = instrument_for("ES")


def order_entry(ts: int, order_id: str, ref: str, status: OrderStatus = OrderStatus.WORKING) -> JournalEntry:
    order = Order(order_id, OrderIntent(ES, OrderSide.BUY, 1, client_ref=ref), status)
    return JournalEntry(ts, "order", {"event": OrderUpdated(ts, order)})


def fill_entry(ts: int, order_id: str, exec_id: str) -> JournalEntry:
    return JournalEntry(ts, "fill", {"event": FillReceived(ts, Fill(order_id, ES, OrderSide.BUY, 1, 5000.0, ts,
                                                                    fill_id=exec_id))})


def sample() -> list[JournalEntry]:
    intent = OrderIntent(ES, OrderSide.BUY, 1, client_ref="sys-a-1")
    return [
        JournalEntry(1, "order_intent", {"client_order_id": "sys-a-1", "intent": intent}),
        order_entry(2, "7", "sys-a-1"),
        fill_entry(3, "7", "0001.01"),
        JournalEntry(4, "alert", {"level": "warning", "message": "slow fill"}),
    ]


def test_it_implements_the_journal_port_and_reads_back_what_jsonl_reads(tmp_path: Path) -> None:
    sqlite_journal, jsonl = SqliteJournal(tmp_path / "j.sqlite"), JsonLinesJournal(tmp_path / "j.jsonl")
    assert isinstance(sqlite_journal, Journal) and isinstance(MemoryJournal(), Journal)
    for entry in sample():
        sqlite_journal.record(entry)
        jsonl.record(entry)
    assert list(sqlite_journal.entries()) == list(jsonl.entries())
    assert [e.ts for e in sqlite_journal.entries("fill")] == [3]
    assert [e.ts for e in sqlite_journal.entries(since_ns=3)] == [3, 4]
    sqlite_journal.close()
    reopened = SqliteJournal(tmp_path / "j.sqlite")
    assert list(reopened.entries()) == list(jsonl.entries())
    assert reopened.schema_version == SCHEMA_VERSION and reopened.integrity_problems() == []


def test_the_file_is_in_wal_mode_and_key_columns_are_indexed(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = SqliteJournal(path)
    journal.record_many(sample())
    journal.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    indexed = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"entries_ts", "entries_kind", "entries_client_order_id", "entries_order_id", "entries_exec_id"} <= indexed
    rows = con.execute("SELECT kind, client_order_id, order_id, exec_id FROM entries ORDER BY id").fetchall()
    assert rows[:3] == [("order_intent", "sys-a-1", "", ""), ("order", "sys-a-1", "7", ""),
                        ("fill", "", "7", "0001.01")]
    assert con.execute("SELECT count(*) FROM fills").fetchone()[0] == 1  # one view per kind
    con.close()


def test_an_order_intent_is_committed_before_record_returns_other_kinds_wait_for_their_batch(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = SqliteJournal(path, batch_entries=100)
    other = sqlite3.connect(path)  # another process's view: only committed rows

    def committed() -> list[str]:
        return [row[0] for row in other.execute("SELECT kind FROM entries ORDER BY id")]

    journal.record(JournalEntry(1, "signal", {"n": 1}))
    assert committed() == []
    journal.record(JournalEntry(2, "order_intent", {"client_order_id": "a-1"}))
    assert committed() == ["signal", "order_intent"]  # the intent takes what was pending with it
    journal.record(JournalEntry(3, "alert", {"message": "x"}))
    assert committed() == ["signal", "order_intent"]
    journal.close()
    assert committed() == ["signal", "order_intent", "alert"]
    other.close()


def test_the_session_default_commits_every_entry(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = SqliteJournal(path)
    journal.record(JournalEntry(1, "signal", {"n": 1}))
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM entries").fetchone()[0] == 1
    other.close()
    journal.close()


def test_reads_for_recovery(tmp_path: Path) -> None:
    journal = SqliteJournal(tmp_path / "j.sqlite", batch_entries=50)
    journal.record_many(sample())
    journal.record(fill_entry(5, "8", "0001.02"))
    assert [e.kind for e in journal.for_client_order_id("sys-a-1")] == ["order_intent", "order"]
    assert journal.exec_ids() == {"0001.01", "0001.02"}
    assert [journal.next_sequence("ids"), journal.next_sequence("ids"), journal.next_sequence("other")] == [1, 2, 1]
    journal.close()
    assert SqliteJournal(tmp_path / "j.sqlite").next_sequence("ids") == 3


def test_a_newer_schema_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    SqliteJournal(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(ValueError, match=r"j\.sqlite: journal schema version 99 is newer"):
        SqliteJournal(path)


def test_a_file_that_is_no_journal_is_refused_with_its_name_and_close_twice_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not an SQLite database, not at all" * 100)
    with pytest.raises(ValueError, match=r"garbage\.sqlite: not a readable SQLite journal"):
        SqliteJournal(path)
    journal = SqliteJournal(tmp_path / "j.sqlite")
    journal.record(JournalEntry(1, "signal", {"n": 1}))
    journal.close()
    journal.close()
