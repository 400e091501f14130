"""How much of a sweep's best result is luck: the deflated Sharpe ratio and the probability of backtest overfitting."""

from __future__ import annotations

import itertools
import math
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.errors import DomainValueError


def _stats() -> Any:
    """``scipy.stats``, imported on first use: it costs ~57 MB, and every ``mia`` command imports this module."""
    from scipy import stats

    return stats


EULER_GAMMA = 0.5772156649015329
#: Above this many block combinations CSCV refuses (C(16, 8) = 12,870 is the largest S it allows).
MAX_COMBINATIONS = 20_000


def period_sharpe(returns: npt.ArrayLike) -> float:
    """Sharpe ratio per period (not annualised): ``mean(r) / std(r, ddof=1)``; 0.0 for a flat series.

    A series of fewer than two returns is 0.0 too: it has no edge to measure.
    """
    r = np.asarray(returns, dtype=np.float64).ravel()
    if r.size < 2:
        return 0.0
    sd = float(r.std(ddof=1))
    return 0.0 if sd == 0.0 or not math.isfinite(sd) else float(r.mean() / sd)


def expected_max_sharpe(trials: int, variance: float) -> float:
    """``SR0``: the expected largest of ``trials`` Sharpe ratios drawn with zero mean and ``variance``.

    Bailey & López de Prado (2014), eq. (2) of "The Deflated Sharpe Ratio":
    ``sqrt(V) * ((1 - g) * Z(1 - 1/N) + g * Z(1 - 1/(N e)))`` with ``g`` Euler's
    constant and ``Z`` the standard normal quantile. One trial: 0 (nothing was chosen).
    """
    if trials < 1:
        raise DomainValueError("expected_max_sharpe", "trials", trials, "at least one trial")
    if variance < 0 or not math.isfinite(variance):
        raise DomainValueError("expected_max_sharpe", "variance", variance, "a finite variance >= 0")
    if trials == 1:
        return 0.0
    z = _stats().norm.ppf
    return math.sqrt(variance) * ((1 - EULER_GAMMA) * float(z(1 - 1 / trials))
                                  + EULER_GAMMA * float(z(1 - 1 / (trials * math.e))))


@attrs.frozen
class DeflatedSharpe:
    """The deflated Sharpe ratio (a probability) and what went into it; Sharpe ratios are per period."""

    probability: float
    sharpe: float
    benchmark: float
    trials: int
    trial_variance: float
    periods: int
    skew: float
    kurtosis: float


def deflated_sharpe(best_returns: npt.ArrayLike, trials: int, trial_variance: float) -> DeflatedSharpe:
    """The probability that the best run's true Sharpe is above what ``trials`` lucky tries would give.

    Bailey & López de Prado (2014), eq. (1) with ``SR0`` of eq. (2)::

        DSR = Phi((SR - SR0) * sqrt(T - 1) / sqrt(1 - skew * SR + (kurtosis - 1) / 4 * SR^2))

    ``SR`` is the per-period Sharpe of ``best_returns`` (T returns), ``skew`` and
    ``kurtosis`` theirs (kurtosis not in excess: 3 for a normal), ``trial_variance`` the
    variance of the per-period Sharpe ratios of all the trials. NaN with fewer than 3
    returns or a flat series.
    """
    r = np.asarray(best_returns, dtype=np.float64).ravel()
    sr0 = expected_max_sharpe(trials, trial_variance)
    sr = period_sharpe(r)
    if r.size < 3 or float(r.std()) == 0.0:
        return DeflatedSharpe(math.nan, sr, sr0, trials, trial_variance, int(r.size), math.nan, math.nan)
    skew = float(_stats().skew(r))
    kurt = float(_stats().kurtosis(r, fisher=False))
    probability = sharpe_probability(sr, sr0, int(r.size), skew, kurt)
    return DeflatedSharpe(probability, sr, sr0, trials, trial_variance, int(r.size), skew, kurt)


