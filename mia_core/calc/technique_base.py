"""Common shape of a feature: one object with an incremental ``update`` and a vectorised ``compute``."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from mia_core.market import Bar
from mia_core.series import BarSeries

FloatArray = npt.NDArray[np.float64]
NAN = math.nan


def clip(value: float, low: float = -1.0, high: float = 1.0) -> float:
    """``value`` limited to [low, high] (the scalar twin of ``np.clip``)."""
    return low if value < low else high if value > high else value


def safe_div(num: float, den: float, default: float = 0.0) -> float:
    """``num / den``, or ``default`` when ``den`` is not positive."""
    return num / den if den > 0 else default


def safe_div_array(num: FloatArray, den: FloatArray, default: float = 0.0) -> FloatArray:
    """Element-wise :func:`safe_div` (same IEEE division, so the two forms agree bit for bit)."""
    ok = den > 0
    return np.where(ok, num / np.where(ok, den, 1.0), default)


def to_score(signed: float) -> float:
    """Map a signed strength in [-1, 1] to a score in [0, 1] (0.5 neutral)."""
    return 0.5 + 0.5 * clip(signed)


def to_score_array(signed: FloatArray) -> FloatArray:
    """Element-wise :func:`to_score`."""
    return 0.5 + 0.5 * np.clip(signed, -1.0, 1.0)


def warm_columns(
    columns: Mapping[str, FloatArray], outputs: tuple[str, ...], warmup_bars: int
) -> dict[str, FloatArray]:
    """``columns`` as float64 arrays in ``outputs`` order, NaN over the warm-up (``i + 1 < warmup_bars``).

    A column that is a view of the input, shared by two outputs or read-only is copied
    before NaN is written into it.
    """
    out: dict[str, FloatArray] = {}
    owned: set[int] = set()
    for key in outputs:
        column = np.asarray(columns[key], dtype=np.float64)
        if column.base is not None or id(column) in owned or not column.flags.writeable:
            column = column.copy()  # never write NaN into a view of the input or into a shared column
        owned.add(id(column))
        column[: max(0, warmup_bars - 1)] = NAN
        out[key] = column
    return out


class Feature:
    """Base of every built-in feature: satisfies both ``Technique`` and ``VectorisedTechnique``.

    A subclass sets ``name``, ``outputs`` and ``warmup_bars`` and implements
    ``_reset`` (state), ``_step`` (one bar: a tuple of floats in ``outputs`` order)
    and ``_columns`` (all bars: one array per output). This base turns the tuple into
    the mapping the port promises and writes NaN during warm-up in both forms: the
    value at bar ``i`` (0-based) is NaN while ``i + 1 < warmup_bars``. A subclass on a
    hot path may implement ``_values`` instead of ``_step``: one bar's outputs as a new
    dict, keys in ``outputs`` order (a dict display costs half of ``dict(zip(...))``).
    """

    name: str = ""
    outputs: tuple[str, ...] = ()
    warmup_bars: int = 1

    def __init__(self) -> None:
        self._seen = 0
        self._warming = True
        self._nan: dict[str, float] = dict.fromkeys(self.outputs, NAN)
        self._reset()

    def reset(self) -> None:
        """Forget all state, as if no bar had been seen."""
        self._seen = 0
        self._warming = True
        self._reset()

    def update(self, bar: Bar) -> Mapping[str, float]:
        """Consume the next closed bar; every output's value (NaN during warm-up)."""
        values = self._values(bar)
        if self._warming:
            self._seen += 1
            if self._seen < self.warmup_bars:
                return dict(self._nan)
            self._warming = False
        return values

    def _values(self, bar: Bar) -> dict[str, float]:
        """One bar's outputs as a new dict: by default ``_step``'s tuple under the ``outputs`` names."""
        return dict(zip(self.outputs, self._step(bar), strict=True))

    def compute(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        """Every output over ``bars`` at once (what feeding them to ``update`` one by one returns)."""
        return warm_columns(self._columns(bars), self.outputs, self.warmup_bars)

    def _reset(self) -> None:
        raise NotImplementedError

    def _step(self, bar: Bar) -> tuple[float, ...]:
        raise NotImplementedError

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        raise NotImplementedError
