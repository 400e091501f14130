"""Account, position and P&L as IB reports them, checked against the fills the broker reported."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.ib.driver import IbGatewayDriver
from mia_core.events import FillReceived, PositionChanged
from mia_core.orders import OrderIntent, OrderSide


@pytest.fixture
def driver() -> Iterator[IbGatewayDriver]:
    d = IbGatewayDriver()
    yield d
    d.close()


def test_a_round_trip_shows_in_position_and_realized_pnl(driver: IbGatewayDriver) -> None:
    es = driver.instrument
    before = driver.broker.account()
    driver.broker.submit(OrderIntent(es, OrderSide.BUY, 2))
    driver.settle()
    (position,) = driver.broker.positions()
    buys = [e.fill for e in driver.events if isinstance(e, FillReceived)]
    assert position.quantity == 2 and position.average_price == buys[0].price
    assert any(isinstance(e, PositionChanged) and e.position.quantity == 2 for e in driver.events)
    driver.trade_at(driver.reference_price + 8 * es.tick_size)
    driver.broker.submit(OrderIntent(es, OrderSide.SELL, 2))
    driver.settle()
    assert driver.broker.positions() == []
    fills = [e.fill for e in driver.events if isinstance(e, FillReceived)]
    assert [f.side for f in fills] == [OrderSide.BUY, OrderSide.SELL]
    assert all(f.commission_cents == 2 * 225 for f in fills)  # 2.25 per contract, as the gateway charges
    gross = es.ticks_to_cents(es.to_ticks(fills[1].price) - es.to_ticks(fills[0].price), 2)
    after = driver.broker.account()
    assert after.cash_cents - before.cash_cents == gross - 2 * 450  # futures P&L settles into cash, net of fees
    assert after.realized_pnl_cents - before.realized_pnl_cents in (gross, gross - 2 * 450)  # IB's own figure
    assert after.unrealized_pnl_cents == 0
    assert after.equity_cents == after.cash_cents
    assert after.account_id == "ib"  # the real account id never leaves the broker


def test_the_account_id_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    d = IbGatewayDriver()
    try:
        d.broker.submit(OrderIntent(d.instrument, OrderSide.BUY, 1))
        d.settle()
    finally:
        d.close()
    text = caplog.text
    assert "placeOrder" in text and "position" in text  # ib_async did log orders, positions and account values
    assert "DU1234567" not in text and "DU*****67" in text


def test_a_bracket_stop_moved_by_modify_protects_at_its_new_price(driver: IbGatewayDriver) -> None:
    from mia_core.exchange import STOP_LOSS
    from mia_core.orders import Bracket, OrderStatus

    es, price = driver.instrument, driver.reference_price
    tick = es.tick_size
    entry = driver.broker.submit(
        OrderIntent(es, OrderSide.BUY, 1, bracket=Bracket(stop_loss=price - 12 * tick, take_profit=price + 12 * tick))
    )
    driver.settle()
    children = [o for o in driver.broker.open_orders() if o.parent_id == entry.order_id]
    stop = next(o for o in children if o.intent.reason == STOP_LOSS)
    driver.broker.modify(stop.order_id, stop_price=price - 4 * tick)  # trail the stop up
    driver.settle()
    at_gateway = next(o for o in driver.gateway.gateway.orders.values() if str(o.order_id) == stop.order_id)
    assert at_gateway.aux_price == price - 4 * tick
    driver.trade_at(price - 4 * tick)
    stop_fills = [e.fill for e in driver.events if isinstance(e, FillReceived) and e.fill.order_id == stop.order_id]
    assert len(stop_fills) == 1 and driver.broker.positions() == []
    assert driver.broker.open_orders() == []  # the target was cancelled with the stop's fill (one cancels the other)
    target = next(o for o in children if o.order_id != stop.order_id)
    updates = [e.order for e in driver.events if hasattr(e, "order") and e.order.order_id == target.order_id]
    assert updates[-1].status is OrderStatus.CANCELLED


def test_stop_and_stop_limit_orders_wait_for_their_trigger(driver: IbGatewayDriver) -> None:
    from mia_core.orders import OrderType

    es, price = driver.instrument, driver.reference_price
    tick = es.tick_size
    stop = driver.broker.submit(OrderIntent(es, OrderSide.SELL, 1, OrderType.STOP, stop_price=price - 4 * tick))
    stop_limit = driver.broker.submit(
        OrderIntent(
            es, OrderSide.BUY, 1, OrderType.STOP_LIMIT, stop_price=price + 4 * tick, limit_price=price + 5 * tick
        )
    )
    driver.trade_at(price)

    def fills(order_id: str) -> list[float]:
        return [e.fill.price for e in driver.events if isinstance(e, FillReceived) and e.fill.order_id == order_id]

    assert fills(stop.order_id) == [] and fills(stop_limit.order_id) == []
    driver.trade_at(price - 4 * tick)
    (sold,) = fills(stop.order_id)
    assert sold <= price - 4 * tick
    driver.trade_at(price + 4 * tick)
    (bought,) = fills(stop_limit.order_id)
    assert price + 4 * tick <= bought <= price + 5 * tick


def test_account_ids_in_a_logged_traceback_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import adapters.ib.connection  # noqa: F401  # installs the account filter on the IB loggers

    caplog.set_level(logging.DEBUG)
    for name in ("mia.ib", "eventkit.event"):  # MIA's "after reconnect" failures; a raising ib_async event handler
        try:
            raise ValueError("Order(orderId=7, account='DU7654321', orderRef='mia:x')")
        except ValueError:
            logging.getLogger(name).exception("handling %s failed", "Trade(order=...)")
    assert caplog.text.count("ValueError: Order(orderId=7, account='DU*****21'") == 2  # both tracebacks, masked
    assert "DU7654321" not in caplog.text
