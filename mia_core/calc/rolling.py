"""Rolling windows in two forms that agree bit for bit: O(1) incremental objects and numpy arrays.

Rolling sums are differences of running totals in both forms (``np.cumsum`` adds in
the same order as the incremental total), so the two forms produce identical floats.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from mia_core.calc.technique_base import FloatArray


class RollingSum:
    """Sum of the last ``n`` values pushed (fewer at the start), as a difference of running totals."""

    __slots__ = ("_cums", "_total", "n")

    def __init__(self, n: int) -> None:
        self.n = n
        self._total = 0.0
        self._cums: deque[float] = deque([0.0], maxlen=n + 1)

    def push(self, value: float) -> float:
        """Add ``value``; return the sum of the last ``n`` values."""
        total = self._total = self._total + value
        cums = self._cums
        cums.append(total)
        return total - cums[0]


def rolling_sum(values: FloatArray, n: int) -> FloatArray:
    """Vectorised :class:`RollingSum`: element ``i`` is the sum of ``values[max(0, i-n+1) : i+1]``."""
    cums = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    idx = np.arange(1, len(values) + 1)
    return cums[idx] - cums[np.maximum(idx - n, 0)]


class RollingExtreme:
    """Maximum (or minimum) of the last ``n`` values pushed: a monotonic deque, O(1) amortised."""

    __slots__ = ("_count", "_items", "_sign", "n")

    def __init__(self, n: int, *, largest: bool = True) -> None:
        self.n = n
        self._sign = 1.0 if largest else -1.0
        self._items: deque[tuple[int, float]] = deque()
        self._count = 0

    def push(self, value: float) -> float:
        """Add ``value``; return the extreme of the last ``n`` values."""
        sign = self._sign
        key = value * sign
        items = self._items
        while items and items[-1][1] <= key:
            items.pop()
        count = self._count
        items.append((count, key))
        self._count = count + 1
        if items[0][0] <= count - self.n:
            items.popleft()
        return items[0][1] * sign


def rolling_max(values: FloatArray, n: int) -> FloatArray:
    """Vectorised rolling maximum over the last ``n`` values (fewer at the start)."""
    values = np.asarray(values, dtype=np.float64)
    out = np.empty_like(values)
    head = min(n - 1, len(values))
    out[:head] = np.maximum.accumulate(values[:head]) if head else values[:0]
    if len(values) >= n:
        out[n - 1 :] = np.lib.stride_tricks.sliding_window_view(values, n).max(axis=1)
    return out


def rolling_min(values: FloatArray, n: int) -> FloatArray:
    """Vectorised rolling minimum over the last ``n`` values (fewer at the start)."""
    return -rolling_max(-np.asarray(values, dtype=np.float64), n)


def lag(values: FloatArray, k: int, fill: float = np.nan) -> FloatArray:
    """``values`` shifted ``k`` places later: element ``i`` is ``values[i-k]`` (``fill`` before)."""
    out = np.full(len(values), fill, dtype=np.float64)
    if k < len(values):
        out[k:] = values[: len(values) - k]
    return out


class TrueRange:
    """True range of each bar: high - low, widened to the previous close (the first bar: high - low)."""

    __slots__ = ("_prev_close",)

    def __init__(self) -> None:
        self._prev_close: float | None = None

    def push(self, high: float, low: float, close: float) -> float:
        """The bar's true range."""
        prev = self._prev_close
        self._prev_close = close
        if prev is None:
            return high - low
        return max(high, prev) - min(low, prev)


def true_range(high: FloatArray, low: FloatArray, close: FloatArray) -> FloatArray:
    """Vectorised :class:`TrueRange`."""
    prev = lag(close, 1)
    prev[:1] = close[:1] if len(close) else prev[:1]
    out = np.maximum(high, prev) - np.minimum(low, prev)
    if len(out):
        out[0] = high[0] - low[0]
    return out
