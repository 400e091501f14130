"""The pure comparison of the engine's books with a BrokerState, and client order ids."""

from __future__ import annotations

import pytest

from adapters.live.ids import ClientOrderIds, base36
from mia_core.instruments import ES
from mia_core.orders import Order, OrderIntent, OrderSide, OrderStatus, OrderType
from mia_core.reconcile.compare import reconcile
from mia_core.reconcile.state import BrokerState


def _order(order_id: str, quantity: int = 1) -> Order:
    intent = OrderIntent(ES, OrderSide.SELL, quantity, OrderType.STOP, stop_price=4990.0)
    return Order(order_id, intent, OrderStatus.WORKING)


def test_books_that_agree_need_nothing() -> None:
    result = reconcile(-1, {"7": _order("7")}, BrokerState(5, -1, frozenset({"7"})))
    assert result.resolutions == () and result.mismatch == "" and result.settled


def test_an_order_the_broker_no_longer_works_is_filled_when_its_executions_cover_it_else_cancelled() -> None:
    working = {"7": _order("7"), "8": _order("8", 2)}
    result = reconcile(0, working, BrokerState(9, 0, frozenset(), executed={"7": 1, "8": 1}))
    done = {r.order.order_id: r.order for r in result.resolutions}
    assert done["7"].status is OrderStatus.FILLED and done["7"].filled_quantity == 1
    assert done["8"].status is OrderStatus.CANCELLED and done["8"].filled_quantity == 1
    assert "not sent again" in done["8"].reject_reason and done["8"].updated_ts == 9


def test_a_position_difference_is_a_mismatch_unless_fills_are_in_flight_or_no_position_was_reported() -> None:
    mismatch = reconcile(1, {}, BrokerState(1, -1))
    assert mismatch.difference == -2 and "the broker holds -1, the engine's books +1" in mismatch.mismatch
    in_flight = reconcile(1, {}, BrokerState(1, -1, in_flight=1))
    assert in_flight.mismatch == "" and not in_flight.settled and in_flight.difference == -2
    unknown = reconcile(1, {}, BrokerState(1, None))
    assert unknown.mismatch == "" and not unknown.settled  # a missing report is never taken to mean flat


def test_client_order_ids_are_unique_safe_and_differ_between_runs() -> None:
    first, second = ClientOrderIds("my system!", 1_700_000_000_000_000_000), ClientOrderIds("my system!", 0)
    ids = [first.next() for _ in range(3)]
    assert len(set(ids)) == 3 and all(i.startswith("my-system.") for i in ids)
    assert ids[0].endswith(".1") and len(ids[0]) <= 48
    assert second.next() not in ids
    assert base36(0) == "0" and base36(36) == "10"
    with pytest.raises(ValueError, match="non-negative"):
        base36(-1)
