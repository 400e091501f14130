"""The look-ahead harness passes every built-in feature and catches techniques that peek."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mia_core.lookahead import check_lookahead, cut_points
from mia_core.market import Bar
from mia_core.series import BarSeries

from .conftest import SPECS, build


@pytest.fixture(scope="module")
def short_intraday(intraday: BarSeries) -> BarSeries:
    """Four trading weeks of the synthetic minutes (the harness re-runs features many times)."""
    return intraday.slice(0, 20_000)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_no_built_in_feature_looks_ahead(spec: Any, short_intraday: BarSeries, sp500: BarSeries) -> None:
    for series in (short_intraday, sp500):
        report = check_lookahead(build(spec), series)
        assert report.passed, report.offence.describe() if report.offence else ""
        assert report.forms == ("vectorised", "incremental")
        assert report.forms_agree is True
        assert len(report.cuts) >= 16


class NextClosePeeker:
    """A deliberately wrong technique: its vectorised form reads the next bar's close."""

    name = "peeker"
    outputs = ("next_close", "close")
    warmup_bars = 1

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        ahead = np.append(bars.close[1:], np.nan)
        return {"next_close": ahead, "close": bars.close.copy()}

    def update(self, bar: Bar) -> dict[str, float]:
        return {"next_close": np.nan, "close": bar.close}

    def reset(self) -> None:
        pass


class CentredAverage:
    """A classic research bug: a centred moving average (two bars of the future in each value)."""

    name = "centred"
    outputs = ("mean",)
    warmup_bars = 5

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        out = np.full(len(bars), np.nan)
        if len(bars) >= 5:
            out[2:-2] = np.convolve(bars.close, np.ones(5) / 5, mode="valid")
        return {"mean": out}


def test_a_peeking_vectorised_form_is_caught_at_the_first_bar(sp500: BarSeries) -> None:
    report = check_lookahead(NextClosePeeker(), sp500)
    assert not report.passed
    assert report.offence is not None
    assert (report.offence.form, report.offence.output, report.offence.bar) == ("vectorised", "next_close", 0)
    assert report.offence.full_value == sp500.close[1]
    assert np.isnan(report.offence.cut_value)
    assert report.forms_agree is False


def test_a_centred_average_is_caught(sp500: BarSeries) -> None:
    report = check_lookahead(CentredAverage(), sp500)
    assert report.offence is not None
    # bar 2 is the first bar a centred average of five has a value for, and it used bars 3 and 4
    assert report.offence.bar == 2
    assert report.forms == ("vectorised",)
    assert report.forms_agree is None


class FragileFeature:
    """Fails on short data: the harness reports the error instead of stopping."""

    name = "fragile"
    outputs = ("x",)
    warmup_bars = 1

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        if len(bars) < 50:
            raise IndexError("needs 50 bars")
        return {"x": bars.close.copy()}


def test_a_feature_that_raises_on_cut_data_fails_with_the_error(sp500: BarSeries) -> None:
    report = check_lookahead(FragileFeature(), sp500)
    assert not report.passed
    assert report.error is not None and "IndexError: needs 50 bars" in report.error and "first 1 bars" in report.error


def test_cut_points_cover_the_start_densely_and_reach_the_end() -> None:
    cuts = cut_points(10_000, warmup=25)
    assert cuts[:3] == (1, 2, 3) and cuts[-1] == 9_999
    assert list(cuts[3:11]) == list(range(25, 33))
    assert list(cuts) == sorted(set(cuts))
    assert cut_points(1, warmup=1) == ()


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4])
def test_few_cuts_asked_for_still_give_valid_cuts(count: int) -> None:
    # `mia check lookahead --cuts 3` used to crash in numpy (a negative number of samples)
    cuts = cut_points(1_000, warmup=25, count=count)
    assert cuts and cuts[-1] == 999
    assert all(0 < c < 1_000 for c in cuts) and list(cuts) == sorted(set(cuts))
