"""The Journal port: the append-only record of what the system saw and did."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from mia_core.journal import JournalEntry


@runtime_checkable
class Journal(Protocol):
    """Append-only record of signals, risk decisions, order intents, orders, fills and alerts.

    An order intent (kind ``order_intent``) is durable once ``record`` returns; how soon
    other kinds are is the implementation's to say (the session's SQLite and JSON-lines
    journals: at once; a backtest's file: in batches; docs/journal.md).
    """

    def record(self, entry: JournalEntry) -> None:
        """Append ``entry``; called by the engine's shell for every decision and event."""
        ...

    def entries(self, kind: str | None = None) -> Iterator[JournalEntry]:
        """Recorded entries in order, all of them or only those of ``kind``."""
        ...
