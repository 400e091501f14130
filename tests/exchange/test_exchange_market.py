"""Market orders: fill modes, slippage, commission and latency."""

from __future__ import annotations

import pytest

from mia_core.orders import OrderSide, OrderStatus

from .helpers import BUY, SELL, Venue, at, bar, flat, market, trade


def test_next_open_fills_at_the_open_of_the_next_bar() -> None:
    venue = Venue()
    order = venue.submit(market(BUY, 2), minute=0)
    assert order.status is OrderStatus.PENDING
    venue.feed(bar(1, 5001.0, 5003.0, 5000.0, 5002.0))
    (fill,) = venue.fills(order.order_id)
    assert (fill.price, fill.quantity, fill.ts) == (5001.0, 2, at(1))
    assert venue.status(order.order_id) is OrderStatus.FILLED
    assert venue.exchange.position().quantity == 2
    assert venue.exchange.position().average_price == 5001.0


def test_a_bar_that_closed_at_the_submit_instant_is_history_for_next_open() -> None:
    venue = Venue()
    order = venue.submit(market(BUY), minute=1)
    venue.feed(bar(1, 4990.0, 5010.0, 4990.0, 5000.0))
    assert venue.fills() == []
    venue.feed(flat(2, 5004.0))
    assert venue.prices(order.order_id) == [5004.0]


def test_bar_close_fills_at_the_close_of_the_bar_processed() -> None:
    venue = Venue(market_fill="bar_close")
    first = venue.submit(market(BUY), minute=0)
    venue.feed(bar(1, 5001.0, 5003.0, 5000.0, 5002.0))
    assert venue.prices(first.order_id) == [5002.0]
    # Submitted at a bar's close instant and processed on that same bar: its close is the price.
    second = venue.submit(market(SELL), minute=2)
    venue.feed(bar(2, 5002.0, 5006.0, 5001.0, 5005.0))
    assert venue.prices(second.order_id) == [5005.0]


def test_next_trade_fills_at_the_next_trade_and_ignores_bars() -> None:
    venue = Venue(market_fill="next_trade")
    order = venue.submit(market(SELL), minute=0)
    venue.feed(flat(1, 5000.0))
    assert venue.fills() == []
    venue.feed(trade(1, 4999.75, offset_ns=5))
    assert venue.prices(order.order_id) == [4999.75]


def test_next_open_market_orders_ignore_trades() -> None:
    venue = Venue()
    order = venue.submit(market(BUY), minute=0)
    venue.feed(trade(0, 5000.0, offset_ns=1))
    assert venue.fills() == []
    venue.feed(flat(1, 5001.0))
    assert venue.prices(order.order_id) == [5001.0]


@pytest.mark.parametrize(("side", "expected"), [(BUY, 5000.5), (SELL, 4999.5)])
def test_slippage_goes_against_the_trader(side: OrderSide, expected: float) -> None:
    venue = Venue(slippage_ticks=2)
    order = venue.submit(market(side, 1))
    venue.feed(bar(1, 5000.0, 5000.0, 5000.0, 5000.0))
    assert venue.prices(order.order_id) == [expected]


def test_commission_is_charged_per_contract_per_side_in_cents() -> None:
    venue = Venue(commission_per_contract=2.25)
    venue.submit(market(BUY, 3))
    venue.feed(flat(1, 5000.0))
    venue.submit(market(SELL, 3), minute=1)
    venue.feed(flat(2, 5001.0))
    assert [f.commission_cents for f in venue.fills()] == [675, 675]
    assert venue.exchange.book.commission_cents == 1350
    assert venue.realized() == [0, 3 * 4 * 1250]
    assert venue.exchange.book.realized_cents == 15_000


def test_commission_with_fractional_cents_is_rounded_once() -> None:
    venue = Venue(commission_per_contract=0.85)
    venue.submit(market(BUY, 7))
    venue.feed(flat(1, 5000.0))
    assert venue.fills()[0].commission_cents == 7 * 85


def test_latency_delays_the_first_bar_an_order_can_meet() -> None:
    venue = Venue(latency_ms=90_000)  # 1.5 minutes
    order = venue.submit(market(BUY), minute=0)
    venue.feed(flat(1, 5000.0))
    assert venue.fills() == []
    venue.feed(flat(2, 5001.0))
    assert venue.prices(order.order_id) == [5001.0]


def test_latency_applies_to_trades_too() -> None:
    venue = Venue(market_fill="next_trade", latency_ms=250)
    order = venue.submit(market(BUY), ts=at(0))
    venue.feed(trade(0, 5000.0, offset_ns=249_999_999))
    assert venue.fills() == []
    venue.feed(trade(0, 5000.25, offset_ns=250_000_000))
    assert venue.prices(order.order_id) == [5000.25]


def test_fills_build_a_fifo_position_with_exact_realized_pnl() -> None:
    venue = Venue(commission_per_contract=0)
    for minute, (side, qty, price) in enumerate([(BUY, 1, 5000.0), (BUY, 1, 5002.0), (SELL, 3, 5001.0)]):
        venue.submit(market(side, qty), minute=minute)
        venue.feed(flat(minute + 1, price))
    # Long 5000 and 5002, sell 3 at 5001: +4 ticks, -4 ticks, then short 1 at 5001.
    assert venue.realized() == [0, 0, 0]
    assert venue.exchange.position().quantity == -1
    assert venue.exchange.position().average_price == 5001.0
    venue.submit(market(BUY, 1), minute=3)
    venue.feed(flat(4, 4999.0))
    assert venue.realized()[-1] == 8 * 1250
    assert venue.exchange.position().is_flat
