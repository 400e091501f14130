"""Marking a portfolio along a tape: at the end of each period, and just before each fill, from the trades since."""

from __future__ import annotations

from mia_core.engine.core import TradingEngine
from mia_core.ticks.bars import time_bars
from mia_core.ticks.tape import Tape

NEVER = 2**63 - 1


class TapeMarks:
    """The marks of a tick backtest, in time order.

    A period mark (``mark_seconds``) values the position at the period's last price, with
    the high and low of the period's trades; a fill mark, made just before a fill is booked,
    covers the trades since the previous mark up to the filling one. Each trade is covered
    by exactly one mark, so a lot's excursions (MAE/MFE) only see prices traded after its
    entry, as on bars. The daily risk figures roll at each mark, as on each bar.
    """

    def __init__(self, tape: Tape, engine: TradingEngine, mark_seconds: int) -> None:
        periods = time_bars(tape, mark_seconds)
        self.ts = periods.series.ts.tolist()
        self.high = periods.series.high.tolist()
        self.low = periods.series.low.tolist()
        self.close = periods.series.close.tolist()
        self.end = [*periods.first.tolist()[1:], len(tape)]  # index after each period's last trade
        self.tape, self.engine = tape, engine
        self.done = 0  # period marks made
        self.count = 0  # marks made (periods and fills)
        self.since = 0  # the first trade no mark has covered yet

    @property
    def next_ns(self) -> int:
        """When the next period mark is due."""
        return self.ts[self.done] if self.done < len(self.ts) else NEVER

    def through(self, ts: int) -> None:
        """Mark every period that ended at or before ``ts``."""
        ends = self.ts
        while self.done < len(ends) and ends[self.done] <= ts:
            m = self.done
            end = self.end[m]
            if self.since == (self.end[m - 1] if m else 0):  # no fill mark in this period
                self._mark(ends[m], self.high[m], self.low[m], self.close[m])
            else:
                self._mark_trades(ends[m], self.since, end)
            self.since = end
            self.done += 1

    def before_fill(self, ts: int, index: int) -> None:
        """Mark at ``ts`` with the trades since the last mark through trade ``index`` (the one filling)."""
        self._mark_trades(ts, self.since, index + 1)
        self.since = index + 1

    def _mark_trades(self, ts: int, first: int, end: int) -> None:
        price = self.tape.price
        if end > first:
            window = price[first:end]
            self._mark(ts, float(window.max()), float(window.min()), float(price[end - 1]))
        else:  # every trade already covered: value at the last price
            last = float(price[end - 1])
            self._mark(ts, last, last, last)

    def _mark(self, ts: int, high: float, low: float, close: float) -> None:
        advance_clock(self.engine, ts, close)
        self.engine.portfolio.mark(ts, high, low, close)
        self.count += 1


def advance_clock(engine: TradingEngine, ts: int, price: float) -> None:
    """Bring the engine's time to ``ts`` at ``price``: the daily risk figures roll into a new day, as on a bar."""
    engine.now_ns = ts
    ledger = engine.ledger
    if ledger.track:
        if not ledger.start_ns <= ts < ledger.end_ns:
            ledger.roll(ts, engine.portfolio.equity_cents)
        ledger.last_price = price
