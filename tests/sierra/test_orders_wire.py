"""Order types beyond the contract over DTC: stop-limit, OCO pairs, cancel/replace of a stop-limit, fills once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.sierra.driver import SierraDtcDriver
from adapters.sierra.dtc import types as t
from adapters.sierra.orders import STATUS, oco_order, single_order
from mia_core.events import FillReceived, OrderUpdated
from mia_core.instruments import ES
from mia_core.orders import OrderIntent, OrderSide, OrderStatus, OrderType


@pytest.fixture
def driver() -> Iterator[SierraDtcDriver]:
    d = SierraDtcDriver()
    try:
        yield d
    finally:
        d.close()


def updates(driver: SierraDtcDriver, order_id: str) -> list[OrderUpdated]:
    return [e for e in driver.events if isinstance(e, OrderUpdated) and e.order.order_id == order_id]


def test_stop_limit_travels_with_the_stop_in_price1_and_the_limit_in_price2() -> None:
    intent = OrderIntent(ES, OrderSide.BUY, 2, OrderType.STOP_LIMIT, limit_price=5001.0, stop_price=5000.5)
    m = single_order(intent, symbol="ESZ26", exchange="", account="Sim1", client_id="c-1")
    assert (m["OrderType"], m["Price1"], m["Price2"], m["Quantity"]) == (t.ORDER_STOP_LIMIT, 5000.5, 5001.0, 2.0)


def test_stop_limit_triggers_fills_and_its_stop_can_be_replaced(driver: SierraDtcDriver) -> None:
    driver.trade_at(5000.0)
    order = driver.broker.submit(OrderIntent(ES, OrderSide.BUY, 1, OrderType.STOP_LIMIT, limit_price=5003.0,
                                             stop_price=5002.0))
    driver.broker.modify(order.order_id, stop_price=5001.0, limit_price=5002.0)
    driver.settle()
    last = updates(driver, order.order_id)[-1].order
    assert (last.intent.stop_price, last.intent.limit_price, last.status) == (5001.0, 5002.0, OrderStatus.WORKING)
    driver.trade_at(5001.0)
    driver.trade_at(5001.0)
    assert updates(driver, order.order_id)[-1].order.status is OrderStatus.FILLED


def test_an_oco_pair_fills_one_and_cancels_the_other(driver: SierraDtcDriver) -> None:
    driver.trade_at(5000.0)
    broker = driver.sierra_broker
    target, stop = broker.submit_oco(OrderIntent(ES, OrderSide.SELL, 1, OrderType.LIMIT, limit_price=5002.0),
                                     OrderIntent(ES, OrderSide.SELL, 1, OrderType.STOP, stop_price=4998.0))
    driver.settle()
    assert {o.order_id for o in broker.open_orders()} == {target.order_id, stop.order_id}
    driver.trade_at(5002.0)
    assert updates(driver, target.order_id)[-1].order.status is OrderStatus.FILLED
    assert updates(driver, stop.order_id)[-1].order.status is OrderStatus.CANCELLED
    assert broker.positions()[0].quantity == -1


def test_oco_message_carries_both_legs() -> None:
    a = OrderIntent(ES, OrderSide.SELL, 1, OrderType.LIMIT, limit_price=5002.0)
    b = OrderIntent(ES, OrderSide.SELL, 1, OrderType.STOP, stop_price=4998.0)
    m = oco_order(("x-1", a), ("x-2", b), symbol="ESZ26", exchange="", account="Sim1", parent_client_id="p")
    assert (m["ClientOrderID_1"], m["OrderType_1"], m["Price1_1"]) == ("x-1", t.ORDER_LIMIT, 5002.0)
    assert (m["ClientOrderID_2"], m["OrderType_2"], m["Price1_2"]) == ("x-2", t.ORDER_STOP, 4998.0)
    assert m["ParentTriggerClientOrderID"] == "p"


def test_every_dtc_order_status_the_server_sets_has_a_domain_state() -> None:
    assert set(STATUS) >= {t.STATUS_PENDING_OPEN, t.STATUS_PENDING_CHILD, t.STATUS_OPEN, t.STATUS_FILLED,
                           t.STATUS_CANCELED, t.STATUS_REJECTED, t.STATUS_PARTIALLY_FILLED}


def test_a_repeated_order_update_books_its_fill_once(driver: SierraDtcDriver) -> None:
    order = driver.broker.submit(OrderIntent(ES, OrderSide.BUY, 1))
    driver.trade_at(5000.0)
    fills = [e for e in driver.events if isinstance(e, FillReceived)]
    assert len(fills) == 1
    # the same report again (a server replaying after a reconnect) adds nothing
    server = driver.server.server
    again = {"ClientOrderID": order.order_id, "OrderStatus": t.STATUS_FILLED, "OrderUpdateReason": t.ORDER_FILLED,
             "LastFillQuantity": 1.0, "LastFillPrice": 5000.0, "LastFillExecutionID": fills[0].fill.fill_id,
             "FilledQuantity": 1.0, "OrderQuantity": 1.0, "TotalNumMessages": 1, "MessageNumber": 1}
    driver.server.do(lambda: server.broadcast([(t.ORDER_UPDATE, again)]))
    driver.settle()
    assert len([e for e in driver.events if isinstance(e, FillReceived)]) == 1


def test_a_bracket_is_a_parent_then_an_oco_of_its_exits(driver: SierraDtcDriver) -> None:
    from mia_core.orders import Bracket

    driver.trade_at(5000.0)
    driver.broker.submit(OrderIntent(ES, OrderSide.BUY, 1, bracket=Bracket(stop_loss=4995.0, take_profit=5005.0)))
    driver.settle()
    received = next(s.received for s in driver.server.server.sessions if s.logged_on)
    kinds = [k for k, m in received if k in (t.SUBMIT_NEW_SINGLE_ORDER, t.SUBMIT_NEW_OCO_ORDER)]
    assert kinds == [t.SUBMIT_NEW_SINGLE_ORDER, t.SUBMIT_NEW_OCO_ORDER]
    parent = next(m for k, m in received if k == t.SUBMIT_NEW_SINGLE_ORDER)
    oco = next(m for k, m in received if k == t.SUBMIT_NEW_OCO_ORDER)
    assert parent["IsParentOrder"] == 1 and oco["ParentTriggerClientOrderID"] == parent["ClientOrderID"]
