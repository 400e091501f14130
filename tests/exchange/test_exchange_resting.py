"""Limit, stop and stop-limit orders against bar ranges, gaps and trades."""

from __future__ import annotations

from mia_core.orders import OrderStatus

from .helpers import BUY, SELL, Venue, bar, flat, limit, stop, stop_limit, trade


def test_buy_limit_fills_at_its_price_when_the_low_reaches_it() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4995.0))
    venue.feed(bar(1, 5000.0, 5001.0, 4996.0, 4998.0))
    assert venue.fills() == []
    venue.feed(bar(2, 4998.0, 4999.0, 4994.0, 4997.0))
    assert venue.prices(order.order_id) == [4995.0]


def test_sell_limit_fills_at_its_price_when_the_high_touches_it() -> None:
    venue = Venue()
    order = venue.submit(limit(SELL, 5005.0))
    venue.feed(bar(1, 5000.0, 5005.0, 4999.0, 5001.0))
    assert venue.prices(order.order_id) == [5005.0]


def test_limit_fills_at_the_open_when_the_bar_opens_through_it() -> None:
    venue = Venue(slippage_ticks=3)
    buy = venue.submit(limit(BUY, 4995.0))
    sell = venue.submit(limit(SELL, 5010.0))
    venue.feed(bar(1, 4990.0, 4992.0, 4989.0, 4991.0))
    venue.feed(bar(2, 5012.0, 5013.0, 5011.0, 5012.0))
    assert venue.prices(buy.order_id) == [4990.0]  # better than the limit, and no slippage on limits
    assert venue.prices(sell.order_id) == [5012.0]


def test_sell_stop_fills_at_the_stop_minus_slippage() -> None:
    venue = Venue(slippage_ticks=1)
    order = venue.submit(stop(SELL, 4995.0))
    venue.feed(bar(1, 5000.0, 5001.0, 4995.25, 4998.0))
    assert venue.fills() == []
    venue.feed(bar(2, 4998.0, 4999.0, 4990.0, 4992.0))
    assert venue.prices(order.order_id) == [4994.75]


def test_buy_stop_fills_at_the_stop_plus_slippage() -> None:
    venue = Venue(slippage_ticks=2)
    order = venue.submit(stop(BUY, 5005.0))
    venue.feed(bar(1, 5000.0, 5007.0, 4999.0, 5006.0))
    assert venue.prices(order.order_id) == [5005.5]


def test_a_gap_through_a_stop_fills_at_the_open_with_slippage() -> None:
    venue = Venue(slippage_ticks=1)
    sell = venue.submit(stop(SELL, 4995.0))
    venue.feed(bar(1, 4980.0, 4985.0, 4978.0, 4983.0))
    assert venue.prices(sell.order_id) == [4979.75]
    buy = venue.submit(stop(BUY, 4990.0), minute=1)
    venue.feed(bar(2, 5000.0, 5001.0, 4999.0, 5000.0))
    assert venue.prices(buy.order_id) == [5000.25]


def test_stop_limit_triggers_then_fills_at_the_stop_when_it_is_within_the_limit() -> None:
    venue = Venue(slippage_ticks=4)
    order = venue.submit(stop_limit(BUY, 5005.0, 5006.0))
    venue.feed(bar(1, 5000.0, 5010.0, 4999.0, 5008.0))
    assert venue.prices(order.order_id) == [5005.0]  # a limit fill: no slippage


def test_stop_limit_gapped_past_its_limit_rests_as_a_limit() -> None:
    venue = Venue()
    order = venue.submit(stop_limit(BUY, 5005.0, 5006.0))
    venue.feed(bar(1, 5010.0, 5012.0, 5008.0, 5009.0))  # triggered at the open, limit not reachable
    assert venue.fills() == []
    assert venue.status(order.order_id) is OrderStatus.WORKING
    venue.feed(bar(2, 5009.0, 5009.0, 5004.0, 5005.0))  # comes back below the stop: the limit fills
    assert venue.prices(order.order_id) == [5006.0]


