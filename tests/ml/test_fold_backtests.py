"""`mia ml evaluate`'s backtests of the test folds' periods: the engine run without, with the filter, and at random."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from adapters.bootstrap.plugins import discover
from adapters.ml.dataset import Dataset, bars_of, from_backtest
from adapters.ml.folds import FoldBacktests, FoldWindow, RandomTake, compare, fold_windows, installed, stored
from mia_core.series import BarSeries
from mia_core.signals import Direction, Signal
from ports.context import StrategyContext
from ports.meta_label import DecisionRow, Learner

from .helpers import needs_ml

DAILY = Path(__file__).parents[2] / "docs" / "examples" / "ml_daily.yaml"


def _system(threshold: float) -> dict[str, Any]:
    data = yaml.safe_load(DAILY.read_text())
    (ml,) = data["signal_filters"]
    ml.update(threshold=threshold, training={"min_samples": 60, "folds": 3, "embargo_hours": 72, "rf_trees": 10,
                                             "xgb_trees": 10})
    return data


@pytest.fixture(scope="module")
def folds() -> tuple[Dataset, BarSeries, Mapping[str, Any]]:
    needs_ml()
    dataset, series = from_backtest(_system(0.5), discover())
    cv = dataset.learner.cross_validate(dataset.x, dataset.y, dataset.start_ns, dataset.end_ns, dataset.names)
    return dataset, series, cv


def _compare(folds: tuple[Dataset, BarSeries, Mapping[str, Any]], threshold: float, random_runs: int = 1) -> Any:
    dataset, series, cv = folds
    windows = fold_windows(cv["fold"], dataset.start_ns)
    judges = {k: installed(stored(k, m)) for k, m in cv["models"].items()}
    runner = FoldBacktests(_system(threshold), discover(), series, "test")
    return compare(runner, windows, judges, random_runs)


def test_fold_windows_follow_the_test_blocks() -> None:
    fold = np.array([-1, -1, 0, 0, 1, 1, 1])
    start = np.arange(7, dtype=np.int64) * 10
    assert fold_windows(fold, start) == [FoldWindow(0, 20, 40), FoldWindow(1, 40, None)]


@pytest.mark.slow
def test_a_filter_taking_everything_is_the_system_without_it(folds: Any) -> None:
    results = _compare(folds, 0.0)
    assert len(results) >= 2
    for r in results:
        assert r.without.trades > 0
        assert (r.with_filter.trades, r.with_filter.net) == (r.without.trades, r.without.net)
        assert r.with_filter.judged == r.with_filter.taken > 0
        (random,) = r.random  # at take-rate 1 a random filter takes everything too
        assert (random.trades, random.net) == (r.without.trades, r.without.net)


@pytest.mark.slow
def test_a_filter_refusing_everything_makes_no_trade(folds: Any) -> None:
    results = _compare(folds, 1.0)
    for r in results:
        assert r.without.trades > 0
        assert r.with_filter.judged > 0 and r.with_filter.taken == 0
        assert (r.with_filter.trades, r.with_filter.net) == (0, 0.0)
        (random,) = r.random
        assert (random.trades, random.net) == (0, 0.0)


class Oracle:
    """A planted perfect model: takes an entry only when its trade (the system's exits, after costs) makes money."""

    def __init__(self, learner: Learner, dataset: Dataset, series: BarSeries) -> None:
        self.name = learner.name
        self.learner, self.bars = learner, bars_of(series)
        self.hold, self.cost = dataset.max_hold, dataset.cost_points
        self.judged = self.taken = 0

    def apply(self, signal: Signal, context: StrategyContext) -> Signal:
        if signal.direction is Direction.FLAT or context.position.quantity * signal.direction > 0:
            return signal
        row = DecisionRow(signal.ts, int(signal.direction), signal.stop_loss, signal.take_profit, {})
        outcome = self.learner.label([row], self.bars, self.hold, self.cost)
        self.judged += 1
        if outcome["valid"][0] and outcome["label"][0] == 1:
            self.taken += 1
            return signal
        return signal.neutralised("oracle: a loser")


@pytest.mark.slow
def test_a_planted_perfect_model_beats_the_system_without_it_and_random_picks(folds: Any) -> None:
    dataset, series, cv = folds
    windows = fold_windows(cv["fold"], dataset.start_ns)
    runner = FoldBacktests(_system(0.5), discover(), series, "test")
    judges = {w.fold: (lambda learner: Oracle(learner, dataset, series)) for w in windows}
    results = compare(runner, windows, judges, random_runs=3)
    with_total = sum(r.with_filter.net for r in results)
    without_total = sum(r.without.net for r in results)
    random_best = max(sum(r.random[i].net for r in results) for i in range(3))
    assert with_total > 0
    assert with_total > without_total + 5_000
    assert with_total > random_best
    for r in results:
        assert r.with_filter.net >= r.without.net


def test_a_random_filter_takes_about_its_rate() -> None:
    class Flat:
        quantity = 0

    class Context:
        position = Flat()

    rt = RandomTake("ml_filter", 0.3, seed=5)
    signal = Signal(ts=0, source="test", direction=Direction.LONG)
    taken = sum(rt.apply(signal, Context()).direction is Direction.LONG for _ in range(2000))  # type: ignore[arg-type]
    assert rt.judged == 2000 and rt.taken == taken and 500 < taken < 700
