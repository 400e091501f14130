"""The look-ahead harness passes every built-in feature and catches techniques that peek."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mia_core.lookahead import CheckSettings, check_lookahead, cut_copy, cut_points, every_bar_cuts
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
        assert report.passed, report.describe()
        assert report.forms == ("incremental", "vectorised")
        scopes = {(c.check, c.form): c.scope for c in report.coverage}
        assert scopes["forms", "vectorised vs incremental"] == f"every bar ({len(series):,})"
        assert scopes["rerun", "incremental"].startswith("every bar")


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
    cut = report.finding("cut")
    assert cut is not None and (cut.form, cut.output, cut.bar) == ("vectorised", "next_close", 0)
    assert cut.got == sp500.close[1] and np.isnan(cut.expected)
    forms = report.finding("forms")
    assert forms is not None and (forms.output, forms.bar) == ("next_close", 0)
    assert "(1999-01-04T21:00:00Z)" in report.describe()


def test_a_centred_average_is_caught(sp500: BarSeries) -> None:
    report = check_lookahead(CentredAverage(), sp500)
    assert report.first is not None
    # bar 2 is the first bar a centred average of five has a value for, and it used bars 3 and 4
    assert report.first.bar == 2
    assert report.forms == ("vectorised",) and report.single_form


class GapPeeker:
    """Array form only, and wrong on a few bars: where the next bar opens more than 1% away, it is that open."""

    name = "gap_peeker"
    outputs = ("x",)
    warmup_bars = 1

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        value = bars.close.copy()
        gaps = np.flatnonzero(np.abs(bars.open[1:] / bars.close[:-1] - 1) > 0.01)
        value[gaps] = bars.open[gaps + 1]
        return {"x": value}


def test_a_single_form_leak_on_a_few_bars_is_caught_by_cutting_after_every_bar(sp500: BarSeries) -> None:
    first_gap = int(np.flatnonzero(np.abs(sp500.open[1:] / sp500.close[:-1] - 1) > 0.01)[0])
    report = check_lookahead(GapPeeker(), sp500)
    assert report.first is not None and (report.first.check, report.first.bar) == ("cut", first_gap)
    # the sampled cuts alone (what a dense sample would add to) miss it: the leak is on 15 bars of 5,031
    sampled = check_lookahead(GapPeeker(), sp500, CheckSettings(every_bar_rows=1))
    assert any(c.scope.startswith("dense sample") for c in sampled.coverage)
    assert sampled.passed


def test_cuts_are_copies_owning_their_memory(sp500: BarSeries) -> None:
    cut = cut_copy(sp500, 10)
    assert len(cut) == 10 and cut.close.base is None and cut.ts.base is None
    assert not np.shares_memory(cut.close, sp500.close)


def test_every_bar_cuts_within_the_budget_else_a_dense_sample() -> None:
    assert every_bar_cuts(5, max_rows=100) == ((1, 2, 3, 4), 1)
    cuts, stride = every_bar_cuts(10_000, max_rows=1_000_000)
    assert stride == 50 and cuts[:32] == tuple(range(1, 33)) and cuts[-1] == 9_999


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
    assert report.errors and "IndexError: needs 50 bars" in report.errors[0] and "first 1 bars" in report.errors[0]


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
