"""Cancel and replace with slow cancels: the replacement waits for the cancel's confirmation, never doubling."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.ib.driver import IbGatewayDriver
from adapters.journal.jsonl import MemoryJournal
from adapters.live.ids import ClientOrderIds
from adapters.live.orders import OrderGate
from mia_core.commands import CancelOrder, SubmitOrder
from mia_core.orders import OrderIntent, OrderSide, OrderType


@pytest.fixture
def driver() -> Iterator[IbGatewayDriver]:
    made = IbGatewayDriver()
    yield made
    made.close()


def _working_entry(driver: IbGatewayDriver) -> tuple[str, float]:
    limit = driver.reference_price - 4 * driver.instrument.tick_size
    order = driver.broker.submit(OrderIntent(driver.instrument, OrderSide.BUY, 1, OrderType.LIMIT, limit_price=limit))
    driver.settle()
    driver.gateway.do(lambda: driver.gateway.gateway.handlers.__setitem__(4, lambda session, fields: None))  # slow
    return order.order_id, limit


def _replacement(driver: IbGatewayDriver) -> OrderIntent:
    return OrderIntent(driver.instrument, OrderSide.BUY, 1, reason="signal_entry")


def _held(driver: IbGatewayDriver) -> int:
    return sum(p.quantity for p in driver.broker.positions())


def test_sending_the_replacement_at_once_doubles_the_position_when_the_old_order_fills(driver) -> None:  # type: ignore[no-untyped-def]
    old, limit = _working_entry(driver)
    driver.broker.cancel(old)  # what the shell did: cancel, then submit without waiting
    driver.broker.submit(_replacement(driver))
    driver.trade_at(limit)  # the old entry fills before its cancel is handled
    assert _held(driver) == 2  # +2 against a limit of 1: the finding


def test_the_gate_holds_the_replacement_and_drops_it_when_the_cancelled_order_filled(driver) -> None:  # type: ignore[no-untyped-def]
    journal = MemoryJournal()
    gate = OrderGate(driver.broker, ClientOrderIds("t", 1), journal.record, driver.clock.now_ns)
    driver.ib_broker.subscribe(gate.on_event)
    old, limit = _working_entry(driver)
    gate.execute([CancelOrder(old), SubmitOrder(_replacement(driver))])
    driver.settle()
    assert gate.held and not list(journal.entries("order_intent"))  # nothing sent while the cancel is open
    driver.trade_at(limit)
    gate.release()
    driver.settle()
    assert _held(driver) == 1 and gate.dropped == 1
    (dropped,) = journal.entries("order_dropped")
    assert "filled instead of being cancelled" in dropped.payload["reason"]


def test_the_gate_sends_the_replacement_once_the_cancel_is_confirmed(driver) -> None:  # type: ignore[no-untyped-def]
    journal = MemoryJournal()
    gate = OrderGate(driver.broker, ClientOrderIds("t", 1), journal.record, driver.clock.now_ns)
    driver.ib_broker.subscribe(gate.on_event)
    old, _ = _working_entry(driver)
    gw = driver.gateway.gateway
    gate.execute([CancelOrder(old), SubmitOrder(_replacement(driver))])
    driver.settle()
    assert gate.held
    desk = gw.orders_desk
    driver.gateway.do(lambda: desk._cancel(next(o for o in desk.orders.values() if str(o.order_id) == old), "late"))
    driver.settle()
    gate.release()
    driver.settle()
    assert not gate.held and _held(driver) == 1
    (intent,) = journal.entries("order_intent")
    assert intent.payload["client_ref"].startswith("t.")
