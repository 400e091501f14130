"""The Technique port: a feature producer, updated bar by bar."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from mia_core.market import Bar
from mia_core.series import BarSeries


@runtime_checkable
class Technique(Protocol):
    """Turns bars into named numeric features (Battle Navale features, elite techniques).

    The incremental path does constant work per bar, so live sessions and backtests
    compute identical values. A feature at bar ``t`` may only use bars up to ``t``.
    A technique that means nothing on daily bars (sessions, hours, tick moves) may set
    a class attribute ``needs_intraday = True``: a backtest on daily bars then says so
    (or refuses, with ``backtest.on_daily_bars: refuse``).
    """

    name: str
    outputs: tuple[str, ...]
    warmup_bars: int

    def update(self, bar: Bar) -> Mapping[str, float]:
        """Consume the next closed ``bar`` and return every output's current value.

        Called once per bar in timestamp order. Keys are exactly ``outputs``; values
        are NaN during warm-up (fewer than ``warmup_bars`` bars seen). Must not raise
        on valid bars.
        """
        ...

    def reset(self) -> None:
        """Forget all state, as if no bar had been seen (new session or new run)."""
        ...


@runtime_checkable
class VectorisedTechnique(Protocol):
    """The array form of a technique, for research and fast backtests.

    For the same bars it must return what feeding them one by one to ``update``
    returns; the test suite checks this for every built-in.
    """

    name: str
    outputs: tuple[str, ...]
    warmup_bars: int

    def compute(self, bars: BarSeries) -> Mapping[str, npt.NDArray[np.float64]]:
        """Return one array per output, aligned with ``bars`` (NaN during warm-up)."""
        ...
