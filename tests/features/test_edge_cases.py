"""Both forms agree, and no feature looks ahead, on data built to hit the edge cases.

Flat bars, bars without volume, equal highs and lows, order flow recorded on some bars
and missing on others, a gap over a weekend and bars in the daily halt.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mia_core.instruments import ES
from mia_core.lookahead import check_lookahead
from mia_core.series import BarSeries

from .bars import at
from .conftest import SPECS, build
from .test_forms_agree import assert_agree


def awkward_bars(n: int = 4_000, seed: int = 3) -> BarSeries:
    rng = np.random.default_rng(seed)
    ticks = 20_000 + np.cumsum(rng.choice([-1, 0, 0, 0, 1], size=n))  # mostly unchanged closes
    open_ = np.r_[ticks[0], ticks[:-1]]
    high = np.maximum(open_, ticks) + rng.choice([0, 0, 1], size=n)
    low = np.minimum(open_, ticks) - rng.choice([0, 0, 1], size=n)
    volume = np.where(rng.random(n) < 0.3, 0.0, rng.integers(1, 50, size=n).astype(float))
    ask = np.floor(volume * rng.random(n))
    bid = volume - ask
    missing = rng.random(n) < 0.4
    bid, ask = np.where(missing, np.nan, bid), np.where(missing, np.nan, ask)
    start = at("2024-03-08 20:00")  # Friday afternoon: the series runs through the halt and the weekend
    step = np.where(rng.random(n) < 0.01, 37 * 60, 60) * 10**9
    ts = start + np.cumsum(step)
    return BarSeries(instrument=ES, ts=ts, open=open_ * 0.25, high=high * 0.25, low=low * 0.25, close=ticks * 0.25,
                     volume=volume, bid_volume=bid, ask_volume=ask)


@pytest.fixture(scope="module")
def awkward() -> BarSeries:
    return awkward_bars()


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_forms_agree_and_nothing_looks_ahead_on_awkward_bars(spec: Any, awkward: BarSeries) -> None:
    assert_agree(build(spec), awkward)
    report = check_lookahead(build(spec), awkward)
    assert report.passed, report.describe()


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_outputs_are_finite_after_warm_up_except_documented_levels(spec: Any, awkward: BarSeries) -> None:
    values = build(spec).compute(awkward)
    may_be_nan = {"swing_high", "swing_low", "overnight_high", "overnight_low"}
    w = build(spec).warmup_bars
    for key, column in values.items():
        if key not in may_be_nan:
            assert np.isfinite(column[w - 1 :]).all(), f"{spec.name}.{key}"
