"""The TapeFeed port: a data feed that also gives the trades themselves (the tick-driven backtest)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mia_core.instruments import Instrument
from mia_core.ticks.tape import Tape
from ports.data_feed import DataFeed


@runtime_checkable
class TapeFeed(DataFeed, Protocol):
    """A :class:`~ports.data_feed.DataFeed` whose history is made of trades.

    ``mia backtest`` runs the tick backtest (``mia_core.ticks.backtest``) when the system's
    feed is a TapeFeed and its strategy has ``on_tick`` (ports/tick_strategy.py), or when
    ``--ticks`` asks for it. ``history`` still gives bars (built from the trades, of
    ``bar_seconds``), for bar strategies and for the report's price chart.
    """

    bar_seconds: int

    def tape(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> Tape:
        """The trades of ``instrument`` with ``start_ns <= ts <= end_ns``, in time order.

        Bounds are inclusive UTC nanoseconds; ``None`` means unbounded. Returns a validated
        :class:`~mia_core.ticks.tape.Tape`; bad input raises an error naming the source and
        row; an empty window is an error.
        """
        ...
