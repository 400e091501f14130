"""A journal written at schema version 1 is migrated forward when opened, its entries and key columns intact."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from adapters.journal.jsonl import to_plain
from adapters.journal.schema import MIGRATIONS, SCHEMA_VERSION, key_columns
from adapters.journal.sqlite import SqliteJournal

from .test_sqlite_journal import sample


def write_version_1(path: Path) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    con.executescript(MIGRATIONS[0])
    for entry in sample():
        con.execute("INSERT INTO entries (ts, kind, payload) VALUES (?, ?, ?)",
                    (entry.ts, entry.kind, json.dumps(to_plain(entry.payload))))
    con.close()


def test_a_version_1_file_is_migrated_and_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    write_version_1(path)
    journal = SqliteJournal(path)
    assert journal.migrated_from == 1 and journal.schema_version == SCHEMA_VERSION
    assert [(e.ts, e.kind) for e in journal.entries()] == [(e.ts, e.kind) for e in sample()]
    assert [e.kind for e in journal.for_client_order_id("sys-a-1")] == ["order_intent", "order"]
    assert journal.exec_ids() == {"0001.01"}
    journal.close()
    con = sqlite3.connect(path)
    migrated = con.execute("SELECT client_order_id, order_id, exec_id FROM entries ORDER BY id").fetchall()
    con.close()
    assert migrated == [key_columns(to_plain(e.payload)) for e in sample()]  # SQL and Python read the same paths


def test_a_new_file_is_created_at_the_current_version(tmp_path: Path) -> None:
    journal = SqliteJournal(tmp_path / "new.sqlite")
    assert journal.migrated_from == 0 and journal.schema_version == SCHEMA_VERSION
    journal.close()
