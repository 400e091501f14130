"""The exchange's quiet band: a trade strictly inside it, before its time limit, changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from mia_core.exchange import SimulatedExchange
from mia_core.exchange.config import ExchangeConfig
from mia_core.exchange.quiet import FAR
from mia_core.exchange.state import NEVER, session_end_ns
from mia_core.instruments import ES
from mia_core.market import Trade
from mia_core.orders import OrderIntent, OrderSide, OrderType, TimeInForce

T0 = 1_704_232_800_000_000_000  # 2024-01-02 22:00 UTC
BUY, SELL = OrderSide.BUY, OrderSide.SELL
GTC = TimeInForce.GTC


def test_the_band_lies_between_the_nearest_resting_orders_and_ends_at_the_next_expiry() -> None:
    exchange = SimulatedExchange(ES)
    assert exchange.quiet_band() == (-FAR, FAR, NEVER)
    exchange.submit(OrderIntent(ES, BUY, 1, OrderType.LIMIT, limit_price=4999.0), T0)  # DAY: expires
    exchange.submit(OrderIntent(ES, SELL, 1, OrderType.LIMIT, limit_price=5001.0, time_in_force=GTC), T0)
    exchange.submit(OrderIntent(ES, SELL, 1, OrderType.STOP, stop_price=4998.0, time_in_force=GTC), T0)
    exchange.submit(OrderIntent(ES, BUY, 1, OrderType.STOP, stop_price=5003.0, time_in_force=GTC), T0)
    assert exchange.quiet_band() == (ES.to_ticks(4999.0), ES.to_ticks(5001.0), session_end_ns(T0))
    assert exchange.on_trade(Trade(ES, T0 + 1, 4999.25, 1.0)) == []
    assert exchange.on_trade(Trade(ES, T0 + 2, 4999.0, 1.0)) != []  # the buy limit's price: it fills
    exchange.submit(OrderIntent(ES, BUY, 1, time_in_force=GTC), T0 + 3)
    below, above, _ = exchange.quiet_band()
    assert below >= above  # a market order meets any trade: no quiet band


@pytest.mark.parametrize("seed", range(20))
def test_no_trade_inside_the_band_changes_anything(seed: int) -> None:
    rng = np.random.default_rng(seed)
    exchange = SimulatedExchange(ES, ExchangeConfig(market_fill="next_trade", latency_ms=int(rng.integers(0, 3))))
    for _ in range(int(rng.integers(1, 8))):
        side = BUY if rng.random() < 0.5 else SELL
        price = 5000.0 + 0.25 * int(rng.integers(-20, 21))
        kind = [OrderType.LIMIT, OrderType.STOP, OrderType.STOP_LIMIT][int(rng.integers(0, 3))]
        prices = {"limit_price": price} if kind is OrderType.LIMIT else {"stop_price": price}
        if kind is OrderType.STOP_LIMIT:
            prices["limit_price"] = price
        tif = [TimeInForce.DAY, GTC, TimeInForce.IOC][int(rng.integers(0, 3))] if rng.random() < 0.5 else GTC
        exchange.submit(OrderIntent(ES, side, 1, kind, time_in_force=tif, **prices), T0)
    below, above, until = exchange.quiet_band()
    for k in range(1, 60):
        ticks = ES.to_ticks(5000.0) - 30 + k
        if below < ticks < above:
            assert exchange.on_trade(Trade(ES, min(until - 1, T0 + 10**9 * k), ES.from_ticks(ticks), 1.0)) == []
