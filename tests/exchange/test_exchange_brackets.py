"""Bracket orders: children activate on the parent's fills, one cancels the other, the path decides."""

from __future__ import annotations

from mia_core.exchange import STOP_LOSS, TAKE_PROFIT
from mia_core.orders import Bracket, OrderSide, OrderStatus, OrderType, TimeInForce

from .helpers import BUY, SELL, Venue, at, bar, flat, limit, market

LONG_BRACKET = Bracket(stop_loss=4990.0, take_profit=5010.0)
SHORT_BRACKET = Bracket(stop_loss=5010.0, take_profit=4990.0)


def _entered(venue: Venue, side: OrderSide = BUY, quantity: int = 1, bracket: Bracket = LONG_BRACKET) -> str:
    entry = venue.submit(market(side, quantity, bracket=bracket))
    venue.feed(flat(1, 5000.0))
    return entry.order_id


def test_children_are_pending_until_the_parent_fills() -> None:
    venue = Venue()
    entry = venue.submit(limit(BUY, 4995.0, 2, bracket=Bracket(stop_loss=4985.0, take_profit=5010.0)))
    children = venue.children(entry.order_id)
    assert set(children) == {STOP_LOSS, TAKE_PROFIT}
    sl, tp = children[STOP_LOSS], children[TAKE_PROFIT]
    assert (sl.intent.order_type, sl.intent.stop_price, sl.intent.side) == (OrderType.STOP, 4985.0, SELL)
    assert (tp.intent.order_type, tp.intent.limit_price, tp.intent.side) == (OrderType.LIMIT, 5010.0, SELL)
    assert sl.parent_id == tp.parent_id == entry.order_id
    assert sl.status is tp.status is OrderStatus.PENDING
    assert sl.intent.time_in_force is TimeInForce.GTC
    venue.feed(bar(1, 5000.0, 5011.0, 4999.0, 5005.0))  # reaches the target, but nothing is filled yet
    assert venue.fills() == []
    assert venue.status(sl.order_id) is OrderStatus.PENDING
    venue.feed(bar(2, 5000.0, 5001.0, 4995.0, 4998.0))
    assert venue.status(sl.order_id) is venue.status(tp.order_id) is OrderStatus.WORKING
    assert venue.quantity == 2


def test_take_profit_fill_cancels_the_stop() -> None:
    venue = Venue()
    entry_id = _entered(venue)
    children = venue.children(entry_id)
    venue.feed(bar(2, 5001.0, 5012.0, 5000.0, 5011.0))
    assert venue.prices(children[TAKE_PROFIT].order_id) == [5010.0]
    assert venue.status(children[STOP_LOSS].order_id) is OrderStatus.CANCELLED
    assert venue.quantity == 0 and venue.exchange.open_orders() == []
    assert venue.realized()[-1] == 40 * 1250


def test_stop_loss_fill_cancels_the_target() -> None:
    venue = Venue(slippage_ticks=1)
    entry_id = _entered(venue)
    children = venue.children(entry_id)
    venue.feed(bar(2, 5000.0, 5001.0, 4985.0, 4986.0))
    assert venue.prices(children[STOP_LOSS].order_id) == [4989.75]
    assert venue.status(children[TAKE_PROFIT].order_id) is OrderStatus.CANCELLED
    assert venue.quantity == 0


def test_bullish_bar_reaching_both_hits_the_long_stop_first() -> None:
    venue = Venue()
    entry_id = _entered(venue)
    children = venue.children(entry_id)
    venue.feed(bar(2, 5000.0, 5015.0, 4985.0, 5012.0))  # O-L-H-C: the low comes first
    assert [f.order_id for f in venue.fills()][1:] == [children[STOP_LOSS].order_id]
    assert venue.status(children[TAKE_PROFIT].order_id) is OrderStatus.CANCELLED


def test_bearish_bar_reaching_both_hits_the_long_target_first() -> None:
    venue = Venue()
    entry_id = _entered(venue)
    children = venue.children(entry_id)
    venue.feed(bar(2, 5000.0, 5015.0, 4985.0, 4988.0))  # O-H-L-C: the high comes first
    assert [f.order_id for f in venue.fills()][1:] == [children[TAKE_PROFIT].order_id]
    assert venue.status(children[STOP_LOSS].order_id) is OrderStatus.CANCELLED


def test_short_bracket_follows_the_path_too() -> None:
    for close, first_exit in ((5012.0, TAKE_PROFIT), (4988.0, STOP_LOSS)):  # bullish: low first; bearish: high first
        venue = Venue()
        entry_id = _entered(venue, SELL, bracket=SHORT_BRACKET)
        venue.feed(bar(2, 5000.0, 5015.0, 4985.0, close))
        assert venue.fills()[-1].order_id == venue.children(entry_id)[first_exit].order_id


def test_ambiguous_doji_assumes_the_stop_is_hit_first() -> None:
    for side, bracket in ((BUY, LONG_BRACKET), (SELL, SHORT_BRACKET)):
        venue = Venue()
        entry_id = _entered(venue, side, bracket=bracket)
        venue.feed(bar(2, 5000.0, 5015.0, 4985.0, 5000.0))  # close == open: direction unknown
        stop_id = venue.children(entry_id)[STOP_LOSS].order_id
        assert [f.order_id for f in venue.fills()][1:] == [stop_id], side


