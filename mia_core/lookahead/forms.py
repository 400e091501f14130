"""The forms a component can have, how the check runs each array form, and how values are compared."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from mia_core.engine.failures import describe_arrays, describe_outputs
from mia_core.errors import MiaError
from mia_core.series import BarSeries

FloatArray = npt.NDArray[np.float64]
Columns = dict[str, FloatArray]
ArrayRun = Callable[[Any, BarSeries], Columns]
RTOL = 1e-9
ATOL = 1e-12


class MalformedResult(MiaError):
    """A form returned something else than its declared outputs (the report's error says what)."""


def checked_row(feature: Any, row: object) -> Mapping[str, float]:
    """``row`` as ``update`` returned it, or :class:`MalformedResult` saying how it differs from ``outputs``."""
    wrong = describe_outputs(row, tuple(feature.outputs))
    if wrong:
        raise MalformedResult(f"update {wrong}")
    return row  # type: ignore[return-value]


def has_incremental(component: Any) -> bool:
    """True for a technique-like bar form: ``outputs``, ``update`` and ``reset``."""
    return hasattr(component, "outputs") and all(callable(getattr(component, m, None)) for m in ("update", "reset"))


def has_vectorised(component: Any) -> bool:
    """True for a technique-like array form: ``outputs`` and ``compute``."""
    return hasattr(component, "outputs") and callable(getattr(component, "compute", None))


def has_fast(strategy: Any) -> bool:
    """True for a strategy with the engine's fast path, ``target_directions``."""
    return callable(getattr(strategy, "target_directions", None))


def run_vectorised(feature: Any, bars: BarSeries) -> Columns:
    """``feature.compute(bars)`` as float arrays (:class:`MalformedResult` when they are not its declared outputs)."""
    result = feature.compute(bars)
    wrong = describe_arrays(result, tuple(feature.outputs), len(bars))
    if wrong:
        raise MalformedResult(f"compute {wrong}")
    return {str(key): np.asarray(value, dtype=np.float64) for key, value in result.items()}


def run_directions(strategy: Any, bars: BarSeries) -> Columns:
    """``strategy.target_directions(bars)`` as one float array, ``direction``."""
    return {"direction": np.asarray(strategy.target_directions(bars), dtype=np.float64)}


def differ(a: FloatArray, b: FloatArray) -> npt.NDArray[np.bool_]:
    """Where ``a`` and ``b`` differ beyond rounding (NaN equals NaN)."""
    return ~np.isclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True)


def first_difference(expected: Mapping[str, FloatArray], got: Mapping[str, FloatArray],
                     n: int) -> tuple[str, int, float, float] | None:
    """The earliest bar below ``n`` where an output differs between ``expected`` and ``got`` (missing: NaN).

    Returns the output, the bar and both values, or ``None`` when all agree.
    """
    best: tuple[str, int, float, float] | None = None
    for key in sorted(expected.keys() | got.keys()):
        want, have = _padded(expected.get(key), n), _padded(got.get(key), n)
        bad = np.flatnonzero(differ(want, have))
        if bad.size and (best is None or int(bad[0]) < best[1]):
            i = int(bad[0])
            best = (key, i, float(want[i]), float(have[i]))
    return best


def _padded(column: FloatArray | None, n: int) -> FloatArray:
    out = np.full(n, np.nan)
    if column is not None:
        m = min(n, len(column))
        out[:m] = column[:m]
    return out
