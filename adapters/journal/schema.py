"""The SQLite journal's schema: its version, the forward migrations and the key columns taken from a payload."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

#: The version this code writes; a file at a lower version is migrated forward when opened.
SCHEMA_VERSION = 2

#: The kind of an order about to be sent: committed with ``synchronous=FULL`` before ``record`` returns.
ORDER_INTENT = "order_intent"

#: Journal kinds and the view that shows each (``SELECT * FROM fills``); any other kind is kept too.
KIND_VIEWS: dict[str, str] = {
    "signal": "signals",
    "risk": "risk_events",
    "order_intent": "order_intents",
    "order": "orders",
    "fill": "fills",
    "round_trip": "round_trips",
    "position": "position_reports",
    "alert": "alerts",
    "catastrophe": "catastrophes",
    "rearm": "rearms",
    "connection": "connections",
}

# Where each key column is found in a payload (plain data), first match wins; SQL and Python read the same paths.
KEY_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "client_order_id": (("client_order_id",), ("event", "order", "intent", "client_ref"),
                        ("intent", "client_ref"), ("event", "intent", "client_ref")),
    "order_id": (("event", "order", "order_id"), ("event", "fill", "order_id"), ("order_id",)),
    "exec_id": (("event", "fill", "fill_id"), ("exec_id",)),
}

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX entries_ts ON entries (ts);
CREATE INDEX entries_kind ON entries (kind, ts);
INSERT INTO meta VALUES ('schema_version', '1');
"""


def _extract_sql(column: str) -> str:
    paths = ", ".join(f"json_extract(payload, '$.{'.'.join(p)}')" for p in KEY_PATHS[column])
    return f"coalesce({paths}, '')"


def _v2() -> str:
    views = "\n".join(
        f"CREATE VIEW {view} AS SELECT id, ts, client_order_id, order_id, exec_id, payload FROM entries "
        f"WHERE kind = '{kind}';"
        for kind, view in KIND_VIEWS.items()
    )
    return f"""
ALTER TABLE entries ADD COLUMN client_order_id TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN order_id TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN exec_id TEXT NOT NULL DEFAULT '';
UPDATE entries SET client_order_id = {_extract_sql("client_order_id")}, order_id = {_extract_sql("order_id")},
    exec_id = {_extract_sql("exec_id")};
CREATE INDEX entries_client_order_id ON entries (client_order_id);
CREATE INDEX entries_order_id ON entries (order_id);
CREATE INDEX entries_exec_id ON entries (exec_id);
CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
{views}
"""


#: ``MIGRATIONS[v]`` takes a file from version ``v`` to ``v + 1`` (``MIGRATIONS[0]`` creates version 1).
MIGRATIONS: tuple[str, ...] = (_V1, _v2())


def schema_version(con: sqlite3.Connection) -> int:
    """The file's schema version (0 for a new, empty file)."""
    found = con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if found is None:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: sqlite3.Connection, where: str, target: int = SCHEMA_VERSION) -> int:
    """Bring the file forward to ``target``, each step in its own transaction; returns the version found.

    A file newer than this code is refused (a ValueError naming ``where``): an older
    MIA must not write into a schema it does not know.
    """
    found = schema_version(con)
    if found > SCHEMA_VERSION:
        raise ValueError(f"{where}: journal schema version {found} is newer than this MIA's ({SCHEMA_VERSION})")
    for version in range(found, target):
        con.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[version]):
                con.execute(statement)
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version + 1),))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return found


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


def key_columns(payload: Mapping[str, Any]) -> tuple[str, str, str]:
    """(client order id, order id, exec id) of a plain payload, as the schema's columns hold them ('' if none)."""
    return _find(payload, "client_order_id"), _find(payload, "order_id"), _find(payload, "exec_id")


def _find(payload: Mapping[str, Any], column: str) -> str:
    for path in KEY_PATHS[column]:
        value: Any = payload
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is not None:
            return str(value)
    return ""
