"""Builders for exchange tests: bars one minute apart, intents, and an event log."""

from __future__ import annotations

from typing import Any

from mia_core.events import FillReceived, OrderUpdated, PositionChanged
from mia_core.exchange import ExchangeConfig, ExchangeEvent, SimulatedExchange
from mia_core.instruments import ES, Instrument
from mia_core.market import Bar, Trade
from mia_core.orders import Fill, Order, OrderIntent, OrderSide, OrderStatus, OrderType

T0 = 1_709_650_800_000_000_000  # 2024-03-05 15:00 UTC (09:00 Chicago), a Tuesday
MINUTE = 60_000_000_000
BUY, SELL = OrderSide.BUY, OrderSide.SELL


def at(minute: int) -> int:
    """T0 plus ``minute`` minutes."""
    return T0 + minute * MINUTE


def bar(minute: int, o: float, h: float, lo: float, c: float, volume: float = 1000, instrument: Instrument = ES) -> Bar:
    """A bar closing ``minute`` minutes after T0."""
    return Bar(instrument, at(minute), o, h, lo, c, volume)


def flat(minute: int, price: float, volume: float = 1000) -> Bar:
    """A bar with open = high = low = close."""
    return bar(minute, price, price, price, price, volume)


def trade(minute: int, price: float, size: float = 10, offset_ns: int = 0) -> Trade:
    """A print ``minute`` minutes (plus ``offset_ns``) after T0."""
    return Trade(ES, at(minute) + offset_ns, price, size)


def market(side: OrderSide, quantity: int = 1, **kwargs: Any) -> OrderIntent:
    """A market order on ES."""
    return OrderIntent(ES, side, quantity, **kwargs)


def limit(side: OrderSide, price: float, quantity: int = 1, **kwargs: Any) -> OrderIntent:
    """A limit order on ES."""
    return OrderIntent(ES, side, quantity, OrderType.LIMIT, limit_price=price, **kwargs)


def stop(side: OrderSide, price: float, quantity: int = 1, **kwargs: Any) -> OrderIntent:
    """A stop order on ES."""
    return OrderIntent(ES, side, quantity, OrderType.STOP, stop_price=price, **kwargs)


def stop_limit(side: OrderSide, stop_price: float, limit_price: float, quantity: int = 1, **kwargs: Any) -> OrderIntent:
    """A stop-limit order on ES."""
    kind = OrderType.STOP_LIMIT
    return OrderIntent(ES, side, quantity, kind, limit_price=limit_price, stop_price=stop_price, **kwargs)


class Venue:
    """A SimulatedExchange with a log of every event it emitted."""

    def __init__(self, config: ExchangeConfig | None = None, **settings: Any) -> None:
        self.config = config if config is not None else ExchangeConfig(**settings)
        self.exchange = SimulatedExchange(ES, self.config)
        self.events: list[ExchangeEvent] = []

    def submit(self, intent: OrderIntent, minute: int = 0, ts: int | None = None) -> Order:
        """Submit at ``minute`` (or ``ts``)."""
        order, events = self.exchange.submit(intent, at(minute) if ts is None else ts)
        self.events += events
        return order

    def cancel(self, order_id: str, minute: int = 0) -> list[ExchangeEvent]:
        """Cancel at ``minute``."""
        events = self.exchange.cancel(order_id, at(minute))
        self.events += events
        return events

    def modify(self, order_id: str, minute: int = 0, **changes: Any) -> list[ExchangeEvent]:
        """Modify at ``minute``."""
        events = self.exchange.modify(order_id, at(minute), **changes)
        self.events += events
        return events

    def feed(self, *events: Bar | Trade) -> list[ExchangeEvent]:
        """Feed bars/trades in order; return what they caused."""
        caused: list[ExchangeEvent] = []
        for event in events:
            caused += self.exchange.on_bar(event) if isinstance(event, Bar) else self.exchange.on_trade(event)
        self.events += caused
        return caused

    def fills(self, order_id: str | None = None) -> list[Fill]:
        """Fills so far (of ``order_id`` if given)."""
        fills = [e.fill for e in self.events if isinstance(e, FillReceived)]
        return [f for f in fills if order_id is None or f.order_id == order_id]

    def prices(self, order_id: str | None = None) -> list[float]:
        """Fill prices so far."""
        return [f.price for f in self.fills(order_id)]

    def updates(self, order_id: str) -> list[Order]:
        """Every reported state of ``order_id``."""
        return [e.order for e in self.events if isinstance(e, OrderUpdated) and e.order.order_id == order_id]

    def status(self, order_id: str) -> OrderStatus:
        """The exchange's current status of ``order_id``."""
        order = self.exchange.order(order_id)
        assert order is not None
        return order.status

    def children(self, parent_id: str) -> dict[str, Order]:
        """Bracket children of ``parent_id`` by reason (latest snapshots)."""
        ids = {e.order.order_id for e in self.events if isinstance(e, OrderUpdated) and e.order.parent_id == parent_id}
        orders = [self.exchange.order(i) for i in sorted(ids)]
        return {o.intent.reason: o for o in orders if o is not None}

    @property
    def quantity(self) -> int:
        """Net position."""
        return self.exchange.position().quantity

    def realized(self) -> list[int]:
        """Realized P&L of each PositionChanged, in cents."""
        return [e.realized_pnl_cents for e in self.events if isinstance(e, PositionChanged)]
