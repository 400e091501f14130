"""The fill model: walks each bar's intrabar path (or a trade's price) and executes orders in price order."""

from __future__ import annotations

import math
from typing import Final

from mia_core.exchange.config import ExchangeConfig
from mia_core.exchange.registry import ExchangeEvent, OrderRegistry
from mia_core.exchange.state import PRIORITY_MARKET, OrderState
from mia_core.market import Bar, Trade
from mia_core.orders import OrderStatus, OrderType

_OPEN, _WALK, _CLOSE, _TRADE = range(4)
_VOLUME_EPSILON = 1e-9
# Members read once: on Python 3.11 each read of ``OrderType.MARKET`` goes through EnumType.__getattr__ (slow)
_MARKET: Final = OrderType.MARKET
_STOP: Final = OrderType.STOP
_STOP_LIMIT: Final = OrderType.STOP_LIMIT
_CANCELLED: Final = OrderStatus.CANCELLED


class _Pass:
    """State of one market event being matched."""

    __slots__ = ("blocked", "budget", "eligible", "evaluated", "events", "ts")

    def __init__(self, ts: int, budget: int | None, eligible: list[OrderState], events: list[ExchangeEvent]) -> None:
        self.ts = ts
        self.budget = budget
        self.eligible = eligible
        self.events = events
        self.blocked: set[OrderState] = set()  # done for this event (partially filled, no volume left, FOK)
        self.evaluated: set[OrderState] = set()  # IOC/FOK orders that had their one chance


