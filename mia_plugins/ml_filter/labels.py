"""Triple-barrier labels: what a candidate trade then did with the system's own stop, target, time limit and costs."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray


def triple_barrier(entry: int, direction: int, stop: float | None, target: float | None, max_hold: int,
                   opens: NDArray[np.float64], highs: NDArray[np.float64], lows: NDArray[np.float64],
                   closes: NDArray[np.float64], cost_points: float) -> tuple[float, int] | None:
    """(net points, exit bar) of a trade entered at bar ``entry``'s open, ``direction`` +1/-1.

    The first barrier touched ends it: the stop (checked first when one bar touches both,
    the cautious reading), the target, or the close of the ``max_hold``-th bar. A bar
    that opens through a barrier fills at its open. ``cost_points`` (commission and
    slippage, round trip) is taken off. ``None`` when no bar is left to enter on.
    """
    n = len(opens)
    if entry >= n or direction == 0:
        return None
    price = float(opens[entry])
    last = min(n - 1, entry + max(1, max_hold) - 1)
    exit_price, exit_bar = float(closes[last]), last
    for i in range(entry, last + 1):
        o, h, lo = float(opens[i]), float(highs[i]), float(lows[i])
        if stop is not None and (lo <= stop if direction > 0 else h >= stop):
            gap = (o < stop) if direction > 0 else (o > stop)
            exit_price, exit_bar = (o if gap and i > entry else stop), i
            break
        if target is not None and (h >= target if direction > 0 else lo <= target):
            gap = (o > target) if direction > 0 else (o < target)
            exit_price, exit_bar = (o if gap and i > entry else target), i
            break
    pnl = direction * (exit_price - price) - cost_points
    return (pnl if math.isfinite(pnl) else math.nan), exit_bar