def test_children_can_fill_later_in_the_bar_their_parent_filled_in() -> None:
    venue = Venue()
    entry = venue.submit(limit(BUY, 4995.0, bracket=Bracket(stop_loss=4992.0, take_profit=5010.0)))
    # Bullish O-L-H-C: down to 4990 fills the entry at 4995 and then the stop at 4992.
    venue.feed(bar(1, 5000.0, 5012.0, 4990.0, 5011.0))
    children = venue.children(entry.order_id)
    assert venue.prices() == [4995.0, 4992.0]
    assert venue.fills()[1].order_id == children[STOP_LOSS].order_id
    assert venue.status(children[TAKE_PROFIT].order_id) is OrderStatus.CANCELLED


def test_entry_filled_at_a_gap_beyond_its_stop_is_stopped_at_once() -> None:
    venue = Venue()
    entry = venue.submit(limit(BUY, 5000.0, bracket=Bracket(stop_loss=4995.0)))
    venue.feed(flat(1, 4990.0))  # opens through the limit and through the stop
    (sl,) = venue.children(entry.order_id).values()
    assert venue.prices() == [4990.0, 4990.0]
    assert venue.status(sl.order_id) is OrderStatus.FILLED and venue.quantity == 0


def test_cancelling_an_unfilled_parent_cancels_its_children() -> None:
    venue = Venue()
    entry = venue.submit(limit(BUY, 4990.0, bracket=Bracket(stop_loss=4980.0, take_profit=5010.0)))
    venue.cancel(entry.order_id, minute=1)
    assert all(o.status is OrderStatus.CANCELLED for o in venue.children(entry.order_id).values())
    assert venue.exchange.open_orders() == []


def test_cancelling_a_child_leaves_its_sibling_working() -> None:
    venue = Venue()
    entry_id = _entered(venue)
    children = venue.children(entry_id)
    venue.cancel(children[TAKE_PROFIT].order_id, minute=1)
    assert venue.status(children[STOP_LOSS].order_id) is OrderStatus.WORKING
    venue.feed(bar(2, 5000.0, 5000.0, 4989.0, 4990.0))
    assert venue.quantity == 0


def test_children_of_a_partially_filled_parent_cover_only_the_filled_contracts() -> None:
    venue = Venue(max_volume_fraction=0.01)
    entry = venue.submit(market(BUY, 5, bracket=LONG_BRACKET))
    venue.feed(bar(1, 5000.0, 5001.0, 4999.0, 5000.0, volume=200))  # 2 contracts of 5
    children = venue.children(entry.order_id)
    assert venue.quantity == 2
    assert {o.intent.quantity for o in children.values()} == {2}
    assert venue.status(entry.order_id) is OrderStatus.PARTIALLY_FILLED
    venue.feed(bar(2, 5000.0, 5001.0, 4999.0, 5000.0, volume=300))  # 3 more
    children = venue.children(entry.order_id)
    assert venue.quantity == 5 and {o.intent.quantity for o in children.values()} == {5}


def test_partial_exit_shrinks_the_sibling_and_a_full_exit_ends_the_bracket() -> None:
    venue = Venue(max_volume_fraction=0.01)
    entry = venue.submit(market(BUY, 3, bracket=LONG_BRACKET))
    venue.feed(bar(1, 5000.0, 5001.0, 4999.0, 5000.0, volume=300))
    venue.feed(bar(2, 5000.0, 5012.0, 5000.0, 5011.0, volume=100))  # target fills 1 of 3
    children = venue.children(entry.order_id)
    tp, sl = children[TAKE_PROFIT], children[STOP_LOSS]
    assert (tp.status, tp.filled_quantity, tp.intent.quantity) == (OrderStatus.PARTIALLY_FILLED, 1, 3)
    assert (sl.status, sl.intent.quantity) == (OrderStatus.WORKING, 2)
    venue.feed(bar(3, 5000.0, 5000.0, 4985.0, 4986.0, volume=1000))  # stop takes the other 2
    children = venue.children(entry.order_id)
    assert children[STOP_LOSS].status is OrderStatus.FILLED and children[STOP_LOSS].filled_quantity == 2
    assert children[TAKE_PROFIT].status is OrderStatus.CANCELLED
    assert venue.quantity == 0 and venue.exchange.open_orders() == []


def test_exit_of_the_whole_filled_quantity_cancels_the_parent_remainder() -> None:
    venue = Venue(max_volume_fraction=0.01)
    entry = venue.submit(limit(BUY, 5000.0, 4, bracket=Bracket(stop_loss=4990.0)))
    venue.feed(bar(1, 5000.0, 5000.0, 5000.0, 5000.0, volume=100))  # 1 of 4
    # A gap through both: at one price stops go before limits, so the stop sells that 1 first.
    venue.feed(flat(2, 4985.0, volume=100))
    assert venue.status(entry.order_id) is OrderStatus.CANCELLED
    assert venue.prices() == [5000.0, 4985.0]
    assert venue.quantity == 0 and venue.exchange.open_orders() == []


def test_modifying_a_child_stop_moves_it() -> None:
    venue = Venue()
    entry_id = _entered(venue)
    stop_id = venue.children(entry_id)[STOP_LOSS].order_id
    venue.modify(stop_id, minute=1, stop_price=4998.0)
    venue.feed(bar(2, 5000.0, 5001.0, 4997.0, 4999.0))
    assert venue.prices(stop_id) == [4998.0]


def test_expired_day_parent_cancels_its_pending_children() -> None:
    venue = Venue()
    entry = venue.submit(limit(BUY, 4900.0, bracket=Bracket(stop_loss=4890.0)))
    venue.feed(flat(24 * 60, 5000.0))  # the next day
    assert venue.status(entry.order_id) is OrderStatus.EXPIRED
    (child,) = venue.children(entry.order_id).values()
    assert child.status is OrderStatus.CANCELLED and child.updated_ts == at(24 * 60)
