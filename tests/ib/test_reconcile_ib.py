"""The broker is the truth: other sessions are not adopted, reused execution ids are booked, lost orders settle."""

from __future__ import annotations

import itertools

from adapters.ib.driver import GatewayThread, IbGatewayDriver
from adapters.ib.recovery import fill_keys
from mia_core.events import FillReceived, OrderUpdated
from mia_core.instruments import ES
from mia_core.journal import record_event
from mia_core.orders import Bracket, Fill, Order, OrderIntent, OrderSide, OrderStatus, OrderType


def _fills(driver: IbGatewayDriver) -> list[FillReceived]:
    return [e for e in driver.events if isinstance(e, FillReceived)]


def test_a_second_session_on_the_account_does_not_adopt_the_first_sessions_orders_or_executions() -> None:
    gateway = GatewayThread()
    try:
        first = IbGatewayDriver(gateway=gateway, client_id=61)
        first.broker.submit(OrderIntent(first.instrument, OrderSide.BUY, 1, client_ref="first-1"))
        tick = first.instrument.tick_size
        first.broker.submit(OrderIntent(first.instrument, OrderSide.BUY, 1, OrderType.LIMIT,
                                        limit_price=5000.0 - 8 * tick, client_ref="first-2"))
        first.settle()
        assert len(_fills(first)) == 1
        second = IbGatewayDriver(gateway=gateway, client_id=62)
        second.settle()
        assert _fills(second) == []  # the first session's execution is not booked by the second
        assert second.broker.open_orders() == []
        state = second.ib_broker.broker_state()
        assert state.open_orders == frozenset() and dict(state.executed) == {}
        second.close()
        first.close()
    finally:
        gateway.stop()


def test_a_restarted_mia_with_the_same_client_id_still_adopts_its_own_orders() -> None:
    gateway = GatewayThread()
    try:
        first = IbGatewayDriver(gateway=gateway, client_id=63)
        tick = first.instrument.tick_size
        resting = first.broker.submit(OrderIntent(first.instrument, OrderSide.BUY, 1, OrderType.LIMIT,
                                                  limit_price=5000.0 - 8 * tick, client_ref="own-1"))
        first.settle()
        first.close()
        again = IbGatewayDriver(gateway=gateway, client_id=63)
        again.settle()
        assert [o.order_id for o in again.broker.open_orders()] == [resting.order_id]
        again.close()
    finally:
        gateway.stop()


def test_an_execution_id_reused_by_a_restarted_gateway_is_booked_not_dropped() -> None:
    gateway = GatewayThread()
    driver = IbGatewayDriver(gateway=gateway, client_id=64)
    try:
        driver.broker.submit(OrderIntent(driver.instrument, OrderSide.SELL, 1, client_ref="s-1"))
        driver.settle()
        desk = gateway.gateway.orders_desk
        gateway.do(lambda: setattr(desk, "_exec_ids", itertools.count(1)))  # the restarted gateway counts again
        gateway.do(lambda: setattr(desk, "_perm_ids", itertools.count(1_000_001)))
        gateway.call(gateway.gateway.drop_connections())  # a restart drops every client
        assert driver.wait_for(lambda: driver.connection.reconnects >= 1 and driver.connection.connected)
        driver.settle()
        driver.broker.submit(OrderIntent(driver.instrument, OrderSide.SELL, 1, client_ref="s-2"))
        driver.settle()
        ids = [e.exec_id for e in gateway.gateway.executions]
        assert len(ids) == 2 and ids[0] == ids[1]  # the same execution id for two different executions
        assert len(_fills(driver)) == 2
        assert [p.quantity for p in driver.broker.positions()] == [-2]
    finally:
        driver.close()
        gateway.stop()