def test_stop_limit_triggered_by_the_high_fills_later_in_the_same_bar() -> None:
    venue = Venue()
    order = venue.submit(stop_limit(SELL, 4995.0, 4996.0))  # sell stop-limit: fills at 4996 or better
    # Bearish bar O-H-L-C: the low 4990 triggers the stop; the limit 4996 is above, it rests.
    venue.feed(bar(1, 5000.0, 5001.0, 4990.0, 4992.0))
    assert venue.fills() == []
    venue.feed(bar(2, 4992.0, 4998.0, 4991.0, 4997.0))  # bullish O-L-H-C: the high reaches 4996
    assert venue.prices(order.order_id) == [4996.0]


def test_stop_limit_triggered_earlier_in_the_path_fills_later_in_the_same_bar() -> None:
    venue = Venue()
    order = venue.submit(stop_limit(BUY, 5005.0, 5003.0))  # limit below the stop
    # Bearish bar O-H-L-C: the high triggers the stop at 5005, then the limit 5003 fills on the way down.
    venue.feed(bar(1, 5002.0, 5006.0, 5001.0, 5001.5))
    assert venue.prices(order.order_id) == [5003.0]


def test_orders_out_of_reach_do_not_fill() -> None:
    venue = Venue()
    venue.submit(limit(BUY, 4990.0))
    venue.submit(stop(BUY, 5010.0))
    venue.submit(limit(SELL, 5010.0))
    venue.submit(stop(SELL, 4990.0))
    venue.feed(*(bar(m, 5000.0, 5009.75, 4990.25, 5001.0) for m in range(1, 20)))
    assert venue.fills() == []
    assert len(venue.exchange.open_orders()) == 4


def test_resting_orders_trigger_on_trades() -> None:
    venue = Venue(slippage_ticks=1)
    buy = venue.submit(limit(BUY, 4999.0))
    sell = venue.submit(stop(SELL, 4995.0))
    venue.feed(trade(1, 5000.0), trade(1, 4999.0, offset_ns=1), trade(1, 4994.0, offset_ns=2))
    assert venue.prices(buy.order_id) == [4999.0]
    assert venue.prices(sell.order_id) == [4993.75]  # gapped through 4995 at 4994, minus one tick


def test_intrabar_path_bullish_bar_visits_the_low_first() -> None:
    venue = Venue()
    buy = venue.submit(limit(BUY, 4995.0))
    sell = venue.submit(limit(SELL, 5005.0))
    venue.feed(bar(1, 5000.0, 5006.0, 4994.0, 5004.0))
    assert [f.order_id for f in venue.fills()] == [buy.order_id, sell.order_id]


def test_intrabar_path_bearish_bar_visits_the_high_first() -> None:
    venue = Venue()
    buy = venue.submit(limit(BUY, 4995.0))
    sell = venue.submit(limit(SELL, 5005.0))
    venue.feed(bar(1, 5000.0, 5006.0, 4994.0, 4996.0))
    assert [f.order_id for f in venue.fills()] == [sell.order_id, buy.order_id]


def test_orders_on_one_leg_fill_in_the_order_the_price_reaches_them() -> None:
    venue = Venue()
    far = venue.submit(limit(BUY, 4990.0))
    near = venue.submit(limit(BUY, 4998.0))
    venue.feed(bar(1, 5000.0, 5001.0, 4989.0, 4995.0))
    assert [f.order_id for f in venue.fills()] == [near.order_id, far.order_id]


def test_a_stop_reversal_can_fill_its_reversing_limit_later_in_the_bar() -> None:
    venue = Venue()
    entry = venue.submit(stop(BUY, 5002.0))
    exit_ = venue.submit(limit(SELL, 5004.0))
    # Bullish bar O-L-H-C: both are reached on the way up, the stop (lower) first.
    venue.feed(bar(1, 5000.0, 5005.0, 4999.0, 5003.0))
    assert [f.order_id for f in venue.fills()] == [entry.order_id, exit_.order_id]
    assert venue.quantity == 0
    assert venue.realized()[-1] == 8 * 1250


def test_fill_prices_of_flat_bars_are_exact() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 5000.0))
    venue.feed(flat(1, 5000.0))
    assert venue.prices(order.order_id) == [5000.0]
