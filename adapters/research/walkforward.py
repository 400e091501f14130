"""Walk-forward evaluation: choose settings on each train fold, measure on the next test fold.

For each bundled dataset: rolling folds (``train_years`` calendar years, then
``test_years``), a small grid of strategy settings tried on the train fold only (best
Sharpe after costs among those with at least ``min_train_trades`` trades), the chosen
settings run on the test fold; beside it the random-entry baseline with the same exits
(stop, target, time exit) and risk, over several seeds, and buy-and-hold.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from adapters.bootstrap.backtest import exchange_config, load_series
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import PluginHost
from adapters.research.baselines import buy_and_hold
from adapters.research.folds import Fold, rolling_folds, years_of
from adapters.research.runs import WindowResult, chained, run_window, with_settings
from mia_core.accounting import RoundTrip
from mia_core.metrics import PerformanceMetrics
from mia_core.metrics.table import format_money
from mia_core.series import BarSeries

#: Strategy settings tried on every train fold (dotted keys reach nested settings).
DEFAULT_GRID: Mapping[str, tuple[Any, ...]] = {"entry_grade": ("buy", "strong_buy"), "stop_atr": (1.5, 2.0, 3.0)}
INSTRUMENTS = {"sp500": "ES", "nasdaq": "NQ"}
EXIT_SETTINGS = ("atr_period", "stop_atr", "reward_risk", "max_hold_bars")
Report = Callable[[str], None]


@attrs.frozen
class WalkForwardSettings:
    """What the evaluation runs: datasets, fold lengths, warm-up, baseline seeds, the grid."""

    datasets: tuple[str, ...] = attrs.field(default=("sp500", "nasdaq"))
    train_years: int = 4
    test_years: int = 1
    warmup_bars: int = 300
    seeds: int = attrs.field(default=20, validator=attrs.validators.ge(1))
    min_train_trades: int = 5
    grid: Mapping[str, tuple[Any, ...]] = DEFAULT_GRID
    first_year: int | None = None
    last_year: int | None = None

    @datasets.validator
    def _known(self, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]) -> None:
        unknown = [d for d in value if d not in INSTRUMENTS]
        if unknown or not value:
            raise ValueError(f"datasets {list(value)}: choose from {', '.join(INSTRUMENTS)} (unknown: {unknown})")


@attrs.frozen
class FoldResult:
    """One fold: the settings chosen on train, the test window, the baselines on the same window."""

    fold: Fold
    chosen: dict[str, Any]
    train: PerformanceMetrics
    test: WindowResult
    random: list[WindowResult]
    buy_hold: WindowResult
    entry_probability: float


@attrs.frozen
class DatasetResult:
    """A dataset's folds and the out-of-sample totals (test folds chained)."""

    dataset: str
    symbol: str
    folds: list[FoldResult]
    trades: list[RoundTrip]
    total: PerformanceMetrics
    random_totals: list[PerformanceMetrics]
    buy_hold_total: PerformanceMetrics
    initial_cents: int


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values (one empty point for an empty grid)."""
    keys = list(grid)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*(grid[k] for k in keys))]


def _score(metrics: PerformanceMetrics, min_trades: int) -> float:
    if metrics.trades < min_trades or math.isnan(metrics.sharpe):
        return -math.inf
    return metrics.sharpe


def copied_exits(data: Mapping[str, Any], host: PluginHost) -> tuple[str, ...]:
    """The exit settings the random-entry baseline copies from the system's strategy."""
    config = plan_system(data, host, source="walk-forward").one("strategy").config
    return tuple(k for k in EXIT_SETTINGS if hasattr(config, k))


def _random_system(data: Mapping[str, Any], host: PluginHost, seed: int, probability: float) -> dict[str, Any]:
    plan = plan_system(data, host, source="walk-forward")
    chosen = plan.one("strategy").config
    exits = {k: getattr(chosen, k) for k in EXIT_SETTINGS if hasattr(chosen, k)}
    out = dict(data)
    out["strategy"] = {"use": "random_entry", "seed": seed, "probability": probability, **exits}
    return out


def _entry_probability(metrics: PerformanceMetrics, bars: int) -> float:
    exposure = 0.0 if math.isnan(metrics.exposure) else metrics.exposure
    flat = max(1.0, bars * (1.0 - exposure))
    return min(1.0, max(1.0 / bars, metrics.trades / flat))


