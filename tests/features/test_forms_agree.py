"""The incremental and the vectorised form of every feature give the same values, bar for bar.

Run on 100,000 synthetic one-minute bars (recorded order flow) and on the real daily
S&P 500 and NASDAQ history (no order flow: estimated). The built-in features are
written so that both forms perform the same float operations in the same order, so
the values must be identical, NaN where one is NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mia_core.series import BarSeries
from ports.technique import Technique, VectorisedTechnique

from .conftest import SPECS, build


def incremental(feature: Any, series: BarSeries) -> dict[str, np.ndarray]:
    feature.reset()
    rows = [feature.update(bar) for bar in series.trusted()]
    return {key: np.array([row[key] for row in rows]) for key in feature.outputs}


def assert_agree(feature: Any, series: BarSeries) -> None:
    one_by_one = incremental(feature, series)
    at_once = feature.compute(series)
    assert set(at_once) == set(feature.outputs)
    for key in feature.outputs:
        a, b = one_by_one[key], at_once[key]
        assert len(b) == len(series)
        differ = ~((a == b) | (np.isnan(a) & np.isnan(b)))
        if differ.any():
            i = int(np.flatnonzero(differ)[0])
            pytest.fail(f"{feature.name}.{key} differs at bar {i}: incremental {a[i]!r}, vectorised {b[i]!r}")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_both_ports_are_satisfied(spec: Any) -> None:
    feature = build(spec)
    assert isinstance(feature, Technique)
    assert isinstance(feature, VectorisedTechnique)
    assert feature.name == spec.name


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_forms_agree_on_100k_intraday_bars(spec: Any, intraday: BarSeries) -> None:
    assert_agree(build(spec), intraday)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_forms_agree_on_real_daily_data(spec: Any, sp500: BarSeries, nasdaq: BarSeries) -> None:
    assert_agree(build(spec), sp500)
    assert_agree(build(spec, nasdaq.instrument), nasdaq)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_warm_up_is_nan_then_values(spec: Any, sp500: BarSeries) -> None:
    feature = build(spec)
    values = feature.compute(sp500)
    w = feature.warmup_bars
    for key in feature.outputs:
        assert np.isnan(values[key][: w - 1]).all(), f"{key} before warm-up"
    if "score" in values:
        assert not np.isnan(values["score"][w - 1 :]).any()


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_score_is_within_zero_and_one(spec: Any, intraday: BarSeries, sp500: BarSeries) -> None:
    feature = build(spec)
    for series in (intraday, sp500):
        values = feature.compute(series)
        if "score" in values:
            score = values["score"][feature.warmup_bars - 1 :]
            assert ((score >= 0.0) & (score <= 1.0)).all()
            assert score.min() < 0.5 or score.max() > 0.5, "a score that never leaves neutral says nothing"
            if series is intraday:
                assert score.min() < 0.5 < score.max(), "on 100,000 bars a score should lean both ways"
