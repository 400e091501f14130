"""Return-series statistics: Sharpe, Sortino, CAGR, volatility, drawdown, Calmar (risk-free 0)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

NAN = float("nan")
INF = float("inf")
DRAWDOWN_BLOCK = 1 << 16  # max_drawdown's values at a time: ~2 MB of temporaries on any length


def _as_returns(returns: npt.ArrayLike) -> npt.NDArray[np.float64]:
    return np.asarray(returns, dtype=np.float64).ravel()


def sharpe_ratio(returns: npt.ArrayLike, periods_per_year: float = 252) -> float:
    """Annualised Sharpe ratio: ``mean(r) / std(r, ddof=1) * sqrt(periods_per_year)``.

    NaN with fewer than two returns or when every return is equal (zero volatility).
    """
    r = _as_returns(returns)
    if r.size < 2 or r.max() == r.min():
        return NAN
    return float(r.mean() / r.std(ddof=1) * math.sqrt(periods_per_year))


def annual_volatility(returns: npt.ArrayLike, periods_per_year: float = 252) -> float:
    """``std(r, ddof=1) * sqrt(periods_per_year)``; NaN with fewer than two returns."""
    r = _as_returns(returns)
    if r.size < 2:
        return NAN
    if r.max() == r.min():
        return 0.0
    return float(r.std(ddof=1) * math.sqrt(periods_per_year))


def downside_deviation(returns: npt.ArrayLike, periods_per_year: float = 252) -> float:
    """Annualised downside deviation below 0: ``sqrt(mean(min(r, 0)^2)) * sqrt(periods_per_year)``.

    Averages over all periods (not only the losing ones); NaN for an empty series.
    """
    r = _as_returns(returns)
    if r.size == 0:
        return NAN
    below = np.minimum(r, 0.0)
    return float(math.sqrt(float(np.mean(below * below))) * math.sqrt(periods_per_year))


def sortino_ratio(returns: npt.ArrayLike, periods_per_year: float = 252) -> float:
    """Annualised Sortino ratio: ``mean(r) * periods_per_year / downside_deviation``.

    NaN with fewer than two returns; with no negative return it is +inf when the mean
    is positive and NaN when every return is zero.
    """
    r = _as_returns(returns)
    if r.size < 2:
        return NAN
    downside = downside_deviation(r, periods_per_year)
    mean = float(r.mean())
    if downside == 0.0:
        return INF if mean > 0 else NAN
    return mean * periods_per_year / downside


def cagr(growth: float, periods: int, periods_per_year: float = 252) -> float:
    """Compound annual growth rate of a ``growth`` factor (end / start) over ``periods`` periods.

    ``growth ** (periods_per_year / periods) - 1``; NaN for no periods or a negative
    growth factor (an account that lost more than it had).
    """
    if periods <= 0 or not math.isfinite(growth) or growth < 0:
        return NAN
    return float(growth ** (periods_per_year / periods) - 1.0)


def annual_return(returns: npt.ArrayLike, periods_per_year: float = 252) -> float:
    """CAGR of compounded periodic returns: ``cagr(prod(1 + r), len(r))``."""
    r = _as_returns(returns)
    return cagr(float(np.prod(1.0 + r)), int(r.size), periods_per_year) if r.size else NAN


def max_drawdown(values: npt.ArrayLike, start: float) -> tuple[float, float]:
    """Largest fall from a running peak of ``values``, counting ``start`` as the first peak.

    Returns ``(amount, fraction)``: the largest ``peak - value`` in the units of
    ``values`` and the largest ``(peak - value) / peak``; both >= 0, each the maximum
    over the whole series on its own (they may come from different falls). The
    fraction is NaN when a peak is not positive. An empty series gives ``(0.0, 0.0)``.
    Worked out :data:`DRAWDOWN_BLOCK` values at a time, the running peak carried over
    (the same figures as over the whole series at once, without its temporaries).
    """
    rest = np.asarray(values).ravel()
    block = DRAWDOWN_BLOCK
    head = np.concatenate(([start], rest[:block]))  # the dtype the whole series takes with ``start``
    amounts: list[Any] = []
    lowest: list[Any] = []
    fractions: list[Any] = []
    carry: Any = head[0]  # the running peak before each block
    for lo in range(0, max(rest.size, 1), block):
        v = head if lo == 0 else rest[lo : lo + block].astype(head.dtype)
        peaks = np.maximum.accumulate(v)
        np.maximum(peaks, carry, out=peaks)  # the block's peaks are those of the whole series
        carry = peaks[-1]
        falls = peaks - v
        amounts.append(falls.max())
        lowest.append(peaks.min())
        if not peaks.min() <= 0:  # else the fraction is NaN whatever the other blocks hold
            fractions.append((falls / peaks).max())
    amount = float(np.max(amounts))  # np.max, not max(): a NaN anywhere is the answer, as on the whole series
    if np.min(lowest) <= 0:
        return amount, NAN
    return amount, float(np.max(fractions))


def calmar_ratio(annual: float, drawdown_fraction: float) -> float:
    """``annual / drawdown_fraction``; NaN when there is no drawdown or either input is not finite."""
    if not (math.isfinite(annual) and math.isfinite(drawdown_fraction)) or drawdown_fraction <= 0:
        return NAN
    return annual / drawdown_fraction
