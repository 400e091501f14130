"""The Analyzer port: context such as dealer's bias, computed from non-bar events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from mia_core.events import MarketEvent


@runtime_checkable
class Analyzer(Protocol):
    """Produces slow-moving context values (dealer's bias, gamma levels, regimes).

    Unlike techniques, analyzers see every market event (options snapshots, quotes,
    timers), and their values are read by techniques and strategies through the
    context under the analyzer's ``name``.
    """

    name: str

    def on_event(self, event: MarketEvent) -> Mapping[str, float] | None:
        """Consume one market event; return the new values if they changed, else ``None``.

        Called for every event in timestamp order, before strategies see the bar of
        the same instant. Must use only events at or before the event's timestamp.
        """
        ...

    def latest(self) -> Mapping[str, float]:
        """Current values (empty until the analyzer has seen enough data)."""
        ...
