"""Live market data subscriptions of one contract: ticks, quotes, real-time bars and depth as domain events."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from typing import Any

from ib_async import IB, Contract, RealTimeBarList, Ticker

from adapters.ib.bars import BarAggregator
from adapters.ib.config import IbFeedConfig
from mia_core.errors import DomainValueError
from mia_core.events import MarketEvent
from mia_core.instruments import Instrument
from mia_core.market import Aggressor, BookSide, DepthAction, DepthUpdate, Quote, Trade

log = logging.getLogger("mia.ib")
LAST_TICKS = (4, 68)  # last price (real-time, delayed)
_ACTIONS = {0: DepthAction.INSERT, 1: DepthAction.UPDATE, 2: DepthAction.DELETE}


def to_ns(when: dt.datetime | dt.date | None, fallback: int) -> int:
    """An ib_async timestamp to UTC ns (naive datetimes are UTC)."""
    if when is None or not isinstance(when, dt.datetime) or when.year < 1980:
        return fallback
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return int(when.timestamp()) * 1_000_000_000 + when.microsecond * 1000


def _ok(value: float) -> bool:
    return value is not None and math.isfinite(value) and value > 0


class MarketSubscription:
    """Subscribes ``contract`` on ``ib`` and hands each domain event to ``sink`` (in arrival order).

    Bad values from IB (off-grid or crossed prices, missing sizes) are logged and
    dropped, never passed on. ``start`` may be called again after a reconnect (ib_async
    forgets every subscription when the socket drops).
    """

    def __init__(
        self,
        ib: IB,
        contract: Contract,
        instrument: Instrument,
        config: IbFeedConfig,
        sink: Callable[[MarketEvent], None],
        now_ns: Callable[[], int],
    ) -> None:
        self.ib, self.contract, self.instrument, self.config = ib, contract, instrument, config
        self.sink, self.now_ns = sink, now_ns
        self.aggregator = BarAggregator(instrument, config.bar_seconds)
        self._ticker: Ticker | None = None
        self._depth: Ticker | None = None
        self._bars: RealTimeBarList | None = None
        self._quote: tuple[float, float, float, float] | None = None
        self.dropped = 0

    def start(self) -> None:
        """Request ticks (and quotes), real-time bars and depth as configured."""
        cfg = self.config
        self._detach()  # after 1101 ib_async hands back the same Ticker: a second handler would repeat every tick
        if cfg.trades or cfg.quotes or cfg.bars == "trades":
            self._ticker = self.ib.reqMktData(self.contract, "", False, False)
            self._ticker.updateEvent += self._on_ticker
        if cfg.bars == "realtime":
            self._bars = self.ib.reqRealTimeBars(self.contract, 5, cfg.what_to_show, cfg.use_rth)
            self._bars.updateEvent += self._on_bars
        if cfg.depth_rows:
            self._depth = self.ib.reqMktDepth(self.contract, cfg.depth_rows)
            self._depth.updateEvent += self._on_depth

    def _detach(self) -> None:
        if self._ticker is not None:
            self._ticker.updateEvent -= self._on_ticker
        if self._bars is not None:
            self._bars.updateEvent -= self._on_bars
        if self._depth is not None:
            self._depth.updateEvent -= self._on_depth

    def stop(self) -> None:
        """Cancel every request (quietly if the connection is gone)."""
        if not self.ib.isConnected():
            return
        if self._ticker is not None:
            self.ib.cancelMktData(self.contract)
        if self._bars is not None:
            self.ib.cancelRealTimeBars(self._bars)
        if self._depth is not None:
            self.ib.cancelMktDepth(self.contract)

    def _put(self, make: Callable[[], Any]) -> None:
        try:
            event = make()
        except DomainValueError as exc:
            self.dropped += 1
            log.warning("IB data dropped: %s", exc)
            return
        self.sink(event)

    def _on_ticker(self, ticker: Ticker) -> None:
        inst, now = self.instrument, self.now_ns()
        if self.config.trades or self.config.bars == "trades":
            for tick in ticker.ticks:
                if tick.tickType in LAST_TICKS and _ok(tick.price) and _ok(tick.size):
                    self._trade(Trade, tick, ticker, now)
        if self.config.quotes:
            quote = (ticker.bid, ticker.ask, ticker.bidSize, ticker.askSize)
            if quote != self._quote and _ok(quote[0]) and _ok(quote[1]) and quote[2] == quote[2]:
                self._quote = quote
                ts = to_ns(ticker.time, now)
                self._put(lambda: Quote(inst, ts, quote[0], quote[1], max(quote[2], 0.0), max(quote[3], 0.0)))

    def _trade(self, make: type[Trade], tick: Any, ticker: Ticker, now: int) -> None:
        aggressor = Aggressor.UNKNOWN
        if _ok(ticker.ask) and tick.price >= ticker.ask:
            aggressor = Aggressor.BUYER
        elif _ok(ticker.bid) and tick.price <= ticker.bid:
            aggressor = Aggressor.SELLER
        ts = to_ns(tick.time, now)
        try:
            trade = make(self.instrument, ts, tick.price, tick.size, aggressor)
        except DomainValueError as exc:
            self.dropped += 1
            log.warning("IB trade dropped: %s", exc)
            return
        if self.config.trades:
            self.sink(trade)
        if self.config.bars == "trades":
            for bar in self.aggregator.add_trade(trade):
                self.sink(bar)

    def _on_bars(self, bars: RealTimeBarList, has_new_bar: bool) -> None:
        if not has_new_bar or not bars:
            return
        rt = bars[-1]
        start = to_ns(rt.time, self.now_ns())
        for bar in self.aggregator.add_bar(start, rt.open_, rt.high, rt.low, rt.close, max(rt.volume, 0.0)):
            self.sink(bar)

    def _on_depth(self, ticker: Ticker) -> None:
        now = self.now_ns()
        for tick in ticker.domTicks:
            side = BookSide.BID if tick.side == 1 else BookSide.ASK
            action = _ACTIONS.get(tick.operation)
            if action is None or not _ok(tick.price):
                continue
            ts = to_ns(tick.time, now)
            self._put(
                lambda t=tick, s=side, a=action, ts=ts: DepthUpdate(
                    self.instrument, ts, s, t.position, a, t.price, max(t.size, 0.0)
                )
            )

    def tick(self) -> None:
        """Close a trade-built bar whose period has ended (called once a second by the feed)."""
        if self.config.bars == "trades":
            for bar in self.aggregator.close_until(self.now_ns()):
                self.sink(bar)