def test_a_bracket_child_that_ended_while_away_is_settled_and_never_cancelled_at_ib() -> None:
    gateway = GatewayThread()
    driver = IbGatewayDriver(gateway=gateway, client_id=65, reconnect_initial_delay=1.0)
    try:
        tick = driver.instrument.tick_size
        bracket = Bracket(stop_loss=5000.0 - 8 * tick, take_profit=5000.0 + 8 * tick)
        parent = driver.broker.submit(OrderIntent(driver.instrument, OrderSide.BUY, 1, bracket=bracket,
                                                  client_ref="b-1"))
        driver.settle()
        children = [o for o in driver.broker.open_orders() if o.parent_id == parent.order_id]
        assert len(children) == 2
        gateway.call(gateway.gateway.drop_connections())
        target = 5000.0 + 8 * tick  # the target fills while MIA is away; IB cancels the stop (OCA)
        gateway.do(lambda: gateway.gateway.set_price("ES", target, bid=target, ask=target + tick))
        assert driver.wait_for(lambda: driver.connection.reconnects >= 1 and driver.connection.connected)
        driver.settle()
        assert driver.broker.open_orders() == []
        stop = next(o for o in children if o.intent.reason == "stop_loss")
        last = [e.order for e in driver.events if isinstance(e, OrderUpdated) and e.order.order_id == stop.order_id]
        assert last[-1].status is OrderStatus.CANCELLED
        errors_before = len(gateway.gateway.orders)
        driver.broker.cancel(stop.order_id)  # refused locally: nothing sent to IB
        driver.settle()
        assert len(gateway.gateway.orders) == errors_before
        assert [p for p in driver.broker.positions()] == []
    finally:
        driver.close()
        gateway.stop()


def test_an_execution_id_another_session_had_is_booked_by_the_session_it_belongs_to() -> None:
    """ib_async keeps every execution id it was told of, another client's too, and drops a later one with that id.

    (The torture's second session lost every fill whose id a restarted gateway had
    already given the first session's executions.)
    """
    gateway = GatewayThread()
    first = IbGatewayDriver(gateway=gateway, client_id=66)
    second: IbGatewayDriver | None = None
    try:
        first.broker.submit(OrderIntent(first.instrument, OrderSide.SELL, 1, client_ref="a-1"))
        first.settle()
        desk = gateway.gateway.orders_desk
        gateway.do(lambda: desk.restarted(rollback=False, reuse_exec_ids=True))  # the next fill gets the first's id
        second = IbGatewayDriver(gateway=gateway, client_id=67)
        second.settle()
        assert _fills(second) == []  # the first session's execution is listed to it, not booked
        second.broker.submit(OrderIntent(second.instrument, OrderSide.BUY, 1, client_ref="b-1"))
        second.settle()
        ids = [e.exec_id for e in gateway.gateway.executions]
        assert len(ids) == 2 and ids[0] == ids[1]
        assert [(f.fill.side, f.fill.fill_id) for f in _fills(second)] == [(OrderSide.BUY, ids[1])]
        assert len(_fills(first)) == 1
    finally:
        if second is not None:
            second.close()
        first.close()
        gateway.stop()


def test_an_execution_found_after_a_restart_is_journaled_with_its_order_and_ref() -> None:
    """A fill of an order IB no longer lists reaches the journal after an order entry that names its ref.

    (In the torture, such fills were journaled with no ref; the next life took their
    execution ids as booked whatever the ref, and dropped every later execution a
    restarted gateway gave one of those ids: 4 fills lost, IB -2 while MIA was flat.)
    """
    gateway = GatewayThread()
    try:
        first = IbGatewayDriver(gateway=gateway, client_id=68)
        first.broker.submit(OrderIntent(first.instrument, OrderSide.SELL, 1, client_ref="k-1"))
        first.settle()
        first.close()  # killed: its journal never heard of the fill
        again = IbGatewayDriver(gateway=gateway, client_id=68)
        again.settle()
        events = [e for e in again.events if isinstance(e, (OrderUpdated, FillReceived))]
        kinds = [("order" if isinstance(e, OrderUpdated) else "fill", e) for e in events]
        assert [k for k, _ in kinds] == ["order", "fill"]
        order, fill = events
        assert isinstance(order, OrderUpdated) and isinstance(fill, FillReceived)
        assert order.order.intent.client_ref == "k-1" and order.order.order_id == fill.fill.order_id
        entries = [record_event(kind, event) for kind, event in kinds]
        assert fill_keys(entries) == {(fill.fill.fill_id, "k-1")}
        again.close()
    finally:
        gateway.stop()