class Matcher:
    """Matches working orders against bars and trades (see docs/exchange.md for the rules).

    Bars are walked along an intrabar path: open, then the extreme nearer in the bar's
    direction, then the other extreme, then the close (bullish bar O-L-H-C, bearish
    O-H-L-C; a bar with close == open goes first towards the protective stop of the
    open bracket, or against the position, or low first when flat). Along each leg
    orders execute in the order the price reaches them.
    """

    def __init__(self, registry: OrderRegistry, config: ExchangeConfig, tick_size: float) -> None:
        self._registry = registry
        self._tick = tick_size
        self._slippage = config.slippage_ticks
        self._fraction = config.max_volume_fraction
        self._market_at_open = config.market_fill == "next_open"
        self._market_at_close = config.market_fill == "bar_close"
        self._market_on_trade = config.market_fill == "next_trade"

    def on_bar(self, bar: Bar) -> list[ExchangeEvent]:
        """Expire DAY orders of a past session, then fill what ``bar`` reaches."""
        registry = self._registry
        ts = bar.ts
        events: list[ExchangeEvent] = []  # what _expire does, written out (one call less per bar with orders)
        if ts >= registry.next_expiry:
            registry.expire(ts, events)
        eligible = [s for s in registry.active if s.min_bar_ts <= ts]
        if not eligible:
            return events
        tick = self._tick
        lo, h = round(bar.low / tick), round(bar.high / tick)
        for state in eligible:
            if state.market_like or state.ioc or (lo <= state.level if state.at_or_below else h >= state.level):
                break
        else:
            return events
        o, c = round(bar.open / tick), round(bar.close / tick)
        run = _Pass(ts, None if self._fraction is None else self._budget(bar.volume), eligible, events)
        registry.activated = eligible
        try:
            self._step(run, o, o, _OPEN)
            if _any_live(eligible):  # market orders usually all fill at the open: nothing left to walk
                low_first = c > o or (c == o and self._doji_low_first())
                start = o
                for end in (lo, h, c) if low_first else (h, lo, c):
                    self._step(run, start, end, _WALK)
                    start = end
                if self._market_at_close:
                    self._step(run, c, c, _CLOSE)
        finally:
            registry.activated = None
        if run.evaluated:
            self._cancel_unfilled_ioc(run)
        return events

    def on_trade(self, trade: Trade) -> list[ExchangeEvent]:
        """Expire DAY orders of a past session, then fill what trades at ``trade.price``."""
        registry = self._registry
        ts = trade.ts
        events = self._expire(ts)
        eligible = [s for s in registry.active if s.min_trade_ts <= ts]
        if not eligible:
            return events
        price = round(trade.price / self._tick)
        run = _Pass(ts, self._budget(trade.size), eligible, events)
        registry.activated = eligible
        try:
            self._step(run, price, price, _TRADE)
        finally:
            registry.activated = None
        self._cancel_unfilled_ioc(run)
        return events

    def _expire(self, ts: int) -> list[ExchangeEvent]:
        """The events of a market event at ``ts``, starting with DAY orders whose session ended."""
        events: list[ExchangeEvent] = []
        if ts >= self._registry.next_expiry:
            self._registry.expire(ts, events)
        return events

    def _budget(self, volume: float) -> int | None:
        if self._fraction is None:
            return None
        return math.floor(self._fraction * volume + _VOLUME_EPSILON)

    def _doji_low_first(self) -> bool:
        """Ambiguous bar (close == open): assume the protective stop is hit first."""
        for state in self._registry.open.values():
            if state.parent is not None and state.kind is _STOP:
                return state.sign < 0
        return self._registry.book.quantity >= 0

    def _step(self, run: _Pass, cur: int, end: int, step: int) -> None:
        """Execute, nearest first, every order the price meets moving from ``cur`` to ``end``."""
        market_ok = (
            (step == _OPEN and self._market_at_open)
            or (step == _CLOSE and self._market_at_close)
            or (step == _TRADE and self._market_on_trade)
        )
        first_look = step in (_OPEN, _TRADE)
        blocked, evaluated = run.blocked, run.evaluated
        while True:
            best: OrderState | None = None
            best_key = (0, 0, 0)
            best_point = cur
            point: int | None
            for state in run.eligible:
                if not state.live or state in blocked:
                    continue
                if state.market_like:  # met where the price is: distance 0, market priority
                    if not market_ok:
                        continue
                    if state.ioc:
                        evaluated.add(state)
                    point = cur
                    key = (0, PRIORITY_MARKET, state.seq)
                else:
                    if state.ioc and not first_look:
                        continue
                    point = state.first_point(cur, end)
                    if state.ioc:
                        evaluated.add(state)
                    if point is None:
                        continue
                    key = (abs(point - cur), state.priority, state.seq)
                if best is None or key < best_key:
                    best, best_key, best_point = state, key, point
            if best is None:
                return
            cur = best_point
            self._execute(run, best, best_point)

    def _execute(self, run: _Pass, state: OrderState, point: int) -> None:
        kind = state.kind
        if kind is _STOP_LIMIT and not state.triggered:
            state.trigger()
            if state.first_point(point, point) is None:
                return  # triggered, but the limit is not marketable here: it rests as a limit order
            price = point
        elif kind is _MARKET:  # trigger() without the calls: a market order keeps its trigger rule (no prices)
            state.triggered = True
            price = point + state.sign * self._slippage
        elif kind is _STOP:
            if not state.triggered:
                state.trigger()
            price = point + state.sign * self._slippage
        else:
            price = point
        quantity = state.remaining
        budget = run.budget
        if budget is not None:
            if budget < quantity and (state.fok or budget == 0):
                run.blocked.add(state)
                return
            quantity = min(quantity, budget)
            run.budget = budget - quantity
        self._registry.fill(state, quantity, price, run.ts, run.events)
        if state.live:
            run.blocked.add(state)

    def _cancel_unfilled_ioc(self, run: _Pass) -> None:
        if not run.evaluated:
            return
        for state in run.eligible:
            if state.live and state in run.evaluated:
                self._registry.set_status(state, _CANCELLED, run.ts, run.events)


def _any_live(states: list[OrderState]) -> bool:
    """True when any of ``states`` still works (bracket children activated mid-bar included)."""
    for state in states:  # noqa: SIM110  # a loop, not any() over a generator: a frame less
        if state.live:
            return True
    return False
