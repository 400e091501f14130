"""Volume-limited partial fills, IOC/FOK, and DAY expiry at the CME session end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mia_core.exchange import session_end_ns
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.orders import OrderStatus, TimeInForce
from mia_core.timeutil import cme_trading_day, to_ns

from .helpers import BUY, SELL, Venue, bar, flat, limit, market, stop, trade


def test_fills_are_capped_at_the_volume_fraction_and_the_rest_keeps_working() -> None:
    venue = Venue(max_volume_fraction=0.1)
    order = venue.submit(market(BUY, 10))
    venue.feed(flat(1, 5000.0, volume=30))
    assert [f.quantity for f in venue.fills()] == [3]
    assert venue.status(order.order_id) is OrderStatus.PARTIALLY_FILLED
    venue.feed(flat(2, 5001.0, volume=45), flat(3, 5002.0, volume=1000))
    assert [(f.quantity, f.price) for f in venue.fills()] == [(3, 5000.0), (4, 5001.0), (3, 5002.0)]
    final = venue.exchange.order(order.order_id)
    assert final is not None and final.status is OrderStatus.FILLED
    assert final.average_fill_price == (3 * 5000 + 4 * 5001 + 3 * 5002) / 10


def test_a_bar_too_thin_for_one_contract_fills_nothing() -> None:
    venue = Venue(max_volume_fraction=0.1)
    venue.submit(market(BUY, 1))
    venue.feed(flat(1, 5000.0, volume=9))
    assert venue.fills() == []


def test_the_volume_cap_is_shared_by_all_orders_in_a_bar() -> None:
    venue = Venue(max_volume_fraction=0.5)
    first = venue.submit(limit(BUY, 4999.0, 3))
    second = venue.submit(limit(BUY, 4998.0, 3))
    venue.feed(bar(1, 5000.0, 5000.0, 4997.0, 4997.0, volume=8))
    assert [(f.order_id, f.quantity) for f in venue.fills()] == [(first.order_id, 3), (second.order_id, 1)]


def test_a_stop_triggered_without_volume_fills_at_the_next_open() -> None:
    venue = Venue(max_volume_fraction=0.1)
    order = venue.submit(stop(SELL, 4995.0, 2))
    venue.feed(bar(1, 5000.0, 5000.0, 4994.0, 4999.0, volume=5))  # triggered, no volume for us
    assert venue.fills() == []
    venue.feed(bar(2, 5003.0, 5004.0, 5002.0, 5003.0, volume=100))  # back above the stop: still a market order
    assert venue.prices(order.order_id) == [5003.0]


def test_volume_cap_applies_to_trade_sizes() -> None:
    venue = Venue(max_volume_fraction=0.5, market_fill="next_trade")
    venue.submit(market(BUY, 5))
    venue.feed(trade(1, 5000.0, size=4), trade(2, 5000.0, size=7))
    assert [f.quantity for f in venue.fills()] == [2, 3]


def test_ioc_fills_what_it_can_at_once_and_cancels_the_rest() -> None:
    venue = Venue(max_volume_fraction=0.1)
    order = venue.submit(market(BUY, 5, time_in_force=TimeInForce.IOC))
    venue.feed(flat(1, 5000.0, volume=20), flat(2, 5000.0, volume=1000))
    assert [f.quantity for f in venue.fills()] == [2]
    final = venue.exchange.order(order.order_id)
    assert final is not None and (final.status, final.filled_quantity) == (OrderStatus.CANCELLED, 2)


def test_ioc_limit_is_judged_at_the_open_only() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4995.0, time_in_force=TimeInForce.IOC))
    venue.feed(bar(1, 5000.0, 5001.0, 4990.0, 4992.0))  # reaches 4995 later in the bar: too late
    assert venue.fills() == [] and venue.status(order.order_id) is OrderStatus.CANCELLED


def test_fok_fills_completely_or_not_at_all() -> None:
    venue = Venue(max_volume_fraction=0.1)
    thin = venue.submit(market(BUY, 5, time_in_force=TimeInForce.FOK))
    venue.feed(flat(1, 5000.0, volume=20))
    assert venue.fills() == [] and venue.status(thin.order_id) is OrderStatus.CANCELLED
    deep = venue.submit(market(BUY, 5, time_in_force=TimeInForce.FOK), minute=1)
    venue.feed(flat(2, 5000.0, volume=100))
    assert [f.quantity for f in venue.fills()] == [5] and venue.status(deep.order_id) is OrderStatus.FILLED


def test_session_end_is_the_next_17h_chicago_rollover() -> None:
    morning = to_ns(datetime(2024, 3, 5, 15, 0, tzinfo=UTC))  # 09:00 CST
    end = session_end_ns(morning)
    assert end == to_ns(datetime(2024, 3, 5, 23, 0, tzinfo=UTC))  # 17:00 CST
    assert cme_trading_day(end - 1) == cme_trading_day(morning)
    assert cme_trading_day(end) > cme_trading_day(morning)
    summer = to_ns(datetime(2024, 7, 9, 22, 30, tzinfo=UTC))  # 17:30 CDT: already the next trading day
    assert session_end_ns(summer) == to_ns(datetime(2024, 7, 10, 22, 0, tzinfo=UTC))


def _bar_at(when: datetime, price: float = 5000.0) -> Bar:
    return Bar(ES, to_ns(when), price, price, price, price, 1000)


def test_day_order_expires_at_the_first_bar_of_the_next_trading_day() -> None:
    venue = Venue()
    submitted = datetime(2024, 3, 5, 15, 0, tzinfo=UTC)
    order = venue.submit(limit(BUY, 4900.0), ts=to_ns(submitted))
    venue.feed(_bar_at(datetime(2024, 3, 5, 22, 59, tzinfo=UTC)))
    assert venue.status(order.order_id) is OrderStatus.WORKING
    last = datetime(2024, 3, 5, 23, 0, tzinfo=UTC)
    venue.feed(_bar_at(last, 4800.0))
    (update,) = [u for u in venue.updates(order.order_id) if u.status is OrderStatus.EXPIRED]
    assert update.updated_ts == to_ns(last)
    assert venue.fills() == []  # expired before the bar could fill it


def test_friday_day_order_expires_on_the_sunday_evening_open() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4900.0), ts=to_ns(datetime(2024, 3, 8, 20, 0, tzinfo=UTC)))
    sunday_open = datetime(2024, 3, 10, 22, 0, tzinfo=UTC) + timedelta(minutes=1)  # 17:01 CDT
    venue.feed(_bar_at(sunday_open))
    assert venue.status(order.order_id) is OrderStatus.EXPIRED


def test_gtc_orders_never_expire_and_day_expiry_also_happens_on_trades() -> None:
    venue = Venue()
    gtc = venue.submit(limit(BUY, 4900.0, time_in_force=TimeInForce.GTC))
    day = venue.submit(limit(BUY, 4900.0))
    venue.feed(trade(60 * 24 * 30, 5000.0))
    assert venue.status(gtc.order_id) is OrderStatus.WORKING
    assert venue.status(day.order_id) is OrderStatus.EXPIRED
