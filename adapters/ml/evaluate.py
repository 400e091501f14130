"""Out-of-sample evaluation of the ML filter: scores, calibration, leak check, trades with and without it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from adapters.ml.dataset import Dataset
from adapters.ml.metrics import Scores, auc, reliability, scores

#: A single raw feature that separates winners from losers this well is a suspected leak (look-ahead).
LEAK_AUC = 0.85


@attrs.frozen
class Trading:
    """Net dollars of the tested candidate trades: all, those the filter took, random picks at the same take-rate."""

    all_dollars: float
    all_trades: int
    filtered_dollars: float
    filtered_trades: int
    random_median: float
    random_p05: float
    random_p95: float
    per_fold: list[tuple[int, int, float, int, float]]  # fold, trades, all $, taken, filtered $


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


def suspected_leaks(x: NDArray[np.float64], y: NDArray[np.int64], names: Sequence[str],
                    limit: float = LEAK_AUC) -> list[tuple[str, float]]:
    """Features that alone rank the outcome with AUC beyond ``limit`` (either way): named, strongest first."""
    found = []
    for j, name in enumerate(names):
        a = auc(x[:, j], y)
        if math.isfinite(a) and max(a, 1 - a) >= limit:
            found.append((name, max(a, 1 - a)))
    return sorted(found, key=lambda t: -t[1])


def trading(data: Dataset, p: NDArray[np.float64], fold: NDArray[np.int64], threshold: float,
            seeds: int = 200) -> Trading:
    """Dollars after costs of the tested trades, fold by fold, beside random filtering at the filter's take-rate."""
    dollars = data.pnl_points * data.point_value
    tested = fold >= 0
    take = tested & (p >= threshold)
    rng = np.random.default_rng(11)
    random_totals = []
    for _ in range(seeds):
        total = 0.0
        for k in np.unique(fold[tested]):
            rows = np.flatnonzero(fold == k)
            n_take = int(take[rows].sum())
            total += float(dollars[rng.choice(rows, size=n_take, replace=False)].sum()) if n_take else 0.0
        random_totals.append(total)
    per_fold = []
    for k in np.unique(fold[tested]):
        rows = fold == k
        per_fold.append((int(k), int(rows.sum()), float(dollars[rows].sum()), int((take & rows).sum()),
                         float(dollars[take & rows].sum())))
    q = np.quantile(random_totals, [0.05, 0.5, 0.95])
    return Trading(float(dollars[tested].sum()), int(tested.sum()), float(dollars[take].sum()), int(take.sum()),
                   float(q[1]), float(q[0]), float(q[2]), per_fold)


def evaluate(data: Dataset, cv: Mapping[str, NDArray[np.float64]], threshold: float) -> Evaluation:
    """Figures of the out-of-fold probabilities ``cv`` (from the learner's purged walk-forward validation)."""
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
        trading=trading(data, p, fold, threshold),
        reliability=reliability(pt, y),
        leaks=suspected_leaks(data.x[tested], y, data.names),
        probability=p,
    )
