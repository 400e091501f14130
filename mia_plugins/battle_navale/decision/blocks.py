"""The vectorised decision over a long series in blocks: the same arrays, a fraction of the temporaries.

:func:`~mia_plugins.battle_navale.decision.pipeline.decide_arrays` makes some twenty
whole-length temporaries (the market state, regimes, setups, masks): about 160 MB on a
million bars. Every value it returns at a bar depends only on that bar's feature
scores and readings and on the tick prices of a fixed window of bars before it (the
longest of the state periods), so :func:`decide_in_blocks` runs it on one block of
bars at a time, each with that window of earlier bars in front, and keeps the block's
own rows: the arrays are the ones the whole-series call gives, to the last bit
(``tests/decision/test_decide_blocks.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from mia_plugins.battle_navale.decision.pipeline import DecisionArrays, DecisionConfig, decide_arrays
from mia_plugins.battle_navale.decision.settings import StatePeriods

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: open, high, low and close in whole ticks of rows ``lo`` to ``hi`` (exclusive)
TickRows = Callable[[int, int], Sequence[IntArray]]

BLOCK = 65_536  # bars per block: ~10 MB of temporaries


def lookback(periods: StatePeriods) -> int:
    """Bars in front of a block that its first bar's decision reads.

    The warm-up, which is the longest window: a window sum at bar ``j`` reads the true
    ranges of bars ``j - length + 1`` to ``j``, and each true range the close before it.
    """
    return periods.warmup_bars


def decide_in_blocks(
    n: int, tick_rows: TickRows, features: Mapping[str, FloatArray], config: DecisionConfig,
    readings: Mapping[str, FloatArray] | None = None, block: int = BLOCK,
) -> DecisionArrays:
    """``decide_arrays`` over ``n`` bars, ``block`` bars at a time (see the module docstring).

    ``tick_rows(lo, hi)`` gives the tick prices of rows ``lo`` to ``hi``, so that only a
    block's are ever held; ``features`` and ``readings`` are whole columns of ``n`` rows.
    """
    if block < 1:
        raise ValueError(f"decide_in_blocks: block must be at least 1 bar, got {block}")
    margin = lookback(config.periods)
    out: dict[str, np.ndarray] | None = None
    for start in range(0, n, block):
        stop = min(n, start + block)
        first = max(0, start - margin)  # from 0, the rows are the whole series' own: warm-up included
        o, h, lo, c = tick_rows(first, stop)
        part = decide_arrays(o, h, lo, c, {k: v[first:stop] for k, v in features.items()}, config,
                             {k: v[first:stop] for k, v in (readings or {}).items()})
        if out is None:
            out = {f.name: np.empty(n, dtype=getattr(part, f.name).dtype) for f in attrs.fields(DecisionArrays)}
        for name, column in out.items():
            column[start:stop] = getattr(part, name)[start - first:]
    if out is None:  # no bars: the whole-series call's empty arrays
        empty = np.empty(0, dtype=np.int64)
        return decide_arrays(empty, empty, empty, empty, {k: v[:0] for k, v in features.items()}, config,
                             {k: v[:0] for k, v in (readings or {}).items()})
    return DecisionArrays(**out)
