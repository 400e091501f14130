"""Property tests: random orders on random bars and trades keep the exchange's books exact."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mia_core.errors import DomainValueError
from mia_core.events import FillReceived
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import ES
from mia_core.market import Bar, Trade
from mia_core.orders import Bracket, Fill, OrderIntent, OrderSide, OrderType, TimeInForce

from .helpers import MINUTE, T0

TICK = ES.tick_size

configs = st.builds(
    ExchangeConfig,
    market_fill=st.sampled_from(["next_open", "next_trade", "bar_close"]),
    slippage_ticks=st.integers(0, 3),
    commission_per_contract=st.sampled_from([0.0, 0.85, 2.25]),
    latency_ms=st.sampled_from([0, 500, 90_000]),
    max_volume_fraction=st.one_of(st.none(), st.sampled_from([0.05, 0.2, 1.0])),
    max_order_size=st.integers(1, 6),
)


def _intent(data: st.DataObject, last: int) -> OrderIntent | None:
    side = data.draw(st.sampled_from(list(OrderSide)))
    kind = data.draw(st.sampled_from(list(OrderType)))
    near = st.integers(last - 12, last + 12).map(lambda t: t * TICK)
    limit = data.draw(near) if kind in (OrderType.LIMIT, OrderType.STOP_LIMIT) else None
    stop = data.draw(near) if kind in (OrderType.STOP, OrderType.STOP_LIMIT) else None
    bracket = None
    if data.draw(st.booleans()):
        entry = limit if limit is not None else stop if stop is not None else last * TICK
        loss, gain = data.draw(st.integers(1, 10)), data.draw(st.integers(1, 10))
        sl = entry - side.sign * loss * TICK if data.draw(st.booleans()) else None
        tp = entry + side.sign * gain * TICK if sl is None or data.draw(st.booleans()) else None
        bracket = Bracket(stop_loss=sl, take_profit=tp)
    try:
        return OrderIntent(
            ES, side, data.draw(st.integers(1, 7)), kind, limit_price=limit, stop_price=stop,
            time_in_force=data.draw(st.sampled_from(list(TimeInForce))), bracket=bracket,
            client_ref=data.draw(st.sampled_from(["", "", "", "a", "b"])),
        )
    except DomainValueError:
        return None


def _market_event(data: st.DataObject, last: int, ts: int) -> Bar | Trade:
    volume = data.draw(st.integers(0, 120))
    if data.draw(st.integers(0, 3)) == 0:
        return Trade(ES, ts, data.draw(st.integers(last - 6, last + 6)) * TICK, max(volume, 1))
    o = last + data.draw(st.integers(-8, 8))
    c = o + data.draw(st.integers(-8, 8))
    h = max(o, c) + data.draw(st.integers(0, 6))
    lo = min(o, c) - data.draw(st.integers(0, 6))
    return Bar(ES, ts, o * TICK, h * TICK, lo * TICK, c * TICK, volume)


def _check_fill(fill: Fill, event: Bar | Trade, slip: float) -> None:
    ES.to_ticks(fill.price)  # on the grid, or raises
    low, high = (event.low, event.high) if isinstance(event, Bar) else (event.price, event.price)
    assert low - slip - 1e-9 <= fill.price <= high + slip + 1e-9, (fill, event)
    assert fill.ts == event.ts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs, data=st.data())
def test_random_orders_on_random_markets_keep_exact_books(config: ExchangeConfig, data: st.DataObject) -> None:
    exchange = SimulatedExchange(ES, config)
    fills: list[Fill] = []
    last, ts = 20_000, T0
    slip = config.slippage_ticks * TICK
    for _ in range(data.draw(st.integers(1, 40))):
        action = data.draw(st.sampled_from(["submit", "submit", "market", "market", "market", "cancel", "modify"]))
        open_ids = [o.order_id for o in exchange.open_orders()]
        if action == "submit":
            intent = _intent(data, last)
            if intent is not None:
                exchange.submit(intent, ts)
        elif action == "cancel" and open_ids:
            exchange.cancel(data.draw(st.sampled_from(open_ids)), ts)
        elif action == "modify" and open_ids:
            price = data.draw(st.integers(last - 12, last + 12)) * TICK + data.draw(st.sampled_from([0.0, 0.1]))
            field = data.draw(st.sampled_from(["limit_price", "stop_price", "quantity"]))
            changes: dict[str, Any] = {field: data.draw(st.integers(1, 8)) if field == "quantity" else price}
            exchange.modify(data.draw(st.sampled_from(open_ids)), ts, **changes)
        elif action == "market":
            ts += MINUTE
            event = _market_event(data, last, ts)
            events = exchange.on_bar(event) if isinstance(event, Bar) else exchange.on_trade(event)
            new = [e.fill for e in events if isinstance(e, FillReceived)]
            for fill in new:
                _check_fill(fill, event, slip)
            fills += new
            last = ES.to_ticks(event.close if isinstance(event, Bar) else event.price)
        _check_books(exchange, fills, last, config)


def _check_books(exchange: SimulatedExchange, fills: list[Fill], mark: int, config: ExchangeConfig) -> None:
    position = exchange.position()
    assert position.quantity == sum(f.quantity * f.side.sign for f in fills)
    book = exchange.book
    assert book.commission_cents == config.commission_cents * sum(f.quantity for f in fills)
    marked = sum((mark - ES.to_ticks(f.price)) * f.quantity * f.side.sign for f in fills)
    assert book.realized_cents + book.unrealized_cents(mark) == ES.ticks_to_cents(marked)
    by_order: dict[str, int] = {}
    for fill in fills:
        by_order[fill.order_id] = by_order.get(fill.order_id, 0) + fill.quantity
    for order_id, quantity in by_order.items():
        order = exchange.order(order_id)
        assert order is not None and order.filled_quantity == quantity <= order.intent.quantity
        assert order.intent.quantity <= config.max_order_size or order.parent_id is not None
        if order.parent_id is not None:
            parent = exchange.order(order.parent_id)
            assert parent is not None
            exits = sum(by_order.get(f"{order.parent_id}-{leg}", 0) for leg in ("SL", "TP"))
            assert exits <= parent.filled_quantity
    assert all(not o.status.is_terminal for o in exchange.open_orders())