def sharpe_probability(sharpe: float, benchmark: float, periods: int, skew: float, kurtosis: float) -> float:
    """The probabilistic Sharpe ratio: ``P(true SR > benchmark)`` from ``periods`` returns' moments (per period).

    Bailey & López de Prado (2014), eq. (1); with ``benchmark = SR0`` it is the deflated
    Sharpe ratio. ``kurtosis`` is not in excess (3 for a normal).
    """
    denominator = 1 - skew * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe
    if periods < 2 or denominator <= 0:
        return math.nan
    z = (sharpe - benchmark) * math.sqrt(periods - 1) / math.sqrt(denominator)
    return float(_stats().norm.cdf(z))


@attrs.frozen
class Overfitting:
    """CSCV's result: the probability of backtest overfitting and the logits it counts."""

    probability: float
    logits: tuple[float, ...]
    blocks: int
    trials: int
    periods_used: int


def _sharpes(sums: npt.NDArray[np.float64], squares: npt.NDArray[np.float64], count: int) -> npt.NDArray[np.float64]:
    """Per-period Sharpe of each trial from its sum and sum of squares over ``count`` periods (0.0 when flat)."""
    mean = sums / count
    variance = np.maximum((squares - count * mean * mean) / (count - 1), 0.0)
    flat = variance <= 1e-10 * (squares / count)  # rounding left by a constant series is not volatility
    return np.where(flat, 0.0, mean / np.where(flat, 1.0, np.sqrt(variance)))


def _logit(train: npt.NDArray[np.float64], test: npt.NDArray[np.float64]) -> float:
    chosen = int(np.argmax(train))
    rank = float(_stats().rankdata(test)[chosen])  # 1 = worst; ties share their mean rank
    omega = rank / (test.size + 1)
    return math.log(omega / (1 - omega))


def probability_of_overfitting(returns: npt.ArrayLike, blocks: int = 8) -> Overfitting:
    """Combinatorially symmetric cross-validation (Bailey, Borwein, López de Prado & Zhu 2015).

    ``returns`` is T periods × N trials. Its rows are cut into ``blocks`` (S, even)
    consecutive blocks of equal size (the last ``T mod S`` rows are dropped); for each of
    the C(S, S/2) ways to pick half the blocks as the train set (the rest, in time order,
    is the test set), the trial with the best per-period Sharpe on train is ranked among
    all trials on test: ``w = rank / (N + 1)``, logit ``ln(w / (1 - w))``. The PBO is the
    share of logits <= 0: how often the in-sample best is at or below the median out of
    sample.
    """
    matrix = np.asarray(returns, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        raise DomainValueError("probability_of_overfitting", "returns", matrix.shape, "T periods x N >= 2 trials")
    if blocks < 2 or blocks % 2:
        raise DomainValueError("probability_of_overfitting", "blocks", blocks, "an even number >= 2")
    if math.comb(blocks, blocks // 2) > MAX_COMBINATIONS:
        raise DomainValueError("probability_of_overfitting", "blocks", blocks,
                               f"at most {MAX_COMBINATIONS} combinations (S <= 16)")
    size = matrix.shape[0] // blocks
    if size < 2:
        raise DomainValueError("probability_of_overfitting", "returns", matrix.shape[0],
                               f"at least {2 * blocks} periods for {blocks} blocks")
    if not np.all(np.isfinite(matrix[: size * blocks])):
        raise DomainValueError("probability_of_overfitting", "returns", "NaN", "finite returns only")
    parts = [matrix[i * size:(i + 1) * size] for i in range(blocks)]
    sums = np.array([p.sum(axis=0) for p in parts])
    squares = np.array([(p * p).sum(axis=0) for p in parts])
    half = size * blocks // 2
    logits = []
    for train_ids in itertools.combinations(range(blocks), blocks // 2):
        test_ids = [i for i in range(blocks) if i not in train_ids]
        train = _sharpes(sums[list(train_ids)].sum(axis=0), squares[list(train_ids)].sum(axis=0), half)
        test = _sharpes(sums[test_ids].sum(axis=0), squares[test_ids].sum(axis=0), half)
        logits.append(_logit(train, test))
    share = sum(v <= 0 for v in logits) / len(logits)
    return Overfitting(share, tuple(logits), blocks, int(matrix.shape[1]), size * blocks)
