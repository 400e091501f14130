"""InMemoryBroker: event delivery, positions and the account in exact cents."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.simulated import InMemoryBroker
from mia_core.clock import ManualClock
from mia_core.events import BrokerEvent, FillReceived, OrderUpdated, PositionChanged
from mia_core.exchange import ExchangeConfig
from mia_core.instruments import ES
from mia_core.market import Quote
from mia_core.orders import OrderSide, OrderStatus
from ports.broker import Broker

from .helpers import BUY, SELL, T0, at, bar, flat, limit, market, trade


def _broker(**settings: Any) -> tuple[InMemoryBroker, ManualClock, list[BrokerEvent]]:
    clock = ManualClock(T0)
    broker = InMemoryBroker(ES, ExchangeConfig(**settings), clock)
    events: list[BrokerEvent] = []
    broker.subscribe(events.append)
    return broker, clock, events


def _step(broker: InMemoryBroker, clock: ManualClock, minute: int, price: float) -> None:
    clock.advance_to(at(minute))
    broker.on_market(flat(minute, price))


def test_it_is_a_broker_and_connects_instantly() -> None:
    broker, _, _ = _broker()
    assert isinstance(broker, Broker) and broker.name == "simulated"
    asyncio.run(broker.connect())
    assert broker.connected
    asyncio.run(broker.disconnect())
    asyncio.run(broker.disconnect())
    assert not broker.connected


def test_requests_are_stamped_with_the_clock() -> None:
    broker, clock, _ = _broker()
    clock.advance_to(at(5))
    order = broker.submit(limit(BUY, 4990.0))
    assert order.updated_ts == at(5)


def test_request_events_are_delivered_after_the_call_returns() -> None:
    broker, clock, events = _broker()
    order = broker.submit(limit(BUY, 4990.0))
    assert events == [] and broker.open_orders()[0].status is OrderStatus.WORKING
    broker.flush()
    assert [type(e) for e in events] == [OrderUpdated]
    broker.cancel(order.order_id)
    _step(broker, clock, 1, 4980.0)  # market data delivers what was queued first
    assert isinstance(events[-1], OrderUpdated) and events[-1].order.status is OrderStatus.CANCELLED


def test_market_data_fills_and_delivers_in_order() -> None:
    broker, clock, events = _broker()
    order = broker.submit(market(BUY, 2))
    _step(broker, clock, 1, 5000.0)
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["OrderUpdated", "FillReceived", "OrderUpdated", "PositionChanged"]
    fill = next(e.fill for e in events if isinstance(e, FillReceived))
    assert (fill.order_id, fill.price, fill.quantity) == (order.order_id, 5000.0, 2)
    (position,) = broker.positions()
    assert position.quantity == 2
    assert isinstance(events[-1], PositionChanged) and events[-1].position == position


def test_handlers_that_call_the_broker_are_not_reentered() -> None:
    broker, clock, events = _broker()
    log: list[str] = []

    def react(event: BrokerEvent) -> None:
        log.append(type(event).__name__)
        if isinstance(event, FillReceived) and event.fill.side is OrderSide.BUY:
            broker.submit(limit(SELL, 5010.0))
            log.append("submitted")

    broker.subscribe(react)
    broker.submit(market(BUY))
    _step(broker, clock, 1, 5000.0)
    assert log == ["OrderUpdated", "FillReceived", "submitted", "OrderUpdated", "PositionChanged", "OrderUpdated"]
    assert len(broker.open_orders()) == 1 and len(events) == len(log) - 1


def test_account_tracks_cash_commissions_and_open_profit_to_the_cent() -> None:
    broker, clock, _ = _broker(commission_per_contract=2.25, initial_cash=50_000.0)
    start = broker.account()
    assert (start.cash_cents, start.equity_cents, start.realized_pnl_cents) == (5_000_000, 5_000_000, 0)
    broker.submit(market(BUY, 2))
    _step(broker, clock, 1, 5000.0)
    _step(broker, clock, 2, 5003.25)  # +13 ticks on 2 contracts
    account = broker.account()
    assert account.realized_pnl_cents == -450 and account.cash_cents == 5_000_000 - 450
    assert account.unrealized_pnl_cents == 2 * 13 * 1250
    assert account.equity_cents == account.cash_cents + 2 * 13 * 1250
    assert account.ts == at(2)
    broker.submit(market(SELL, 2))
    _step(broker, clock, 3, 5001.0)  # closed at +4 ticks
    account = broker.account()
    assert account.realized_pnl_cents == 2 * 4 * 1250 - 900
    assert account.unrealized_pnl_cents == 0 and account.equity_cents == account.cash_cents
    assert account.cash_cents == 5_000_000 + 10_000 - 900
    assert broker.positions() == []


def test_account_marks_at_the_last_trade() -> None:
    broker, clock, _ = _broker(market_fill="next_trade", commission_per_contract=0)
    broker.submit(market(SELL))
    clock.advance_to(at(1))
    broker.on_market(trade(1, 5000.0))
    broker.on_market(trade(1, 4998.0, offset_ns=1))
    assert broker.account().unrealized_pnl_cents == 8 * 1250


def test_other_market_events_only_flush() -> None:
    broker, _, events = _broker()
    broker.submit(market(BUY))
    broker.on_market(Quote(ES, at(1), 5000.0, 5000.25, 10, 10))
    assert [type(e) for e in events] == [OrderUpdated] and broker.positions() == []


def test_without_a_clock_requests_take_the_time_of_the_last_market_event() -> None:
    broker = InMemoryBroker(ES)
    broker.on_market(bar(3, 5000.0, 5001.0, 4999.0, 5000.0))
    order = broker.submit(market(BUY))
    assert order.updated_ts == at(3)
    broker.on_market(flat(4, 5002.0))
    assert broker.positions()[0].average_price == 5002.0



def test_it_is_a_market_driven_broker() -> None:
    from ports.broker import MarketDrivenBroker

    assert isinstance(InMemoryBroker(ES), MarketDrivenBroker)
