"""Bars from a live stream: trade prints or IB's 5-second real-time bars into N-second bars stamped at close."""

from __future__ import annotations

import logging

from mia_core.errors import DomainValueError
from mia_core.instruments import Instrument
from mia_core.market import Aggressor, Bar, Trade

NS = 1_000_000_000
log = logging.getLogger("mia.ib")


class BarAggregator:
    """Builds bars of ``seconds`` aligned to the epoch (a 60 s bar covers hh:mm:00 to hh:mm+1:00).

    Pieces are either trades (:meth:`add_trade`, which also counts volume at the bid
    and at the ask when the aggressor is known) or smaller bars (:meth:`add_bar`, e.g.
    5-second real-time bars, given by their start). A bar is emitted once a piece of
    a later period arrives or :meth:`close_until` passes its end; empty periods give
    no bar.
    """

    def __init__(self, instrument: Instrument, seconds: int) -> None:
        if seconds < 1:
            raise ValueError(f"bar seconds = {seconds}: must be at least 1")
        self.instrument = instrument
        self.span = seconds * NS
        self._end: int | None = None
        self._ohlc: list[float] = []
        self._volume = 0.0
        self._bid = 0.0
        self._ask = 0.0
        self._flow = True
        self._count = 0

    def _period_end(self, ts: int) -> int:
        return (ts // self.span + 1) * self.span

    def add_trade(self, trade: Trade) -> list[Bar]:
        """Add one print (time-stamped when it happened); returns bars it closed."""
        out = self._roll(self._period_end(trade.ts))
        self._merge(trade.price, trade.price, trade.price, trade.price, trade.size)
        if trade.aggressor is Aggressor.BUYER:
            self._ask += trade.size
        elif trade.aggressor is Aggressor.SELLER:
            self._bid += trade.size
        else:
            self._flow = False
        self._count += 1
        return out

    def add_bar(
        self, start_ns: int, open_: float, high: float, low: float, close: float, volume: float, span_s: int = 5
    ) -> list[Bar]:
        """Add a smaller bar of ``span_s`` starting at ``start_ns``; returns the bars it closed.

        The period's own bar is emitted at once when the small bar ends on the period end.
        """
        out = self._roll(self._period_end(start_ns))
        self._merge(open_, high, low, close, volume)
        self._flow = False
        if self._end is not None and start_ns + span_s * NS >= self._end:
            out += self._emit()
        return out

    def close_until(self, now_ns: int) -> list[Bar]:
        """Emit the bar in progress if its period ended at or before ``now_ns``."""
        if self._end is not None and self._end <= now_ns and self._ohlc:
            return self._emit()
        return []

    def _roll(self, end: int) -> list[Bar]:
        out: list[Bar] = []
        if self._end is not None and end != self._end and self._ohlc:
            if end < self._end:
                log.warning("data older than the bar in progress ignored in ordering (%s < %s)", end, self._end)
            out = self._emit()
        self._end = end
        return out

    def _merge(self, open_: float, high: float, low: float, close: float, volume: float) -> None:
        if not self._ohlc:
            self._ohlc = [open_, high, low, close]
        else:
            self._ohlc[1] = max(self._ohlc[1], high)
            self._ohlc[2] = min(self._ohlc[2], low)
            self._ohlc[3] = close
        self._volume += volume

    def _emit(self) -> list[Bar]:
        assert self._end is not None
        o, h, lo, c = self._ohlc
        flow = self._flow and self._count > 0
        try:
            bar = Bar(
                self.instrument,
                self._end,
                o,
                h,
                lo,
                c,
                self._volume,
                bid_volume=self._bid if flow else None,
                ask_volume=self._ask if flow else None,
                trade_count=self._count or None,
            )
        except DomainValueError as exc:  # never hand the engine a bar we cannot vouch for
            log.error("bar ending %s dropped: %s", self._end, exc)
            bar = None
        self._ohlc, self._volume, self._bid, self._ask, self._flow, self._count = [], 0.0, 0.0, 0.0, True, 0
        return [] if bar is None else [bar]
