"""Batch marking: many bars' closes valued at once, exactly as one ``Portfolio.mark`` per bar."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from mia_core.accounting.lots import Lot

if TYPE_CHECKING:
    from mia_core.accounting.portfolio import Portfolio

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def first_invalid(ts: Ints, high: Floats, low: Floats, after_ts: int) -> int:
    """Index of the first mark ``Portfolio.mark`` would refuse (time going back, low above high), or -1."""
    if not len(ts):
        return -1
    back = ts[1:] < ts[:-1]
    inverted = low > high
    if ts[0] >= after_ts and not back.any() and not inverted.any():
        return -1
    bad = np.flatnonzero(np.concatenate(([ts[0] < after_ts], back)) | inverted)
    return int(bad[0])


def to_ticks(prices: Floats, tick_size: float) -> Ints:
    """``round(price / tick_size)`` per price (round half to even, as Python's ``round``)."""
    return np.rint(prices / tick_size).astype(np.int64)


def update_lots(lots: Iterable[Lot], qty: int, ts: Ints, top: Ints, bottom: Ints, last: Ints) -> None:
    """Per-lot bars held and MAE/MFE in ticks over the marks, as ``Portfolio.mark`` updates them."""
    first_ts = int(ts[0])
    for lot in lots:
        entry = lot.entry_ticks
        # Marks after the entry start at ``split``; a lot entered before the run (the usual case) needs no search.
        split = 0 if lot.entry_ts < first_ts else int(np.searchsorted(ts, lot.entry_ts, side="right"))
        worst = lot.mae
        best = lot.mfe
        if split:
            moves = last[:split] - entry if qty > 0 else entry - last[:split]
            best = max(best, int(moves.max()))
            worst = max(worst, int(-moves.min()))
        if split < len(ts):
            lot.bars += len(ts) - split
            up = int(top[split:].max()) - entry
            down = entry - int(bottom[split:].min())
            adverse, favourable = (down, up) if qty > 0 else (up, down)
            worst = max(worst, adverse)
            best = max(best, favourable)
        lot.mae = worst
        lot.mfe = best


def record(
    curves: tuple[array[int], array[int], array[int]],
    ts: Ints,
    last: Ints,
    qty: int,
    cost: int,
    tick_value: int,
    cash: int,
) -> tuple[int, int]:
    """Append each mark's ts, equity and position to ``curves``; return the last unrealized P&L and the top equity.

    ``cost`` is the open lots' cost in cents (entry ticks times signed quantity times tick value).
    """
    ts_buf, eq_buf, pos_buf = curves
    count = len(ts)
    ts_buf.frombytes(ts.tobytes())
    pos_buf.extend(array("q", (qty,)) * count)
    if not qty:
        eq_buf.extend(array("q", (cash,)) * count)
        return 0, cash
    values = last * (qty * tick_value)
    values += cash - cost
    eq_buf.frombytes(values.tobytes())
    return int(values[-1]) - cash, int(values.max())


def mark_many(portfolio: Portfolio, ts: Ints, high: Floats, low: Floats, close: Floats) -> None:
    """Exactly ``portfolio.mark(ts[i], high[i], low[i], close[i])`` for each i in order, computed in bulk."""
    ts = np.ascontiguousarray(ts, dtype=np.int64)
    bad = first_invalid(ts, high, low, portfolio.last_mark_ns)
    if bad >= 0:
        mark_many(portfolio, ts[:bad], high[:bad], low[:bad], close[:bad])
        portfolio.mark(int(ts[bad]), float(high[bad]), float(low[bad]), float(close[bad]))  # raises
        ts, high, low, close = ts[bad + 1 :], high[bad + 1 :], low[bad + 1 :], close[bad + 1 :]
    size = portfolio.instrument.tick_size
    portfolio.mark_ticks(ts, to_ticks(high, size), to_ticks(low, size), to_ticks(close, size))
