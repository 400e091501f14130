"""Faults against the simulated IB Gateway: drops, 1100/1102, long outages; nothing is ever sent twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.ib.driver import GatewayThread, IbGatewayDriver
from mia_core.events import ConnectionChanged, ConnectionState, FillReceived
from mia_core.orders import OrderIntent, OrderSide, OrderStatus, OrderType


@pytest.fixture
def make() -> Iterator[type[IbGatewayDriver]]:
    made: list[IbGatewayDriver] = []

    def build(**settings: object) -> IbGatewayDriver:
        driver = IbGatewayDriver(**settings)  # type: ignore[arg-type]
        made.append(driver)
        return driver

    yield build  # type: ignore[misc]
    for driver in made:
        driver.close()


def _limit(driver: IbGatewayDriver, ticks: int, ref: str = "") -> OrderIntent:
    price = driver.reference_price + ticks * driver.instrument.tick_size
    return OrderIntent(driver.instrument, OrderSide.BUY, 1, OrderType.LIMIT, limit_price=price, client_ref=ref)


def _fills(driver: IbGatewayDriver, order_id: str) -> list[FillReceived]:
    return [e for e in driver.events if isinstance(e, FillReceived) and e.fill.order_id == order_id]


def _drop(driver: IbGatewayDriver) -> None:
    driver.gateway.call(driver.gateway.gateway.drop_connections())


def test_a_drop_reconnects_reconciles_and_never_resends(make) -> None:  # type: ignore[no-untyped-def]
    driver = make()
    order = driver.broker.submit(_limit(driver, -4, "ref-1"))
    driver.settle()
    placed = len(driver.gateway.gateway.orders)
    _drop(driver)
    assert driver.wait_for(lambda: driver.connection.reconnects >= 1 and driver.connection.connected)
    driver.settle()
    assert len(driver.gateway.gateway.orders) == placed  # nothing sent again
    assert order.order_id in {o.order_id for o in driver.broker.open_orders()}
    assert driver.broker.submit(_limit(driver, -4, "ref-1")).order_id == order.order_id  # idempotent ref
    driver.trade_at(driver.reference_price - 4 * driver.instrument.tick_size)
    assert len(_fills(driver, order.order_id)) == 1


def test_a_fill_during_the_outage_is_booked_once_after_reconnecting(make) -> None:  # type: ignore[no-untyped-def]
    driver = make(reconnect_initial_delay=1.0)
    order = driver.broker.submit(_limit(driver, -4))
    driver.settle()
    _drop(driver)
    tick = driver.instrument.tick_size
    limit = driver.reference_price - 4 * tick
    driver.gateway.do(lambda: driver.gateway.gateway.set_price("ES", limit, bid=limit - tick, ask=limit))
    assert len(driver.gateway.gateway.executions) == 1  # filled at the gateway while MIA was away
    assert driver.wait_for(lambda: driver.connection.reconnects >= 1 and driver.connection.connected)
    assert driver.wait_for(lambda: len(_fills(driver, order.order_id)) == 1)
    driver.settle()
    assert [p.quantity for p in driver.broker.positions()] == [1]
    _drop(driver)
    assert driver.wait_for(lambda: driver.connection.reconnects >= 2 and driver.connection.connected)
    driver.settle()
    assert len(_fills(driver, order.order_id)) == 1  # reported again by IB, booked once


def test_a_long_outage_reaches_the_engine_as_connection_lost_then_restored(make) -> None:  # type: ignore[no-untyped-def]
    driver = make(disconnect_alert_after=0.3)
    port = driver.gateway.port
    driver.gateway.stop()

    def states() -> list[ConnectionState]:
        return [e.state for e in driver.events if isinstance(e, ConnectionChanged)]

    assert driver.wait_for(lambda: states() == [ConnectionState.LOST])
    lost = next(e for e in driver.events if isinstance(e, ConnectionChanged))
    assert lost.source == "ib" and "no connection to IB" in lost.detail
    driver.gateway = GatewayThread(port=port)
    assert driver.wait_for(lambda: states() == [ConnectionState.LOST, ConnectionState.RESTORED])


def test_a_short_drop_is_not_reported_as_an_outage(make) -> None:  # type: ignore[no-untyped-def]
    driver = make(disconnect_alert_after=5.0)
    _drop(driver)
    assert driver.wait_for(lambda: driver.connection.reconnects >= 1 and driver.connection.connected)
    driver.settle()
    assert not [e for e in driver.events if isinstance(e, ConnectionChanged)]


def test_no_order_goes_out_while_ib_reports_lost_connectivity(make) -> None:  # type: ignore[no-untyped-def]
    driver = make()
    driver.gateway.call(driver.gateway.gateway.send_error(1100))
    driver.settle()
    refused = driver.broker.submit(_limit(driver, -4))
    assert refused.status is OrderStatus.REJECTED and "no connection" in refused.reject_reason
    driver.gateway.call(driver.gateway.gateway.send_error(1102))
    driver.settle()
    accepted = driver.broker.submit(_limit(driver, -4))
    driver.settle()
    assert accepted.status is OrderStatus.PENDING
    assert accepted.order_id in {o.order_id for o in driver.broker.open_orders()}


def test_a_restarted_mia_recovers_its_orders_and_books_only_unjournaled_fills(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from adapters.journal.jsonl import JsonLinesJournal
    from mia_core.journal import JournalEntry

    gateway = GatewayThread()
    journal = tmp_path / "journal.jsonl"
    try:
        first = IbGatewayDriver(gateway=gateway, client_id=81)
        tick = first.instrument.tick_size
        resting = first.broker.submit(_limit(first, -8, "rest-1"))
        bought = first.broker.submit(OrderIntent(first.instrument, OrderSide.BUY, 1))
        sold = first.broker.submit(OrderIntent(first.instrument, OrderSide.SELL, 1))
        first.settle()
        booked = [e for e in first.events if isinstance(e, FillReceived)]
        assert {e.fill.order_id for e in booked} == {bought.order_id, sold.order_id}
        recorded = next(e for e in booked if e.fill.order_id == bought.order_id)  # the crash lost the other one
        JsonLinesJournal(journal).record(JournalEntry(recorded.ts, "fill", {"event": recorded}))
        first.close()

        second = IbGatewayDriver(gateway=gateway, client_id=81, journal_path=str(journal))
        second.settle()
        again = [e.fill for e in second.events if isinstance(e, FillReceived)]
        assert [f.order_id for f in again] == [sold.order_id]  # the journaled fill is not booked twice
        (recovered,) = second.broker.open_orders()
        assert recovered.order_id == resting.order_id and recovered.intent.limit_price == 5000.0 - 8 * tick
        assert second.broker.submit(_limit(second, -8, "rest-1")).order_id == resting.order_id  # not sent again
        second.settle()
        assert len(gateway.gateway.orders) == 3
        second.close()
    finally:
        gateway.stop()


def test_an_order_ib_rejects_is_reported_rejected_with_ibs_reason(make) -> None:  # type: ignore[no-untyped-def]
    driver = make()
    driver.gateway.do(lambda: driver.gateway.gateway.reject_next_order("margin too low for this test"))
    order = driver.broker.submit(_limit(driver, -4))
    driver.settle()
    last = [e.order for e in driver.events if hasattr(e, "order") and e.order.order_id == order.order_id][-1]
    assert last.status is OrderStatus.REJECTED
    assert last.reject_reason.startswith("IB 201") and "margin too low for this test" in last.reject_reason
    cancelled = driver.broker.submit(_limit(driver, -4))
    driver.settle()
    driver.broker.cancel(cancelled.order_id)
    driver.settle()
    final = [e.order for e in driver.events if hasattr(e, "order") and e.order.order_id == cancelled.order_id][-1]
    assert final.status is OrderStatus.CANCELLED and final.reject_reason == ""


def test_an_order_filled_during_the_outage_is_reported_filled_not_left_working(make) -> None:  # type: ignore[no-untyped-def]
    driver = make(reconnect_initial_delay=1.0)
    order = driver.broker.submit(_limit(driver, -4))
    driver.settle()
    _drop(driver)
    tick = driver.instrument.tick_size
    limit = driver.reference_price - 4 * tick
    driver.gateway.do(lambda: driver.gateway.gateway.set_price("ES", limit, bid=limit - tick, ask=limit))
    assert driver.wait_for(lambda: driver.connection.reconnects >= 1 and driver.connection.connected)
    assert driver.wait_for(lambda: len(_fills(driver, order.order_id)) == 1)
    driver.settle()
    assert driver.broker.open_orders() == []  # IB no longer lists it and its execution covers it
    last = [e.order for e in driver.events if hasattr(e, "order") and e.order.order_id == order.order_id][-1]
    assert last.status is OrderStatus.FILLED and last.filled_quantity == 1 and last.average_fill_price == limit


def test_connecting_again_after_a_drop_and_a_disconnect_accepts_orders(make) -> None:  # type: ignore[no-untyped-def]
    driver = make(reconnect_initial_delay=30.0)  # the reconnect loop stays asleep: the user reconnects
    _drop(driver)
    assert driver.wait_for(lambda: not driver.connection.connected)
    driver.run(driver.broker.disconnect())
    driver.run(driver.broker.connect())
    accepted = driver.broker.submit(_limit(driver, -4))
    driver.settle()
    assert accepted.status is OrderStatus.PENDING and accepted.reject_reason == ""
    assert accepted.order_id in {o.order_id for o in driver.broker.open_orders()}


def test_an_unexpected_error_while_reconnecting_does_not_end_reconnecting(make) -> None:  # type: ignore[no-untyped-def]
    driver = make()
    ib = driver.connection.ib
    real_connect = ib.connectAsync
    raised: list[str] = []

    async def odd_once(*args: object, **kwargs: object) -> object:  # ib_async choking on odd data, once
        if not raised:
            raised.append("ValueError")
            raise ValueError("could not convert string to float: 'N/A'")
        return await real_connect(*args, **kwargs)

    ib.connectAsync = odd_once  # type: ignore[method-assign]
    _drop(driver)
    assert driver.wait_for(lambda: driver.connection.reconnects >= 1 and driver.connection.connected, limit=30)
    assert raised == ["ValueError"] and driver.connection.link_up


def test_connect_gives_up_with_a_clear_error_when_ib_never_answers_contract_details() -> None:
    import asyncio

    from adapters.clocks import WallClock
    from adapters.ib.broker import IbBroker
    from adapters.ib.config import IbBrokerConfig
    from adapters.ib.connection import IbConnection
    from adapters.ib.errors import IbConnectionError
    from mia_core.instruments import ES

    gateway = GatewayThread()
    gateway.gateway.handlers[9] = lambda session, fields: None  # reqContractDetails left unanswered (farm down)
    config = IbBrokerConfig(port=gateway.port, client_id=93, account_env="", connect_timeout=30, request_timeout=1)
    clock = WallClock()
    connection = IbConnection(config, clock)
    broker = IbBroker(connection, ES, clock, config)

    async def connect() -> None:
        try:
            await asyncio.wait_for(broker.connect(), 60)  # the test's own bound, far above request_timeout
        finally:
            connection.close()

    try:
        with pytest.raises(IbConnectionError, match="did not answer the contract details request for ES"):
            asyncio.run(connect())
    finally:
        gateway.stop()
