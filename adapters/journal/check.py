"""``mia journal check``: what a journal must satisfy (file integrity, schema, every fill and order accounted for)."""

from __future__ import annotations

from collections import Counter

from adapters.journal.schema import ORDER_INTENT, SCHEMA_VERSION
from adapters.journal.sqlite import SqliteJournal
from adapters.journal.views import Plain


def entry_problems(entries: list[Plain]) -> list[str]:
    """Fills without an order, orders without their intent, client order ids intended twice, fills booked twice.

    An order is expected to have an ``order_intent`` entry only when it carries a client
    order id (backtests and bracket legs carry none).
    """
    problems: list[str] = []
    order_ids = {e["order_id"] for e in entries if e["kind"] == "order"}
    for e in entries:
        if e["kind"] == "fill" and e["order_id"] not in order_ids:
            problems.append(f"fill {e['exec_id'] or '(no exec id)'} (entry {e['seq']}) of order {e['order_id']!r}: "
                            "no order entry")
    intents = Counter(e["client_order_id"] for e in entries if e["kind"] == ORDER_INTENT and e["client_order_id"])
    orphans = sorted({e["client_order_id"] for e in entries
                      if e["kind"] == "order" and e["client_order_id"] and e["client_order_id"] not in intents})
    problems += [f"order with client order id {cid!r}: no order_intent entry (sent without being journaled first)"
                 for cid in orphans]
    problems += [f"client order id {cid!r} intended {n} times" for cid, n in sorted(intents.items()) if n > 1]
    booked = Counter(e["exec_id"] for e in entries if e["kind"] == "fill" and e["exec_id"])
    problems += [f"fill {exec_id!r} booked {n} times" for exec_id, n in sorted(booked.items()) if n > 1]
    return problems


def file_problems(journal: object) -> list[str]:
    """An SQLite file's ``PRAGMA integrity_check`` findings and a schema version other than this MIA's."""
    if not isinstance(journal, SqliteJournal):
        return []
    problems = [f"integrity_check: {line}" for line in journal.integrity_problems()]
    if journal.schema_version != SCHEMA_VERSION:
        problems.append(f"schema version {journal.schema_version}, expected {SCHEMA_VERSION}")
    return problems