def evaluate_dataset(
    data: Mapping[str, Any], host: PluginHost, dataset: str, settings: WalkForwardSettings, report: Report
) -> DatasetResult:
    """Walk forward over one bundled dataset."""
    symbol = INSTRUMENTS[dataset]
    base = dict(data) | {"instrument": symbol, "data_feed": {"use": "bundled", "dataset": dataset}}
    plan = plan_system(base, host, source=f"walk-forward {dataset}")
    system = build_system(plan)
    try:
        series = load_series(system, None, None)
    finally:
        system.close()
    series = _years(series, settings)
    initial = round(exchange_config(plan).initial_cash * 100)
    folds = rolling_folds(series, settings.train_years, settings.test_years)
    if not folds:
        raise ValueError(f"{dataset}: no fold of {settings.train_years} train + {settings.test_years} test years fits")
    results = []
    for fold in folds:
        results.append(_evaluate_fold(base, host, series, fold, settings, dataset, report))
    trades, total = chained([r.test for r in results], initial)
    random_totals = [chained([r.random[s] for r in results], initial)[1] for s in range(settings.seeds)]
    _, hold_total = chained([r.buy_hold for r in results], initial)
    return DatasetResult(dataset, symbol, results, trades, total, random_totals, hold_total, initial)


def _years(series: BarSeries, settings: WalkForwardSettings) -> BarSeries:
    years = years_of(series)
    keep = np.ones(len(series), dtype=bool)
    if settings.first_year is not None:
        keep &= years >= settings.first_year
    if settings.last_year is not None:
        keep &= years <= settings.last_year
    index = np.flatnonzero(keep)
    return series.slice(int(index[0]), int(index[-1]) + 1) if index.size else series.slice(0, 0)


def _evaluate_fold(
    base: Mapping[str, Any],
    host: PluginHost,
    series: BarSeries,
    fold: Fold,
    settings: WalkForwardSettings,
    dataset: str,
    report: Report,
) -> FoldResult:
    best: tuple[float, dict[str, Any], WindowResult] | None = None
    for point in grid_points(settings.grid):
        candidate = with_settings(base, "strategy", point)
        train = run_window(candidate, host, series, fold.train_start, fold.train_end, settings.warmup_bars,
                           f"{dataset} train {fold.train_label}")
        score = _score(train.metrics, settings.min_train_trades)
        if best is None or score > best[0]:
            best = (score, point, train)
    assert best is not None
    _, chosen, train = best
    system = with_settings(base, "strategy", chosen)
    test = run_window(system, host, series, fold.test_start, fold.test_end, settings.warmup_bars,
                      f"{dataset} test {fold.test_label}")
    probability = _entry_probability(train.metrics, train.bars)
    randoms = [
        run_window(_random_system(system, host, seed, probability), host, series, fold.test_start, fold.test_end,
                   settings.warmup_bars, f"{dataset} random seed {seed} {fold.test_label}")
        for seed in range(settings.seeds)
    ]
    hold = buy_and_hold(series, fold.test_start, fold.test_end, plan_system(system, host, source="walk-forward"))
    report(f"{dataset} {fold.test_label}: {test.metrics.trades} trades, net {format_money(test.metrics.net_pnl)} "
           f"(chosen on {fold.train_label}: {chosen})")
    return FoldResult(fold, chosen, train.metrics, test, randoms, hold, probability)


def for_strategy(settings: WalkForwardSettings, data: Mapping[str, Any], host: PluginHost) -> WalkForwardSettings:
    """``settings`` with the grid cut to the keys the system's strategy has (a grid for another strategy is dropped)."""
    config = plan_system(data, host, source="walk-forward").one("strategy").config
    names = {field.alias or field.name for field in attrs.fields(type(config))}
    grid = {key: values for key, values in settings.grid.items() if key.split(".")[0] in names}
    return attrs.evolve(settings, grid=grid)


def walk_forward(
    data: Mapping[str, Any], host: PluginHost, settings: WalkForwardSettings, report: Report = lambda _: None
) -> list[DatasetResult]:
    """Walk forward over every dataset of ``settings``."""
    return [evaluate_dataset(data, host, dataset, settings, report) for dataset in settings.datasets]
