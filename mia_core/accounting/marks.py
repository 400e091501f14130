"""Batch marking: many bars' closes valued at once, exactly as one ``Portfolio.mark`` per bar."""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from mia_core.accounting.lots import Lot

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def first_invalid(ts: Ints, high: Floats, low: Floats, after_ts: int) -> int:
    """Index of the first mark ``Portfolio.mark`` would refuse (time going back, low above high), or -1."""
    bad = np.flatnonzero((ts < np.maximum.accumulate(np.concatenate(([after_ts], ts[:-1])))) | (low > high))
    return int(bad[0]) if len(bad) else -1


def to_ticks(prices: Floats, tick_size: float) -> Ints:
    """``round(price / tick_size)`` per price (round half to even, as Python's ``round``)."""
    return np.rint(prices / tick_size).astype(np.int64)


def update_lots(lots: Iterable[Lot], qty: int, ts: Ints, high: Floats, low: Floats, last: Ints, size: float) -> None:
    """Per-lot bars held and MAE/MFE in ticks over the marks, as ``Portfolio.mark`` updates them."""
    top: Ints | None = None
    bottom: Ints | None = None
    for lot in lots:
        entry = lot.entry_ticks
        split = int(np.searchsorted(ts, lot.entry_ts, side="right"))  # marks after entry start here
        worst = lot.mae
        best = lot.mfe
        if split:
            moves = last[:split] - entry if qty > 0 else entry - last[:split]
            best = max(best, int(moves.max()))
            worst = max(worst, int(-moves.min()))
        if split < len(ts):
            if top is None or bottom is None:
                top, bottom = to_ticks(high, size), to_ticks(low, size)
            lot.bars += len(ts) - split
            up = int(top[split:].max()) - entry
            down = entry - int(bottom[split:].min())
            adverse, favourable = (down, up) if qty > 0 else (up, down)
            worst = max(worst, adverse)
            best = max(best, favourable)
        lot.mae = worst
        lot.mfe = best


def extend(buffer: array[int], values: Ints) -> None:
    """Append int64 ``values`` to an ``array('q')``."""
    buffer.frombytes(np.ascontiguousarray(values, dtype=np.int64).tobytes())
