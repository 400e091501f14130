"""The fill model's shortcuts for price-less orders leave the OrderState its general path leaves."""

from __future__ import annotations

import pytest

from mia_core.exchange.state import OrderState
from mia_core.instruments import ES
from mia_core.orders import Order, OrderIntent, OrderSide, OrderStatus, OrderType, TimeInForce

FIELDS = ("at_or_below", "children", "expires_ns", "fill_value_ticks", "fok", "ioc", "kind", "level", "limit", "live",
          "market_like", "min_bar_ts", "min_trade_ts", "order", "parent", "seq", "sign", "stop", "triggered")


def _slots(state: OrderState) -> dict[str, object]:
    return {name: getattr(state, name) for name in FIELDS}


def test_the_fields_compared_are_all_of_them() -> None:
    assert set(FIELDS) == set(getattr(OrderState, "__slots__", FIELDS))


@pytest.mark.parametrize("side", list(OrderSide))
@pytest.mark.parametrize("tif", list(TimeInForce))
def test_a_market_order_state_is_what_set_prices_and_trigger_leave(side: OrderSide, tif: TimeInForce) -> None:
    intent = OrderIntent(ES, side, 2, order_type=OrderType.MARKET, time_in_force=tif)
    order = Order("SIM-1", intent, OrderStatus.WORKING, updated_ts=1)
    state = OrderState(order, 7, ES.tick_size)
    general = OrderState(order, 7, ES.tick_size)
    general.set_prices(None, None, ES.tick_size)  # the general path of __init__
    assert _slots(state) == _slots(general)
    general.trigger()  # what Matcher._execute did for a market order before it only set ``triggered``
    state.triggered = True
    assert _slots(state) == _slots(general)
