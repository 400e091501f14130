"""Submit, cancel and modify: rejects with reasons, idempotent client refs, changes that take effect."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from mia_core.events import OrderUpdated
from mia_core.instruments import NQ
from mia_core.orders import Bracket, OrderIntent, OrderStatus

from .helpers import BUY, SELL, Venue, at, bar, flat, limit, market, stop, stop_limit


def _only_update(events: Sequence[object]) -> OrderUpdated:
    (event,) = events
    assert isinstance(event, OrderUpdated)
    return event


def test_submit_accepts_then_reports_working() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4990.0), minute=3)
    assert order.status is OrderStatus.PENDING and order.updated_ts == at(3)
    (update,) = venue.updates(order.order_id)
    assert (update.status, update.updated_ts) == (OrderStatus.WORKING, at(3))
    assert venue.exchange.open_orders() == [update]


def test_order_ids_are_unique_and_prefixed() -> None:
    venue = Venue()
    ids = {venue.submit(limit(BUY, 4990.0)).order_id for _ in range(5)}
    assert len(ids) == 5 and all(i.startswith("SIM-") for i in ids)


def test_size_above_the_maximum_is_rejected_with_a_reason() -> None:
    venue = Venue(max_order_size=10)
    order = venue.submit(market(BUY, 11))
    assert order.status is OrderStatus.REJECTED
    assert "max_order_size 10" in order.reject_reason
    (update,) = venue.updates(order.order_id)
    assert update.status is OrderStatus.REJECTED and update.reject_reason == order.reject_reason
    venue.feed(flat(1, 5000.0))
    assert venue.fills() == [] and venue.exchange.open_orders() == []


def test_another_instrument_is_rejected() -> None:
    venue = Venue()
    order = venue.submit(OrderIntent(NQ, BUY, 1))
    assert order.status is OrderStatus.REJECTED and "NQ" in order.reject_reason


def test_off_grid_intent_prices_are_rejected_even_if_built_around_validation() -> None:
    venue = Venue()
    sneaky = limit(BUY, 4990.0)
    object.__setattr__(sneaky, "limit_price", 4990.1)  # bypass the constructor's check
    order = venue.submit(sneaky)
    assert order.status is OrderStatus.REJECTED and "tick grid" in order.reject_reason


def test_client_ref_is_an_idempotency_key() -> None:
    venue = Venue()
    first = venue.submit(limit(BUY, 4990.0, client_ref="abc"))
    count = len(venue.events)
    again = venue.submit(limit(BUY, 4980.0, 3, client_ref="abc"), minute=1)
    assert again.order_id == first.order_id and again.status is OrderStatus.WORKING
    assert len(venue.events) == count and len(venue.exchange.open_orders()) == 1
    other = venue.submit(limit(BUY, 4990.0, client_ref="xyz"))
    assert other.order_id != first.order_id


def test_client_ref_of_a_rejected_order_returns_the_rejection() -> None:
    venue = Venue(max_order_size=1)
    first = venue.submit(market(BUY, 2, client_ref="r"))
    again = venue.submit(market(BUY, 1, client_ref="r"))
    assert again == first and again.status is OrderStatus.REJECTED


def test_empty_client_ref_never_deduplicates() -> None:
    venue = Venue()
    assert venue.submit(market(BUY)).order_id != venue.submit(market(BUY)).order_id


def test_cancel_of_an_unknown_order_is_rejected() -> None:
    venue = Venue()
    update = _only_update(venue.cancel("nope", minute=2))
    assert update.order.order_id == "nope" and update.order.status is OrderStatus.REJECTED
    assert "unknown order id" in update.order.reject_reason and update.ts == at(2)


def test_modify_of_an_unknown_order_is_rejected() -> None:
    venue = Venue()
    update = _only_update(venue.modify("nope", limit_price=5000.0))
    assert update.order.status is OrderStatus.REJECTED and "unknown" in update.order.reject_reason


def test_cancel_ends_a_working_order() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4990.0))
    update = _only_update(venue.cancel(order.order_id, minute=1))
    assert (update.order.status, update.previous_status) == (OrderStatus.CANCELLED, OrderStatus.WORKING)
    venue.feed(flat(2, 4980.0))
    assert venue.fills() == [] and venue.exchange.open_orders() == []


def test_cancel_and_modify_of_a_finished_order_are_refused_and_leave_it_as_it_was() -> None:
    venue = Venue()
    order = venue.submit(market(BUY))
    venue.feed(flat(1, 5000.0))
    for events in (venue.cancel(order.order_id, 2), venue.modify(order.order_id, 2, quantity=3)):
        update = _only_update(events)
        assert update.order.status is update.previous_status is OrderStatus.FILLED
        assert "already filled" in update.order.reject_reason
    assert venue.status(order.order_id) is OrderStatus.FILLED and venue.quantity == 1


def test_modify_to_an_off_grid_price_is_refused_and_the_order_keeps_working() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4990.0))
    update = _only_update(venue.modify(order.order_id, limit_price=4990.1))
    assert update.order.status is update.previous_status is OrderStatus.WORKING
    assert "tick grid" in update.order.reject_reason
    current = venue.exchange.order(order.order_id)
    assert current is not None and current.intent.limit_price == 4990.0 and current.reject_reason == ""


def test_modify_refusals_name_the_reason() -> None:
    venue = Venue(max_order_size=5)
    order = venue.submit(limit(BUY, 4990.0, 2))
    stop_order = venue.submit(stop(SELL, 4980.0))
    cases: list[tuple[str, dict[str, float], str]] = [
        (order.order_id, {}, "nothing to change"),
        (order.order_id, {"quantity": 6}, "max_order_size"),
        (order.order_id, {"quantity": 0}, "at least 1"),
        (order.order_id, {"stop_price": 4980.0}, "not used by a limit order"),
        (stop_order.order_id, {"limit_price": 4980.0}, "not used by a stop order"),
        (order.order_id, {"limit_price": -1.0}, "tick grid"),
        (order.order_id, {"limit_price": float("nan")}, "tick grid"),
    ]
    for order_id, changes, reason in cases:
        update = _only_update(venue.modify(order_id, 0, **changes))
        assert reason in update.order.reject_reason, (changes, update.order.reject_reason)


def test_modify_quantity_must_exceed_the_filled_quantity() -> None:
    venue = Venue(max_volume_fraction=0.01)
    order = venue.submit(market(BUY, 5))
    venue.feed(flat(1, 5000.0, volume=200))
    update = _only_update(venue.modify(order.order_id, 1, quantity=2))
    assert "exceed the 2 contracts already filled" in update.order.reject_reason
    update = _only_update(venue.modify(order.order_id, 1, quantity=3))
    assert update.order.intent.quantity == 3 and update.order.status is OrderStatus.PARTIALLY_FILLED


def test_modify_that_breaks_the_bracket_is_refused() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4990.0, bracket=Bracket(stop_loss=4980.0)))
    update = _only_update(venue.modify(order.order_id, limit_price=4975.0))
    assert "bracket.stop_loss" in update.order.reject_reason


def test_child_quantity_cannot_be_modified() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4990.0, bracket=Bracket(stop_loss=4980.0)))
    child_id = f"{order.order_id}-SL"
    update = _only_update(venue.modify(child_id, quantity=3))
    assert "follows its parent" in update.order.reject_reason


def test_modified_prices_and_quantity_take_effect() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4990.0))
    update = _only_update(venue.modify(order.order_id, 1, limit_price=4998.0, quantity=3))
    assert update.order.intent.limit_price == 4998.0 and update.order.intent.quantity == 3
    assert update.order.status is OrderStatus.WORKING and update.order.updated_ts == at(1)
    venue.feed(bar(2, 5000.0, 5001.0, 4997.0, 4999.0))
    assert venue.prices(order.order_id) == [4998.0] and venue.quantity == 3


def test_modify_of_a_stop_limit_changes_both_prices() -> None:
    venue = Venue()
    order = venue.submit(stop_limit(BUY, 5005.0, 5006.0))
    venue.modify(order.order_id, stop_price=5002.0, limit_price=5003.0)
    venue.feed(bar(1, 5000.0, 5004.0, 4999.0, 5003.0))
    assert venue.prices(order.order_id) == [5002.0]


def test_modifying_parent_quantity_resizes_pending_children() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4990.0, 2, bracket=Bracket(stop_loss=4980.0, take_profit=5000.0)))
    venue.modify(order.order_id, quantity=4)
    assert {o.intent.quantity for o in venue.children(order.order_id).values()} == {4}


def test_every_reported_order_snapshot_is_consistent() -> None:
    venue = Venue()
    order = venue.submit(limit(BUY, 4990.0))
    venue.modify(order.order_id, limit_price=4995.0)
    venue.feed(bar(1, 5000.0, 5001.0, 4994.0, 4996.0))
    statuses = [(u.status, u.intent.limit_price) for u in venue.updates(order.order_id)]
    assert statuses == [
        (OrderStatus.WORKING, 4990.0),
        (OrderStatus.WORKING, 4995.0),
        (OrderStatus.FILLED, 4995.0),
    ]
    final = venue.updates(order.order_id)[-1]
    assert final == attrs.evolve(final, average_fill_price=4995.0, filled_quantity=1)
