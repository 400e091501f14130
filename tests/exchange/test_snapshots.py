"""The exchange's cheap constructors build what the validating constructors build, field for field."""

from __future__ import annotations

import attrs

from mia_core.events import FillReceived, OrderUpdated, PositionChanged
from mia_core.exchange import snapshots
from mia_core.instruments import ES
from mia_core.orders import Fill, Order, OrderStatus, Position

from .helpers import BUY, SELL, at, market


def _fields(obj: object) -> dict[str, object]:
    return attrs.asdict(obj, recurse=False)  # type: ignore[arg-type]


def test_a_new_order_and_its_next_snapshots_equal_the_validating_constructors() -> None:
    intent = market(BUY, 2)
    made = snapshots.new_order("SIM-1", intent, at(0))
    assert _fields(made) == _fields(Order("SIM-1", intent, OrderStatus.PENDING, updated_ts=at(0)))
    working = snapshots.next_order(made, OrderStatus.WORKING, at(1))
    assert _fields(working) == _fields(attrs.evolve(made, status=OrderStatus.WORKING, updated_ts=at(1)))
    filled = snapshots.next_order(working, OrderStatus.FILLED, at(2), filled_quantity=2, average_fill_price=5000.25)
    expected = attrs.evolve(working, status=OrderStatus.FILLED, updated_ts=at(2), filled_quantity=2,
                            average_fill_price=5000.25)
    assert _fields(filled) == _fields(expected) and filled == expected
    smaller = market(BUY, 1)
    assert snapshots.next_order(made, OrderStatus.WORKING, at(3), intent=smaller).intent is smaller


def test_fills_events_and_positions_equal_the_validating_constructors() -> None:
    fill = snapshots.fill("SIM-1", ES, SELL, 3, 5000.5, at(4), 675, "SIM-F1")
    assert _fields(fill) == _fields(Fill("SIM-1", ES, SELL, 3, 5000.5, at(4), 675, "SIM-F1"))
    order = snapshots.new_order("SIM-2", market(SELL), at(4))
    updated = snapshots.order_updated(at(4), order, None)
    assert _fields(updated) == _fields(OrderUpdated(at(4), order, None))
    received = snapshots.fill_received(at(4), fill)
    assert _fields(received) == _fields(FillReceived(at(4), fill))
    position = snapshots.position(ES, -3, 5000.5)
    assert _fields(position) == _fields(Position(ES, -3, 5000.5))
    changed = snapshots.position_changed(at(4), position, -1250)
    assert _fields(changed) == _fields(PositionChanged(at(4), position, -1250))


def test_a_status_change_reports_what_next_order_and_order_updated_build() -> None:
    made = snapshots.new_order("SIM-1", market(BUY, 2), at(0))
    event = snapshots.status_changed(made, OrderStatus.WORKING, at(1))
    expected = snapshots.order_updated(at(1), snapshots.next_order(made, OrderStatus.WORKING, at(1)),
                                       OrderStatus.PENDING)
    assert event == expected == OrderUpdated(at(1), attrs.evolve(made, status=OrderStatus.WORKING, updated_ts=at(1)),
                                             OrderStatus.PENDING)


def test_a_reported_fill_appends_the_three_events_the_validating_constructors_build() -> None:
    working = snapshots.next_order(snapshots.new_order("SIM-1", market(SELL, 2), at(0)), OrderStatus.WORKING, at(0))
    position = snapshots.position(ES, -1, 5000.25)
    events: list[object] = []
    updated = snapshots.fill_reported(events, at(1), working, OrderStatus.PARTIALLY_FILLED, 1, 5000.25, ES, "SIM-F1",
                                      1, 5000.25, 225, position, -1250)
    assert updated == attrs.evolve(working, status=OrderStatus.PARTIALLY_FILLED, filled_quantity=1,
                                   average_fill_price=5000.25, updated_ts=at(1))
    fill = Fill("SIM-1", ES, SELL, 1, 5000.25, at(1), 225, "SIM-F1")
    assert events == [FillReceived(at(1), fill), OrderUpdated(at(1), updated, OrderStatus.WORKING),
                      PositionChanged(at(1), Position(ES, -1, 5000.25), -1250)]


def test_an_accepted_order_reports_what_the_validating_constructors_build() -> None:
    from mia_core.exchange import SimulatedExchange

    intent = market(BUY, 2, client_ref="a")
    exchange = SimulatedExchange(ES)
    order, events = exchange.submit(intent, at(1))  # an int ts and an OrderIntent: the one-call way
    pending = Order("SIM-1", intent, OrderStatus.PENDING, updated_ts=at(1))
    assert order == pending
    assert events == [OrderUpdated(at(1), attrs.evolve(pending, status=OrderStatus.WORKING), OrderStatus.PENDING)]
    assert exchange.open_orders() == [events[0].order]  # type: ignore[union-attr]
    assert exchange.submit(market(SELL, 1, client_ref="a"), at(2)) == (events[0].order, [])  # type: ignore[union-attr]
    from mia_core.instruments import NQ
    from mia_core.orders import OrderIntent

    refused, events = exchange.submit(OrderIntent(NQ, BUY, 1), at(3))  # not traded here: the general way
    assert refused.status is OrderStatus.REJECTED and events[0].order == refused  # type: ignore[union-attr]
