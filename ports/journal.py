"""The Journal port: the append-only record of what the system saw and did."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from mia_core.journal import JournalEntry


@runtime_checkable
class Journal(Protocol):
    """Append-only record of signals, risk decisions, orders, fills and alerts.

    Nothing recorded is ever lost: an entry is durable once ``record`` returns.
    """

    def record(self, entry: JournalEntry) -> None:
        """Append ``entry``; called by the engine's shell for every decision and event."""
        ...

    def entries(self, kind: str | None = None) -> Iterator[JournalEntry]:
        """Recorded entries in order, all of them or only those of ``kind``."""
        ...
