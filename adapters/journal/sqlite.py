"""The journal in an SQLite file (WAL): order intents durable before ``record`` returns, other kinds batched."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from adapters.journal.jsonl import to_plain
from adapters.journal.schema import ORDER_INTENT, key_columns, migrate, schema_version
from mia_core.journal import JournalEntry

_INSERT = "INSERT INTO entries (ts, kind, client_order_id, order_id, exec_id, payload) VALUES (?, ?, ?, ?, ?, ?)"
_Row = tuple[int, str, str, str, str, str]


class SqliteJournal:
    """Implements the Journal port on one SQLite file (schema: adapters/journal/schema.py, docs/journal.md).

    Durability, per entry kind:

    - a kind in ``full_kinds`` (by default only ``order_intent``, an order about to be
      sent) is committed, with everything pending before it, under ``synchronous=FULL``
      before ``record`` returns: it survives a crash of the process and a power loss;
    - any other kind is committed under ``synchronous=NORMAL`` once ``batch_entries``
      entries are pending or the oldest pending one is ``batch_ms`` old (checked at each
      ``record``), and at ``flush``, ``close`` and before any read. With the session
      default ``batch_entries=1`` every entry is committed before ``record`` returns
      (it survives the process being killed; a power loss may take the last ones);
      a backtest writes in batches of thousands.

    The read API for recovery is ``entries(kind, since_ns)``, ``for_client_order_id``,
    ``exec_ids`` and ``next_sequence``; all of them see pending entries too.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        batch_entries: int = 1,
        batch_ms: float = 0.0,
        full_kinds: Iterable[str] = (ORDER_INTENT,),
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.batch_entries = max(1, batch_entries)
        self.batch_ms = batch_ms
        self.full_kinds = frozenset(full_kinds)
        self._pending: list[_Row] = []
        self._oldest = 0.0
        self._closed = False
        self._con = sqlite3.connect(self.path, isolation_level=None)
        try:
            self._con.execute("PRAGMA journal_mode=WAL")
            self._con.execute("PRAGMA synchronous=NORMAL")
            self.migrated_from = migrate(self._con, str(self.path))
        except sqlite3.DatabaseError as exc:  # not an SQLite file, or a damaged one
            self._con.close()
            raise ValueError(f"{self.path}: not a readable SQLite journal ({exc})") from exc
        except ValueError:
            self._con.close()
            raise

    # --- writing ------------------------------------------------------------------------

    def record(self, entry: JournalEntry) -> None:
        """Append ``entry``: committed at once if its kind is in ``full_kinds`` (FULL sync), else batched."""
        plain = to_plain(entry.payload)
        client_order_id, order_id, exec_id = key_columns(plain)
        if not self._pending:
            self._oldest = time.monotonic()
        text = json.dumps(plain, default=str, separators=(",", ":"))
        self._pending.append((entry.ts, entry.kind, client_order_id, order_id, exec_id, text))
        if entry.kind in self.full_kinds:
            self._commit(full=True)
        elif len(self._pending) >= self.batch_entries or (
            self.batch_ms and (time.monotonic() - self._oldest) * 1000 >= self.batch_ms
        ):
            self._commit(full=False)

    def record_many(self, entries: Iterable[JournalEntry]) -> None:
        """``record`` each entry (batched as configured)."""
        for entry in entries:
            self.record(entry)

    def flush(self) -> None:
        """Commit what is pending (``synchronous=NORMAL``)."""
        if self._pending:
            self._commit(full=False)

    def _commit(self, full: bool) -> None:
        con = self._con
        if full:
            con.execute("PRAGMA synchronous=FULL")
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.executemany(_INSERT, self._pending)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            if full:
                con.execute("PRAGMA synchronous=NORMAL")
        self._pending.clear()

    def next_sequence(self, name: str) -> int:
        """The next value of the counter ``name`` (1, 2, ...), kept in the file across restarts."""
        self.flush()
        con = self._con
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("INSERT INTO sequences (name, value) VALUES (?, 1) "
                        "ON CONFLICT (name) DO UPDATE SET value = value + 1", (name,))
            (value,) = con.execute("SELECT value FROM sequences WHERE name = ?", (name,)).fetchone()
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return int(value)

    def close(self) -> None:
        """Commit what is pending and close the file (a second call does nothing)."""
        if self._closed:
            return
        try:
            self.flush()
        finally:
            self._closed = True
            self._con.close()

    def __enter__(self) -> SqliteJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading ------------------------------------------------------------------------

    def entries(self, kind: str | None = None, since_ns: int | None = None) -> Iterator[JournalEntry]:
        """Entries in recording order (payloads as plain data), of ``kind`` and at or after ``since_ns`` if given."""
        where, args = [], []
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if since_ns is not None:
            where.append("ts >= ?")
            args.append(since_ns)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return self._select(f"SELECT ts, kind, payload FROM entries{clause} ORDER BY id", args)

    def for_client_order_id(self, client_order_id: str) -> list[JournalEntry]:
        """Every entry about the order with this client order id (its intent, its updates), in order."""
        sql = "SELECT ts, kind, payload FROM entries WHERE client_order_id = ? ORDER BY id"
        return list(self._select(sql, [client_order_id]))

    def exec_ids(self) -> set[str]:
        """The execution ids of every fill journaled (to book none twice after a restart)."""
        self.flush()
        rows = self._con.execute("SELECT DISTINCT exec_id FROM entries WHERE kind = 'fill' AND exec_id != ''")
        return {str(row[0]) for row in rows}

    @property
    def schema_version(self) -> int:
        """The file's schema version."""
        return schema_version(self._con)

    def integrity_problems(self) -> list[str]:
        """What ``PRAGMA integrity_check`` reports (empty when the file is sound)."""
        rows = [str(r[0]) for r in self._con.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    def _select(self, sql: str, args: list[Any]) -> Iterator[JournalEntry]:
        self.flush()
        rows = self._con.execute(sql, args).fetchall()
        return (JournalEntry(ts=ts, kind=kind, payload=json.loads(payload)) for ts, kind, payload in rows)
