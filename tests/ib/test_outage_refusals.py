"""Orders refused during a known IB outage (1100 .. 1101/1102) are not errors of the system."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.ib.driver import IbGatewayDriver
from mia_core.engine.core import TradingEngine
from mia_core.events import OrderUpdated
from mia_core.instruments import ES
from mia_core.market import Bar, TimerFired
from mia_core.orders import OrderIntent, OrderSide, OrderStatus, OrderType
from mia_core.risk.catastrophe import CatastropheConfig
from mia_core.signals import Signal


class Quiet:
    """A strategy that never signals."""

    name = "quiet"

    def on_bar(self, bar: Bar, context: object) -> Signal | None:
        return None


@pytest.fixture
def driver() -> Iterator[IbGatewayDriver]:
    made = IbGatewayDriver(client_id=83)
    yield made
    made.close()


def _limit(driver: IbGatewayDriver, n: int) -> OrderIntent:
    price = driver.reference_price - (4 + n) * driver.instrument.tick_size
    return OrderIntent(driver.instrument, OrderSide.BUY, 1, OrderType.LIMIT, limit_price=price, client_ref=f"o{n}")


def test_orders_refused_during_two_1100_outages_do_not_trip_the_error_rate(driver: IbGatewayDriver) -> None:
    gateway = driver.gateway
    outages = {2: 2, 5: 2}  # before order n: an outage in which this many orders are refused
    n = 0
    for index in range(7):
        if index in outages:
            gateway.call(gateway.gateway.send_error(1100))
            driver.settle()
            for _ in range(outages[index]):
                refused = driver.broker.submit(_limit(driver, n))
                assert refused.status is OrderStatus.REJECTED and "no connection" in refused.reject_reason
                n += 1
            gateway.call(gateway.gateway.send_error(1102))
            driver.settle()
        driver.broker.submit(_limit(driver, n))
        n += 1
    driver.settle()
    updates = [e for e in driver.events if isinstance(e, OrderUpdated) and e.order.parent_id is None]
    engine = TradingEngine(ES, Quiet(), catastrophe=CatastropheConfig(enabled=True))  # defaults: > 10% of >= 10
    for update in updates:
        engine.handle(update)
    refused = {u.order.order_id for u in updates if u.order.status is OrderStatus.REJECTED}
    assert len(refused) == 4 and len({u.order.order_id for u in updates}) == 11  # 4 of 11, as reported
    engine.handle(TimerFired(updates[-1].ts + 1, "heartbeat"))
    assert not engine.desk.latched, engine.desk.monitor and engine.desk.monitor.state
    assert all(u.order.refused_offline for u in updates if u.order.order_id in refused)


def test_an_order_ib_rejects_while_the_link_is_up_still_counts(driver: IbGatewayDriver) -> None:
    gateway = driver.gateway
    for n in range(11):
        if n < 4:
            gateway.do(lambda: gateway.gateway.reject_next_order("margin"))
        driver.broker.submit(_limit(driver, n))
        driver.settle()
    updates = [e for e in driver.events if isinstance(e, OrderUpdated) and e.order.parent_id is None]
    engine = TradingEngine(ES, Quiet(), catastrophe=CatastropheConfig(enabled=True))
    for update in updates:
        engine.handle(update)
    engine.handle(TimerFired(updates[-1].ts + 1, "heartbeat"))
    assert engine.desk.latched and engine.desk.monitor is not None
    assert engine.desk.monitor.state.trigger == "error_rate"


def test_the_journal_shows_the_outage_mark_only_when_set() -> None:
    from adapters.journal.jsonl import to_plain
    from mia_core.orders import Order

    intent = OrderIntent(ES, OrderSide.BUY, 1)
    assert "refused_offline" not in to_plain(Order("1", intent, OrderStatus.REJECTED))  # journals as before
    assert to_plain(Order("2", intent, OrderStatus.REJECTED, refused_offline=True))["refused_offline"] is True


def test_a_latch_shows_on_the_terminal_without_any_notifier() -> None:
    from rich.console import Console

    from adapters.live.session import status_table

    engine = TradingEngine(ES, Quiet(), catastrophe=CatastropheConfig(enabled=True))
    console = Console(record=True, width=200)
    console.print(status_table(engine, 0))
    assert "LATCHED" not in console.export_text()
    engine.manual_stop("error_rate test")
    console.print(status_table(engine, 0))
    text = console.export_text()
    assert "LATCHED" in text and "manual_stop" in text and "mia risk rearm" in text
