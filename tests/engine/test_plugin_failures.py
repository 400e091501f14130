"""A plugin's per-bar code that raises or returns the wrong thing: an error naming it, its method, bar and time."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from mia_core.engine.backtest import BacktestStopped, run_backtest
from mia_core.engine.core import TradingEngine
from mia_core.engine.failures import ComponentError, iso_utc
from mia_core.exchange import SimulatedExchange
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.signals import Signal
from mia_core.synthetic import SyntheticConfig, generate_bars
from ports.context import StrategyContext

from .third_party import Drift, DriftConfig, Follow, FollowConfig

BARS = generate_bars(ES, SyntheticConfig(bars=80, seed=3))


def _run(strategy: Any, techniques: tuple[Any, ...] = (), *, vectorised: bool = False, **engine: Any) -> Any:
    built = TradingEngine(ES, strategy, techniques=techniques, **engine)
    return run_backtest(BARS, built, SimulatedExchange(ES), vectorised=vectorised)


def _stopped(strategy: Any, techniques: tuple[Any, ...] = (), **kw: Any) -> BacktestStopped:
    with pytest.raises(BacktestStopped) as caught:
        _run(strategy, techniques, **kw)
    return caught.value


def test_a_technique_raising_is_named_with_method_bar_time_and_cause() -> None:
    stopped = _stopped(Follow(FollowConfig(), 0.25), (Drift(DriftConfig(fail_at=30)),))
    error = stopped.error
    assert isinstance(error, ComponentError)
    assert (error.kind, error.name, error.method, error.bar, error.ts) == ("technique", "drift", "update", 30,
                                                                           int(BARS.ts[30]))
    assert isinstance(error.__cause__, ZeroDivisionError)
    assert stopped.__cause__ is error
    when = iso_utc(int(BARS.ts[30]))
    assert when.endswith("Z") and when.startswith("20")
    assert str(stopped) == (f"technique 'drift': update at bar 30 ({when}): "
                            "raised ZeroDivisionError: acme drift bug")


def test_the_partial_result_is_what_ran_until_the_failure_and_says_so() -> None:
    strategy = Follow(FollowConfig(fail_at=50), 0.25)
    stopped = _stopped(strategy, (Drift(DriftConfig()),))
    result = stopped.result
    assert result.bars == 51
    assert result.stopped is not None
    assert result.stopped.startswith(f"stopped at bar 50 ({iso_utc(int(BARS.ts[50]))}): strategy 'follow' on_bar: ")
    assert "RuntimeError: acme follow bug" in result.stopped
    assert len(result.equity_cents) == 51  # the failing bar was marked before the strategy was asked
    full = _run(Follow(FollowConfig(), 0.25), (Drift(DriftConfig()),))
    assert full.stopped is None and full.bars == len(BARS)
    partial_fills = [e for e in result.journal if e.kind == "fill"]
    assert partial_fills == [e for e in full.journal if e.kind == "fill"][: len(partial_fills)]
    assert len(partial_fills) > 0


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("list", "returned ["),
        ("missing", "missing 'up'"),
        ("extra", "undeclared 'down'"),
        ("text", "returned 'yes' (str) for 'up'"),
    ],
)
def test_a_technique_returning_the_wrong_thing_says_what_was_expected(fault: str, expected: str) -> None:
    error = _stopped(Follow(FollowConfig(), 0.25), (Drift(DriftConfig(fail_at=12, fault=fault)),)).error
    assert (error.name, error.method, error.bar) == ("drift", "update", 12)
    assert expected in error.reason
    assert "expected a mapping of its declared outputs ('change', 'up') to floats" in error.reason


def test_a_strategy_returning_something_else_than_a_signal_is_named() -> None:
    error = _stopped(Follow(FollowConfig(fail_at=20, fault="dict"), 0.25), (Drift(DriftConfig()),)).error
    assert (error.kind, error.name, error.method, error.bar) == ("strategy", "follow", "on_bar", 20)
    assert error.reason == "returned dict {'direction': 'long'}; expected a Signal or None"


def test_a_strategy_reading_a_feature_nobody_publishes_is_told_what_is_published() -> None:
    error = _stopped(Follow(FollowConfig(feature="fast.change"), 0.25), (Drift(DriftConfig()),)).error
    assert (error.kind, error.method, error.bar) == ("strategy", "on_bar", 0)
    assert "no feature 'fast.change' is published; published: drift.change, drift.up" in error.reason


class _Raising:
    """A filter with a bug."""

    name = "moody"

    def apply(self, signal: Signal, context: StrategyContext) -> Signal:
        raise KeyError("mood")


def test_a_signal_filter_raising_is_named() -> None:
    error = _stopped(Follow(FollowConfig(), 0.25), (Drift(DriftConfig()),), signal_filters=(_Raising(),)).error
    assert (error.kind, error.name, error.method) == ("signal_filter", "moody", "apply")
    assert error.bar is not None and error.reason == "raised KeyError: 'mood'"


class _Vectorised:
    """A fast-path strategy whose arrays are wrong."""

    name = "fast_wrong"

    def __init__(self, directions: Any) -> None:
        self.directions = directions

    def target_directions(self, bars: BarSeries) -> npt.NDArray[np.int8]:
        if isinstance(self.directions, Exception):
            raise self.directions
        return self.directions  # type: ignore[no-any-return]

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        return None

    def reset(self) -> None:
        pass


@pytest.mark.parametrize(
    ("directions", "expected"),
    [
        (np.zeros(5, dtype=np.int8), "returned shape (5,); expected an integer array of 80 values in -1, 0, +1"),
        (np.full(80, 2, dtype=np.int8), "returned values from 2 to 2"),
        (np.full(80, np.nan), "that are not -1, 0 or +1"),
        ([1, 0], "returned [1, 0] (list)"),
        (ValueError("no data"), "raised ValueError: no data"),
    ],
)
def test_target_directions_that_fail_or_are_malformed_stop_before_the_first_bar(directions: Any,
                                                                                expected: str) -> None:
    stopped = _stopped(_Vectorised(directions), vectorised=True)
    assert (stopped.error.kind, stopped.error.method, stopped.error.bar) == ("strategy", "target_directions", None)
    assert expected in stopped.error.reason
    assert stopped.result.bars == 0
    assert (stopped.result.stopped or "").startswith("stopped before the first bar: strategy")
