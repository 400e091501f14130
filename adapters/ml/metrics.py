"""Out-of-sample figures of a probability forecast: accuracy, precision, Brier score, calibration error."""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray


@attrs.frozen
class Scores:
    """Figures of probabilities ``p`` against outcomes ``y`` at a take threshold."""

    samples: int
    base_rate: float
    accuracy: float
    precision: float
    take_rate: float
    brier: float
    ece: float


def reliability(p: NDArray[np.float64], y: NDArray[np.int64], bins: int = 10
                ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """(mean forecast, observed frequency, count) per equal-width probability bin (empty bins have count 0)."""
    which = np.minimum((p * bins).astype(int), bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore"):
        mean_p = np.bincount(which, weights=p, minlength=bins) / count
        freq = np.bincount(which, weights=y.astype(float), minlength=bins) / count
    return mean_p, freq, count.astype(np.int64)


def expected_calibration_error(p: NDArray[np.float64], y: NDArray[np.int64], bins: int = 10) -> float:
    """Count-weighted mean of |forecast - frequency| over equal-width bins."""
    mean_p, freq, count = reliability(p, y, bins)
    used = count > 0
    return float(np.sum(count[used] * np.abs(mean_p[used] - freq[used])) / max(1, count.sum()))


def scores(p: NDArray[np.float64], y: NDArray[np.int64], threshold: float) -> Scores:
    """The figures of ``p`` with a signal taken when ``p >= threshold``."""
    take = p >= threshold
    taken = int(take.sum())
    return Scores(
        samples=len(y),
        base_rate=float(y.mean()) if len(y) else float("nan"),
        accuracy=float(np.mean(take == (y == 1))) if len(y) else float("nan"),
        precision=float(y[take].mean()) if taken else float("nan"),
        take_rate=taken / len(y) if len(y) else float("nan"),
        brier=float(np.mean((p - y) ** 2)) if len(y) else float("nan"),
        ece=expected_calibration_error(p, y) if len(y) else float("nan"),
    )


def auc(score: NDArray[np.float64], y: NDArray[np.int64]) -> float:
    """Area under the ROC curve of ``score`` for ``y`` (rank form; 0.5 means no information)."""
    from scipy.stats import rankdata

    pos, neg = int((y == 1).sum()), int((y == 0).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def psi(expected: NDArray[np.float64], actual: NDArray[np.float64]) -> float:
    """Population stability index of two bin-share vectors (a floor of 1e-4 keeps empty bins finite)."""
    e = np.maximum(np.asarray(expected, dtype=float), 1e-4)
    a = np.maximum(np.asarray(actual, dtype=float), 1e-4)
    return float(np.sum((a - e) * np.log(a / e)))


def bin_shares(values: NDArray[np.float64], edges: NDArray[np.float64]) -> NDArray[np.float64]:
    """Share of ``values`` in each bin cut at ``edges`` (inner edges; the outer bins are open)."""
    which = np.searchsorted(edges, values, side="right")
    counts = np.bincount(which, minlength=len(edges) + 1).astype(float)
    return counts / max(1.0, counts.sum())
