"""The sweep's overfitting figures from its rows and daily returns (no cluster): which point, which days, which S."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from adapters.research.sweep.luck import measure, returns_matrix
from mia_core.metrics.overfitting import deflated_sharpe, period_sharpe


def _sweep(days: int, points: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rows = pd.DataFrame({"run": range(points), "key": [f"k{i}" for i in range(points)],
                         "param:strategy.stop_atr": [1.0 + i for i in range(points)]})
    stamps = [str(d.date()) for d in pd.bdate_range("2018-01-01", periods=days)]
    returns = rng.normal(0.0, 0.01, (days, points))
    returns[:, min(2, points - 1)] += 0.004  # point 2 (the third) is truly better
    daily = pd.DataFrame([{"run": r, "dataset": "sp500", "window": "first..last", "day": day,
                           "daily_return": returns[i, r]} for r in range(points) for i, day in enumerate(stamps)])
    rows["trades"] = 10
    rows["sharpe"] = [period_sharpe(returns[:, r]) * math.sqrt(252) for r in range(points)]
    return rows, daily


def test_the_best_point_is_the_metrics_best_and_its_returns_are_deflated_by_every_trial() -> None:
    rows, daily = _sweep(200, 5)
    matrix, order = returns_matrix(rows, daily)
    assert matrix.shape == (200, 5) and order == ["1.0", "2.0", "3.0", "4.0", "5.0"]
    luck = measure(rows, daily, "sharpe")
    assert luck.best == "3.0" and luck.points == 5 and luck.days == 200
    sharpes = [period_sharpe(matrix[c].to_numpy()) for c in matrix.columns]
    expected = deflated_sharpe(matrix["3.0"].to_numpy(), 5, float(np.var(sharpes, ddof=1)))
    assert luck.deflated == expected
    assert luck.overfitting is not None and luck.overfitting.blocks == 16 and len(luck.overfitting.logits) == 12870
    assert luck.overfitting.probability < 0.5  # a real edge survives out of sample
    text = "\n".join(luck.lines())
    assert "deflated Sharpe ratio of the best point (3.0)" in text and "S = 16 blocks" in text


def test_short_or_single_point_sweeps_say_why_there_is_no_pbo() -> None:
    rows, daily = _sweep(12, 3)
    luck = measure(rows, daily, "sharpe")
    assert luck.overfitting is not None and luck.overfitting.blocks == 2  # 12 days: S = 2 (blocks of >= 4 days)
    rows, daily = _sweep(6, 3)
    assert "CSCV needs at least 8" in measure(rows, daily, "sharpe").lines()[-1]
    rows, daily = _sweep(50, 1)
    assert "one point" in measure(rows, daily, "sharpe").lines()[-1]


def test_a_day_missing_from_one_run_counts_as_flat() -> None:
    rows, daily = _sweep(20, 2)
    dropped = daily.drop(index=daily[(daily["run"] == 1)].index[:3])
    matrix, _ = returns_matrix(rows, dropped)
    assert matrix.shape == (20, 2) and (matrix["2.0"].iloc[:3] == 0.0).all()
    assert measure(rows, dropped, "sharpe").days == 20
    assert pytest.approx(matrix["1.0"].sum()) == daily[daily["run"] == 0]["daily_return"].sum()
