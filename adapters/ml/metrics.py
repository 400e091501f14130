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


@attrs.frozen
class EceNoise:
    """What sampling noise alone gives: the ECE of a perfectly calibrated forecast with the same probabilities and
    rows (outcomes drawn from them), its mean and 95% quantile, and a bootstrap 5%-95% interval of the ECE measured."""

    perfect_mean: float
    perfect_p95: float
    boot_p05: float
    boot_p95: float


def ece_noise(p: NDArray[np.float64], y: NDArray[np.int64], draws: int = 1000, seed: int = 3) -> EceNoise:
    """The sampling noise of the ECE of ``p`` on ``len(p)`` rows (see :class:`EceNoise`)."""
    if not len(p):
        return EceNoise(float("nan"), float("nan"), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    perfect = np.array([expected_calibration_error(p, (rng.uniform(size=len(p)) < p).astype(np.int64))
                        for _ in range(draws)])
    picks = rng.integers(0, len(p), size=(draws, len(p)))
    boot = np.array([expected_calibration_error(p[i], y[i]) for i in picks])
    return EceNoise(float(perfect.mean()), float(np.quantile(perfect, 0.95)), float(np.quantile(boot, 0.05)),
                    float(np.quantile(boot, 0.95)))


def calibration_verdict(ece: float, noise: EceNoise, target: float = 0.03) -> str:
    """Whether the ECE target is met, missed, or cannot be judged on this many rows, and what noise alone gives."""
    consistent = ece <= noise.perfect_p95
    fits = ("within what sampling noise gives a perfectly calibrated forecast" if consistent else
            "beyond what sampling noise gives a perfectly calibrated forecast: miscalibrated")
    if noise.perfect_mean > target:
        return (f"cannot be judged on this many rows: a perfectly calibrated forecast would show ECE "
                f"{noise.perfect_mean:.3f} on average (95%: {noise.perfect_p95:.3f}), above the {target:.2f} "
                f"target; the {ece:.3f} measured is {fits}")
    met = "met" if ece <= target else "not met"
    return f"target {target:.2f} {met} (ECE {ece:.3f}); it is {fits} (95%: {noise.perfect_p95:.3f})"
