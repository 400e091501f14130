"""Out-of-sample evaluation of the ML filter: scores, calibration, leak check, trades with and without it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from adapters.ml.dataset import Dataset
from adapters.ml.folds import FoldResult
from adapters.ml.metrics import EceNoise, Scores, auc, ece_noise, reliability, scores

#: A single raw feature that separates winners from losers this well is a suspected leak (look-ahead).
LEAK_AUC = 0.85


@attrs.frozen
class Trading:
    """The backtests of the test folds' periods, after costs: totals without and with the filter, random picks."""

    folds: list[FoldResult]

    @property
    def all_dollars(self) -> float:
        """Net dollars without the filter, over every fold."""
        return sum(f.without.net for f in self.folds)

    @property
    def all_trades(self) -> int:
        """Trades without the filter, over every fold."""
        return sum(f.without.trades for f in self.folds)

    @property
    def filtered_dollars(self) -> float:
        """Net dollars with the filter (each fold's own model), over every fold."""
        return sum(f.with_filter.net for f in self.folds)

    @property
    def filtered_trades(self) -> int:
        """Trades with the filter, over every fold."""
        return sum(f.with_filter.trades for f in self.folds)

    def random_totals(self) -> NDArray[np.float64]:
        """Net dollars over every fold of each random run (run i of each fold summed)."""
        runs = min((len(f.random) for f in self.folds), default=0)
        return np.array([sum(f.random[i].net for f in self.folds) for i in range(runs)], dtype=float)

    def random_quantiles(self, which: NDArray[np.float64] | None = None) -> tuple[float, float, float]:
        """(5%, median, 95%) of the random runs' totals (or of ``which``); NaN without random runs."""
        values = self.random_totals() if which is None else which
        if not len(values):
            return math.nan, math.nan, math.nan
        q = np.quantile(values, [0.05, 0.5, 0.95])
        return float(q[0]), float(q[1]), float(q[2])

    @property
    def random_runs(self) -> int:
        """Random runs per fold."""
        return len(self.random_totals())


@attrs.frozen
class Evaluation:
    """What `mia ml evaluate` prints."""

    threshold: float
    model: Scores
    baseline: Scores
    tested: int
    folds: int
    trading: Trading
    reliability: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]
    leaks: list[tuple[str, float]]
    probability: NDArray[np.float64]
    ece_noise: EceNoise


def suspected_leaks(x: NDArray[np.float64], y: NDArray[np.int64], names: Sequence[str],
                    limit: float = LEAK_AUC) -> list[tuple[str, float]]:
    """Features that alone rank the outcome with AUC beyond ``limit`` (either way): named, strongest first."""
    found = []
    for j, name in enumerate(names):
        a = auc(x[:, j], y)
        if math.isfinite(a) and max(a, 1 - a) >= limit:
            found.append((name, max(a, 1 - a)))
    return sorted(found, key=lambda t: -t[1])


def evaluate(data: Dataset, cv: Mapping[str, Any], threshold: float, backtests: Sequence[FoldResult]
             ) -> Evaluation:
    """Figures of the out-of-fold probabilities ``cv`` (the learner's purged walk-forward validation) and the
    backtests of the same folds' periods (:func:`adapters.ml.folds.compare`)."""
    p, fold = np.asarray(cv["probability"]), np.asarray(cv["fold"]).astype(np.int64)
    tested = fold >= 0
    y = data.y[tested]
    pt = p[tested]
    # the always-take baseline: every signal taken, forecast = the win rate of the rows before each fold
    first_of = {int(k): int(np.flatnonzero(fold == k)[0]) for k in np.unique(fold[tested])}
    prior = np.array([data.y[: first_of[int(k)]].mean() for k in fold[tested]])
    base = attrs.evolve(scores(prior, y, 0.0), take_rate=1.0)
    return Evaluation(
        threshold=threshold,
        model=scores(pt, y, threshold),
        baseline=base,
        tested=int(tested.sum()),
        folds=len(np.unique(fold[tested])),
        trading=Trading(list(backtests)),
        reliability=reliability(pt, y),
        leaks=suspected_leaks(data.x[tested], y, data.names),
        probability=p,
        ece_noise=ece_noise(pt, y),
    )
