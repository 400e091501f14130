"""max_drawdown worked out by blocks gives the figures of the whole series at once, whatever the values."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mia_core.metrics import ratios


def whole(values: npt.ArrayLike, start: float) -> tuple[float, float]:
    """The one-pass definition (the code before the blocks)."""
    v = np.concatenate(([start], np.asarray(values).ravel()))
    peaks = np.maximum.accumulate(v)
    falls = peaks - v
    amount = float(falls.max())
    if peaks.min() <= 0:
        return amount, math.nan
    with np.errstate(all="ignore"):
        return amount, float((falls / peaks).max())


def same(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b, strict=True))


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(-(10**12), 10**12), max_size=60),
    start=st.integers(-(10**6), 10**12),
    block=st.integers(1, 9),
)
def test_integer_equity_by_blocks_matches_the_whole(values: list[int], start: int, block: int) -> None:
    array = np.array(values, dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ratios, "DRAWDOWN_BLOCK", block)
        assert same(ratios.max_drawdown(array, start), whole(array, start))


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.floats(-1e9, 1e9) | st.just(math.nan), max_size=40),
    start=st.floats(-10.0, 1e9),
    block=st.integers(1, 7),
)
def test_float_values_with_nan_by_blocks_match_the_whole(values: list[float], start: float, block: int) -> None:
    with pytest.MonkeyPatch.context() as patch, np.errstate(all="ignore"):
        patch.setattr(ratios, "DRAWDOWN_BLOCK", block)
        assert same(ratios.max_drawdown(values, start), whole(values, start))


def test_an_empty_series_and_a_long_one() -> None:
    assert ratios.max_drawdown([], 100) == (0.0, 0.0)
    rng = np.random.default_rng(3)
    equity = 10**9 + np.cumsum(rng.integers(-5_000, 5_000, 300_000))
    assert ratios.max_drawdown(equity, 10**9) == whole(equity, 10**9)