def test_a_fills_ref_comes_from_its_parent_order_whatever_order_their_entries_came_in() -> None:
    """A bracket child's fill takes its parent's ref, also when the child's order entry came before the parent's."""
    es = ES
    child = Order("7", OrderIntent(es, OrderSide.BUY, 1, OrderType.STOP, stop_price=5010.0, reason="sl"),
                  OrderStatus.WORKING, parent_id="6")
    parent = Order("6", OrderIntent(es, OrderSide.SELL, 1, client_ref="p-1"), OrderStatus.FILLED, 1, 5000.0)
    fill = Fill("7", es, OrderSide.BUY, 1, 5010.0, 3, fill_id="x.1")
    entries = [record_event("order", OrderUpdated(1, child, None)),
               record_event("order", OrderUpdated(2, parent, None)), record_event("fill", FillReceived(3, fill))]
    assert fill_keys(entries) == {("x.1", "p-1:sl")}  # its parent's ref, with its own role


def test_two_executions_listed_at_connect_under_one_id_are_both_booked() -> None:
    """A restart finds both executions a restarted gateway gave one id (ib_async's listing keeps one per id)."""
    gateway = GatewayThread()
    try:
        first = IbGatewayDriver(gateway=gateway, client_id=69)
        first.broker.submit(OrderIntent(first.instrument, OrderSide.SELL, 1, client_ref="q-1"))
        first.settle()
        first.close()
        desk = gateway.gateway.orders_desk
        gateway.do(lambda: desk.restarted(rollback=False, reuse_exec_ids=True))
        second = IbGatewayDriver(gateway=gateway, client_id=69)
        second.broker.submit(OrderIntent(second.instrument, OrderSide.BUY, 1, client_ref="q-2"))
        second.settle()
        second.close()
        ids = [e.exec_id for e in gateway.gateway.executions]
        assert len(ids) == 2 and ids[0] == ids[1]
        third = IbGatewayDriver(gateway=gateway, client_id=69)  # a restart with an empty journal
        third.settle()
        assert sorted(f.fill.side.value for f in _fills(third)) == ["buy", "sell"]
        third.close()
    finally:
        gateway.stop()


def test_a_bracket_childs_execution_given_its_parents_id_again_is_booked() -> None:
    """A restarted gateway's reused execution id on the target of the bracket whose entry had that id.

    (The torture with seed 29: the target filled after a restart under the entry's
    execution id; both carry the same client ref, so the session took the target's fill
    as booked already, settled the target as cancelled, and was flat while IB held -1.)
    """
    gateway = GatewayThread()
    gateway.do(lambda: gateway.gateway.set_price("ES", 5000.0))
    driver = IbGatewayDriver(gateway=gateway, client_id=69)
    try:
        tick = driver.instrument.tick_size
        bracket = Bracket(stop_loss=5000.0 - 8 * tick, take_profit=5000.0 + 8 * tick)
        driver.broker.submit(OrderIntent(driver.instrument, OrderSide.BUY, 1, bracket=bracket, client_ref="c-1"))
        driver.settle()
        desk = gateway.gateway.orders_desk
        gateway.do(lambda: desk.restarted(rollback=False, reuse_exec_ids=True))  # the next fill: the entry's id
        target = 5000.0 + 8 * tick
        gateway.do(lambda: gateway.gateway.set_price("ES", target, bid=target, ask=target + tick))
        driver.settle()
        ids = [e.exec_id for e in gateway.gateway.executions]
        assert len(ids) == 2 and ids[0] == ids[1]
        assert [f.fill.side for f in _fills(driver)] == [OrderSide.BUY, OrderSide.SELL]
        assert driver.broker.positions() == []
    finally:
        driver.close()
        gateway.stop()


def test_the_journal_tells_a_childs_fill_from_its_parents_with_the_same_execution_id() -> None:
    parent = Order("7", OrderIntent(ES, OrderSide.BUY, 1, client_ref="c-2"), OrderStatus.FILLED)
    target = Order("8", OrderIntent(ES, OrderSide.SELL, 1, OrderType.LIMIT, limit_price=5002.0, reason="take_profit"),
                   OrderStatus.FILLED, parent_id="7")
    entries = [record_event("order", OrderUpdated(1, parent, None)),
               record_event("order", OrderUpdated(2, target, None))]
    for order_id, side in (("7", OrderSide.BUY), ("8", OrderSide.SELL)):
        fill = Fill(order_id, ES, side, 1, 5000.0, 3, 0, fill_id="0000e0d5.000f4241.01.01")
        entries.append(record_event("fill", FillReceived(3, fill)))
    assert len(fill_keys(entries)) == 2
