"""The DataFeed port: history for backtests, a stream for live sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from mia_core.events import MarketEvent
from mia_core.instruments import Instrument
from mia_core.series import BarSeries


@runtime_checkable
class DataFeed(Protocol):
    """A source of market data for one or more instruments.

    Implementations: bar replay from CSV/Parquet and bundled history, synthetic
    intraday data, Interactive Brokers, Sierra Chart files. A feed must validate what
    it reads and never hand the engine a bar it could not vouch for.
    """

    name: str

    def history(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        """Return closed bars of ``instrument`` with ``start_ns <= ts <= end_ns``.

        Called by the backtest shell once before a run and by live shells to warm up
        techniques. Bounds are inclusive UTC nanoseconds; ``None`` means unbounded.
        Returns a validated :class:`~mia_core.series.BarSeries` (ascending, on the
        tick grid); bad input raises an error naming the source, row and field.
        """
        ...

    def stream(self, instrument: Instrument) -> AsyncIterator[MarketEvent]:
        """Yield market events for ``instrument`` as they happen, oldest first.

        Called once per live or paper session. Yields bars (at close), trades,
        quotes, depth updates and options snapshots in timestamp order. The iterator
        ends when the feed is exhausted or closed; a lost connection is reported as a
        :class:`~mia_core.events.ConnectionChanged` event by the broker/feed adapter,
        not by raising mid-session.
        """
        ...
