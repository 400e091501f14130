"""A tick strategy that fails mid-tape stops `mia backtest`'s tick run naming it, with the run until then."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest

from adapters.bootstrap.backtest import BacktestRunStopped
from adapters.bootstrap.config import load_plan
from adapters.bootstrap.plugins import PluginHost, PluginInfo, discover
from adapters.bootstrap.tick_backtest import backtest_plan_on_trades_or_bars
from mia_core.market import Bar
from mia_core.signals import Signal
from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

from . import files


@attrs.frozen
class FailingConfig:
    """Settings of ``fails_at``: the trade whose on_tick raises."""

    trade: int = 5000


class FailsAt:
    """Raises in on_tick at trade ``trade`` (counted from 0); never trades."""

    name = "fails_at"

    def __init__(self, trade: int) -> None:
        self.trade, self.seen = trade, 0

    def reset(self) -> None:
        self.seen = 0

    def on_bar(self, bar: Bar, context: Any) -> Signal | None:
        return None

    def on_tick(self, ts: int, price: float, size: int, side: int, context: Any) -> Signal | None:
        self.seen += 1
        if self.seen > self.trade:
            raise ZeroDivisionError("the flow divided by nothing")
        return None


class FailingPlugin:
    @hookimpl
    def mia_register_strategies(self) -> Iterable[ComponentSpec]:
        return [ComponentSpec(kind=ComponentKind.STRATEGY, name="fails_at", config_class=FailingConfig,
                              factory=lambda config, context: FailsAt(config.trade), summary="fails")]


@pytest.fixture
def host() -> PluginHost:
    found = discover()
    found.add_plugin(FailingPlugin(), PluginInfo("fails_at", "mia-test-fails", "1", __name__))
    return found


def test_the_failure_names_the_strategy_its_plugin_on_tick_and_the_trade_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: PluginHost
) -> None:
    monkeypatch.chdir(tmp_path)
    files.csv(tmp_path / "trades.csv", files.tape())
    plan = load_plan(files.system(tmp_path / "ticks.yaml", strategy="fails_at"), host)
    with pytest.raises(BacktestRunStopped) as caught:
        backtest_plan_on_trades_or_bars(plan, host)
    message = str(caught.value)
    assert "fails_at" in message and "mia-test-fails" in message and "on_tick" in message
    assert "on_tick at 2024-01-02T" in message
    assert "ZeroDivisionError: the flow divided by nothing" in message
    run = caught.value.run
    assert run is not None and run.ticks == 20_000 and run.result.stopped and run.result.bars > 0
