"""Where the look-ahead check cuts the data, and the cuts themselves (copies, never views)."""

from __future__ import annotations

import math

import numpy as np

from mia_core.series import BarSeries

#: Every-bar cutting of a single-form array component while the cut lengths add up to at most this many rows.
EVERY_BAR_ROWS = 20_000_000
#: A dense sample always cuts after each of the first bars, where warm-up mistakes show.
HEAD = 32


def cut_copy(bars: BarSeries, c: int) -> BarSeries:
    """The first ``c`` bars as a series whose arrays own their memory (nothing past the cut is reachable)."""
    cut = slice(0, c)
    return BarSeries(
        instrument=bars.instrument,
        ts=bars.ts[cut].copy(),
        open=bars.open[cut].copy(),
        high=bars.high[cut].copy(),
        low=bars.low[cut].copy(),
        close=bars.close[cut].copy(),
        volume=bars.volume[cut].copy(),
        bid_volume=None if bars.bid_volume is None else bars.bid_volume[cut].copy(),
        ask_volume=None if bars.ask_volume is None else bars.ask_volume[cut].copy(),
    )


def cut_points(n: int, warmup: int, count: int = 24) -> tuple[int, ...]:
    """A sample of prefix lengths (``n`` excluded): the first three, the bars after warm-up densely, then spread.

    The first cuts catch values given before the declared warm-up that use later bars.
    """
    if n < 2:
        return ()
    start = max(1, min(warmup, n - 1))
    dense = [*range(1, min(4, n)), *range(start, min(start + count // 3, n))]
    spread = np.unique(np.geomspace(start, n - 1, num=max(0, count - len(dense))).astype(np.int64)).tolist()
    return tuple(sorted({*dense, *spread, n - 1}))


def every_bar_cuts(n: int, max_rows: int = EVERY_BAR_ROWS) -> tuple[tuple[int, ...], int]:
    """Prefix lengths ``1 .. n - 1`` when they add up to at most ``max_rows`` rows, else a dense sample.

    Returns the cuts and the stride: 1 means every bar is cut right after it; ``k``
    means the first :data:`HEAD` bars, then one bar in ``k``, then the last bar.
    """
    if n < 2:
        return (), 1
    rows = n * (n - 1) // 2
    stride = max(1, math.ceil(rows / max(1, max_rows)))
    if stride == 1:
        return tuple(range(1, n)), 1
    return tuple(sorted({*range(1, min(HEAD + 1, n)), *range(stride, n, stride), n - 1})), stride
