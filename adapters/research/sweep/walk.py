"""Walk-forward on the sweep's machinery: every grid point on each train fold, the best one on the next test fold."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd

from adapters.bootstrap.backtest import load_series
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.data_options import plan_with_data
from adapters.bootstrap.plugins import PluginHost
from adapters.research.folds import years_of
from adapters.research.sweep.engine import Report, run_tasks
from adapters.research.sweep.search import SweepSpec
from adapters.research.sweep.space import SweepError, check_points, grid_points
from adapters.research.sweep.store import RunStore
from adapters.research.sweep.tasks import BUNDLED_INSTRUMENTS, DataRef, RunTask, Window, code_version
from mia_core.metrics import max_drawdown, sharpe_ratio


@attrs.frozen
class WalkFold:
    """One fold of one dataset: its windows, the point chosen on train (and its train score), the test row."""

    dataset: str
    train: Window
    test: Window
    chosen: Mapping[str, Any]
    train_score: float
    row: Mapping[str, Any]
    note: str = ""


@attrs.frozen
class WalkResult:
    """Every fold, and per dataset the test folds' daily returns one after the other (after costs)."""

    folds: list[WalkFold]
    out_of_sample: dict[str, pd.DataFrame]
    executed: int


def year_folds(years: Sequence[int], train_years: int, test_years: int) -> list[tuple[Window, Window]]:
    """Rolling folds of whole calendar years: train ``train_years``, test the next ``test_years``, roll by test."""
    if train_years < 1 or test_years < 1:
        raise SweepError(f"--train-years {train_years} and --test-years {test_years}: each at least 1")
    present = sorted(set(years))
    folds = []
    first = 0
    while first + train_years + test_years <= len(present):
        train = present[first:first + train_years]
        test = present[first + train_years:first + train_years + test_years]
        folds.append((Window(dt.date(train[0], 1, 1), dt.date(train[-1], 12, 31)),
                      Window(dt.date(test[0], 1, 1), dt.date(test[-1], 12, 31))))
        first += test_years
    return folds


def dataset_years(spec: SweepSpec, host: PluginHost, ref: DataRef) -> list[int]:
    """The calendar years (New York) the dataset's bars cover, read on the client."""
    data = dict(spec.data)
    if ref.bundled:
        data |= {"instrument": BUNDLED_INSTRUMENTS[ref.name], "data_feed": {"use": "bundled", "dataset": ref.name}}
    plan = plan_system(data, host, source=f"walk-forward {ref.name}")
    system = build_system(plan_with_data(plan, host, None if ref.bundled else Path(ref.path)))
    try:
        series = load_series(system, None, None)
    finally:
        system.close()
    return sorted(set(years_of(series).tolist()))


def _score(row: Mapping[str, Any], metric: str, min_trades: int) -> float:
    value = row.get(metric)
    if int(row.get("trades") or 0) < min_trades or value is None or not math.isfinite(float(value)):
        return -math.inf
    return float(value)


def walk_forward(spec: SweepSpec, host: PluginHost, client: object, out: Path, *, train_years: int = 4,
                 test_years: int = 1, min_trades: int = 5, first_year: int | None = None,
                 last_year: int | None = None, report: Report = lambda _: None) -> WalkResult:
    """Walk forward over each dataset of ``spec``: the choice on each train fold uses that fold's runs only."""
    points = grid_points(spec.params)
    check_points(spec.data, host, spec.params, points)
    store = RunStore(out)
    version = code_version()
    plans: list[tuple[DataRef, Window, Window]] = []
    for ref in spec.datasets:
        years = [y for y in dataset_years(spec, host, ref)
                 if (first_year is None or y >= first_year) and (last_year is None or y <= last_year)]
        folds = year_folds(years, train_years, test_years)
        if not folds:
            raise SweepError(f"dataset {ref.name}: no fold of {train_years} train + {test_years} test years fits")
        plans += [(ref, train, test) for train, test in folds]
    train_tasks = [RunTask(i * len(points) + j, spec.data, dict(point), ref, train, 0, version)
                   for i, (ref, train, _) in enumerate(plans) for j, point in enumerate(points)]
    report(f"{len(plans)} folds × {len(points)} points on the train folds: {len(train_tasks)} runs")
    executed = run_tasks(client, train_tasks, store, report)
    rows = store.rows(t.key for t in train_tasks).set_index("key")
    chosen: list[tuple[dict[str, Any], float, str]] = []
    for i in range(len(plans)):
        mine = train_tasks[i * len(points):(i + 1) * len(points)]
        scores = [_score(rows.loc[t.key], spec.metric, min_trades) for t in mine]
        best = int(np.argmax(scores))  # the first of equals, in grid order
        note = "" if math.isfinite(scores[best]) else f"no point had {min_trades} trades: the first point is used"
        chosen.append((dict(mine[best].overrides), scores[best], note))
    test_tasks = [RunTask(len(train_tasks) + i, spec.data, point, ref, test, 0, version)
                  for i, ((ref, _, test), (point, _, _)) in enumerate(zip(plans, chosen, strict=True))]
    executed += run_tasks(client, test_tasks, store, report)
    tested = store.rows(t.key for t in test_tasks).set_index("key", drop=False)
    folds = [WalkFold(ref.name, train, test, point, score, dict(tested.loc[task.key]), note)
             for (ref, train, test), (point, score, note), task in zip(plans, chosen, test_tasks, strict=True)]
    daily = store.daily(t.key for t in test_tasks)
    oos = {}
    for ref in spec.datasets:
        keys = [t.key for t, (r, _, _) in zip(test_tasks, plans, strict=True) if r.name == ref.name]
        parts = [daily[daily["key"] == key].sort_values("day") for key in keys]
        oos[ref.name] = pd.concat(parts, ignore_index=True) if parts else daily.iloc[:0]
    return WalkResult(folds, oos, executed)


def out_of_sample_line(folds: Sequence[WalkFold], daily: pd.DataFrame, dataset: str) -> str:
    """The dataset's test folds one after the other: net P&L and trades summed, Sharpe and drawdown of the chain."""
    mine = [f for f in folds if f.dataset == dataset]
    net = sum(float(f.row.get("net_pnl") or 0.0) for f in mine)
    trades = sum(int(f.row.get("trades") or 0) for f in mine)
    returns = daily["daily_return"].to_numpy(dtype=float)
    growth = np.cumprod(1.0 + returns) if returns.size else np.ones(0)
    _, fall = max_drawdown(growth, 1.0)
    sharpe = sharpe_ratio(returns)
    shown = "n/a" if math.isnan(sharpe) else f"{sharpe:.2f}"
    return (f"{dataset} out of sample ({mine[0].test.start}..{mine[-1].test.end}, {len(mine)} test folds "
            f"chained, after commission and slippage): net ${net:,.2f}, {trades} trades, Sharpe {shown}, "
            f"max drawdown {fall:.1%} over {returns.size} days")
