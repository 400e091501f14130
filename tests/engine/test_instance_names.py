"""Two instances of one technique (YAML ``as:``) publish under their own names."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.bootstrap.backtest import run_system
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from mia_core.engine.core import TradingEngine
from mia_core.engine.published import DuplicateNameError
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.signals import Signal
from ports.context import StrategyContext

from . import third_party
from .third_party import Drift, DriftConfig, Follow, FollowConfig

TWO = [{"use": "drift", "as": "fast", "window": 2}, {"use": "drift", "as": "slow", "window": 9}]


def _trips(techniques: list[dict[str, Any]], feature: str) -> list[Any]:
    plan = plan_system({**third_party.system(techniques, {"feature": feature}),
                        "backtest": {"start": "2010-01-01", "end": "2012-12-31"}}, third_party.host())
    system = build_system(plan)
    try:
        series = system.data_feed.history(plan.instrument, None, None)
        return [(t.entry_ts, t.exit_ts, t.net_cents) for t in run_system(system, series).result.round_trips]
    finally:
        system.close()


def test_each_instance_publishes_under_its_as_name() -> None:
    slow = _trips(TWO, "slow.change")
    fast = _trips(TWO, "fast.change")
    assert slow and fast and slow != fast
    assert slow == _trips([{"use": "drift", "window": 9}], "drift.change")
    assert fast == _trips([{"use": "drift", "window": 2}], "drift.change")


class _Recorder:
    """Keeps the feature names it is shown."""

    name = "recorder"

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        self.keys.update(context.features)
        return None

    def reset(self) -> None:
        pass


def test_the_engine_publishes_under_the_names_given() -> None:
    recorder = _Recorder()
    engine = TradingEngine(ES, recorder, techniques=(Drift(DriftConfig()), Drift(DriftConfig(window=5))),
                           technique_names=("fast", "slow"))
    bar = Bar(instrument=ES, ts=1_700_000_000_000_000_000, open=5000.0, high=5001.0, low=4999.0, close=5000.5,
              volume=10.0)
    engine.on_bar(bar)
    assert recorder.keys == {"fast.change", "fast.up", "slow.change", "slow.up"}


def test_two_techniques_publishing_under_one_name_is_an_error() -> None:
    with pytest.raises(DuplicateNameError, match="two techniques publish under the name 'drift'"):
        TradingEngine(ES, Follow(FollowConfig(), 0.25), techniques=(Drift(DriftConfig()), Drift(DriftConfig())))
