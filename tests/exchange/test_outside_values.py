"""Values from outside (numpy numbers, floats for counts, booleans) get refusals with reasons, not crashes.

The order path may be compiled (setup.py), and a compiled function checks its annotated
types at the door with a bare TypeError; these requests must still end as the pure-Python
code ends them, with the field named (tox runs this file on both builds).
"""

from __future__ import annotations

import numpy as np
import pytest

from mia_core.engine.core import TradingEngine
from mia_core.errors import DomainValueError
from mia_core.events import OrderUpdated
from mia_core.exchange import SimulatedExchange
from mia_core.instruments import ES
from mia_core.orders import OrderIntent, OrderSide, OrderStatus, OrderType, TimeInForce
from mia_plugins.sma_cross.strategy import SmaCrossConfig, SmaCrossStrategy

T0 = 1_714_570_000 * 10**9


def _working_limit(exchange: SimulatedExchange) -> str:
    intent = OrderIntent(ES, OrderSide.BUY, 1, OrderType.LIMIT, limit_price=4000.0, time_in_force=TimeInForce.GTC)
    order, _ = exchange.submit(intent, T0)
    return order.order_id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": np.int64(2)}, "quantity"),
        ({"quantity": 2.0}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"limit_price": np.float32(3999.5)}, "limit_price"),
        ({"limit_price": "3999.5"}, "limit_price"),
    ],
)
def test_a_modify_with_an_outside_value_is_refused_and_the_order_keeps_working(
    change: dict[str, object], field: str
) -> None:
    exchange = SimulatedExchange(ES)
    order_id = _working_limit(exchange)
    (event,) = exchange.modify(order_id, T0 + 1, **change)  # type: ignore[arg-type]
    assert isinstance(event, OrderUpdated)
    assert field in event.order.reject_reason
    assert exchange.order(order_id).status is OrderStatus.WORKING  # type: ignore[union-attr]


def test_an_intent_reads_numpy_prices_as_floats_and_works_as_usual() -> None:
    price = np.float32(4000.0)
    intent = OrderIntent(ES, OrderSide.BUY, 1, OrderType.LIMIT, limit_price=price)  # type: ignore[arg-type]
    assert type(intent.limit_price) is float and intent.limit_price == 4000.0
    order, _ = SimulatedExchange(ES).submit(intent, T0)
    assert order.status is OrderStatus.PENDING and not order.reject_reason


@pytest.mark.parametrize("cash", [True, 1e7, "10000000"])
def test_an_engine_refuses_initial_cash_that_is_not_whole_cents(cash: object) -> None:
    with pytest.raises(DomainValueError, match="initial_cash_cents"):
        TradingEngine(ES, SmaCrossStrategy(SmaCrossConfig(fast=2, slow=3)), initial_cash_cents=cash)


def test_an_engine_takes_numpy_whole_cents() -> None:
    engine = TradingEngine(ES, SmaCrossStrategy(SmaCrossConfig(fast=2, slow=3)), initial_cash_cents=np.int64(10**7))
    assert engine.portfolio.equity_cents == 10**7 and type(engine.portfolio.equity_cents) is int
