"""The order_flow tick strategy: signals where the decayed signed volume crosses its threshold, found as a plugin."""

from __future__ import annotations

import pytest

from adapters.bootstrap.plugins import discover
from adapters.bootstrap.standalone import StandaloneBuildContext
from mia_core.errors import MiaError
from mia_core.instruments import ES
from mia_core.signals import Direction
from mia_plugins.order_flow.strategy import OrderFlowConfig, OrderFlowStrategy
from ports.components import ComponentKind
from ports.tick_strategy import TickStrategy

T0 = 1_704_207_600_000_000_000


def test_a_signal_each_time_the_flow_crosses_a_threshold_with_its_bracket() -> None:
    strategy = OrderFlowStrategy(OrderFlowConfig(threshold=5, decay=1.0, stop_ticks=4, target_ticks=8), 0.25)
    seen = [strategy.on_tick(T0 + i, 5000.0, size, side, None) for i, (size, side) in  # type: ignore[arg-type]
            enumerate([(3, 1), (3, 1), (1, 1), (20, -1), (1, -1)])]
    assert [s is None for s in seen] == [True, False, True, False, True]
    long, short = seen[1], seen[3]
    assert long is not None and long.direction is Direction.LONG and (long.stop_loss, long.take_profit) == (4999.0,
                                                                                                          5002.0)
    assert short is not None and short.direction is Direction.SHORT and short.ts == T0 + 3
    assert (short.stop_loss, short.take_profit) == (5001.0, 4998.0)
    strategy.reset()
    assert strategy.flow == 0.0 and strategy.on_bar(None, None) is None  # type: ignore[arg-type]


def test_the_flow_decays_between_trades() -> None:
    strategy = OrderFlowStrategy(OrderFlowConfig(threshold=100, decay=0.5), 0.25)
    for _ in range(3):
        strategy.on_tick(T0, 5000.0, 8, 1, None)  # type: ignore[arg-type]
    assert strategy.flow == 8 * (1 + 0.5 + 0.25)


def test_it_is_a_registered_tick_strategy_of_its_own_plugin() -> None:
    host = discover()
    spec, provider = host.component(ComponentKind.STRATEGY, "order_flow")
    assert provider.module == "mia_plugins.order_flow.plugin"
    built = spec.factory(OrderFlowConfig(stop_ticks=2), StandaloneBuildContext(instrument=ES))
    assert isinstance(built, TickStrategy) and built.stop == 0.5


@pytest.mark.parametrize("settings", [{"threshold": 0}, {"decay": 1.5}, {"stop_ticks": 0}])
def test_settings_out_of_range_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises((MiaError, ValueError)):
        OrderFlowConfig(**settings)  # type: ignore[arg-type]
