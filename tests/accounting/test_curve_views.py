"""The equity curve hands out read-only views, which later points leave as they were."""

from __future__ import annotations

import numpy as np
import pytest

from mia_core.accounting.curve import EquityCurve


def _curve() -> EquityCurve:
    curve = EquityCurve(1_000)
    curve.append(1, 1_000, 0)
    curve.append(2, 1_100, 1)
    return curve


def test_views_are_read_only() -> None:
    curve = _curve()
    for values in (curve.times(), curve.equity(), curve.positions()):
        with pytest.raises(ValueError, match="read-only"):
            values[0] = 5


def test_points_after_a_view_leave_it_unchanged() -> None:
    curve = _curve()
    ts, equity, position = curve.times(), curve.equity(), curve.positions()
    curve.append(3, 1_200, 1)  # an array with live views cannot grow in place: the curve moves to new buffers
    curve.extend(np.array([4, 5], dtype=np.int64), np.array([10, 11], dtype=np.int64), 1, 0, 100)
    curve.follow(np.array([6, 7], dtype=np.int64), np.array([12, 13], dtype=np.int64))
    curve.defer(0, 2, 1, 0, 100)
    assert ts.tolist() == [1, 2] and equity.tolist() == [1_000, 1_100] and position.tolist() == [0, 1]
    assert curve.times().tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert curve.equity().tolist() == [1_000, 1_100, 1_200, 1_000, 1_100, 1_200, 1_300]
    assert curve.positions().tolist() == [0, 1, 1, 1, 1, 1, 1]
    assert ts.tolist() == [1, 2]


def test_a_view_shares_the_curve_memory() -> None:
    curve = _curve()
    assert not curve.times().flags.owndata
    assert EquityCurve(0).times().size == 0


def test_positions_kept_as_runs_give_one_value_per_point() -> None:
    """Points added now and deferred, with and without a change of position, in every order."""
    curve = EquityCurve(0)
    expected: list[int] = []
    curve.append(1, 0, 0)
    curve.append(2, 0, 0)
    expected += [0, 0]
    curve.extend(np.array([3, 4, 5], dtype=np.int64), np.array([1, 2, 3], dtype=np.int64), 0, 0, 100)
    expected += [0, 0, 0]
    curve.extend(np.array([6, 7], dtype=np.int64), np.array([1, 2], dtype=np.int64), -2, 0, 100)
    expected += [-2, -2]
    curve.follow(np.arange(10, 20, dtype=np.int64), np.arange(10, dtype=np.int64))
    curve.defer(0, 3, -2, 0, 100)
    curve.defer(3, 4, 1, 0, 100)
    curve.defer(4, 6, 1, 7, 100)
    expected += [-2, -2, -2, 1, 1, 1]
    assert curve.positions().tolist() == expected
    curve.append(30, 0, 1)
    curve.append(31, 0, 3)
    expected += [1, 3]
    positions = curve.positions()
    assert positions.tolist() == expected
    assert positions.dtype == np.int64 and len(positions) == len(curve.times()) == len(curve.equity())
    assert EquityCurve(0).positions().tolist() == []


def test_times_of_a_followed_series_marked_bar_after_bar_are_its_own() -> None:
    """Every point a bar of the followed series, in order, no gap: the series' times, not a copy of them."""
    series_ts = np.arange(100, 110, dtype=np.int64)
    curve = EquityCurve(0)
    curve.follow(series_ts, np.arange(10, dtype=np.int32))
    curve.defer(0, 3, 1, 0, 100)
    curve.defer(3, 4, 0, 50, 100)
    curve.settle()
    curve.defer(4, 6, -1, 0, 100)
    early = curve.times()
    assert early.tolist() == [100, 101, 102, 103, 104, 105] and np.shares_memory(early, series_ts)
    with pytest.raises(ValueError, match="read-only"):
        early[0] = 5
    curve.follow(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))  # a backtest's end: the series let go
    assert np.shares_memory(curve.times(), series_ts) and curve.times().tolist() == early.tolist()
    curve.append(200, 7, 0)  # a point that is not the series' next bar: the times are the curve's own from now on
    assert curve.times().tolist() == [100, 101, 102, 103, 104, 105, 200]
    assert not np.shares_memory(curve.times(), series_ts)
    assert early.tolist() == [100, 101, 102, 103, 104, 105]
    assert len(curve.equity()) == len(curve.positions()) == 7


def test_times_with_gaps_or_a_new_series_are_copied_in_order() -> None:
    first, second = np.arange(100, 110, dtype=np.int64), np.arange(300, 305, dtype=np.int64)
    curve = EquityCurve(0)
    curve.follow(first, np.zeros(10, dtype=np.int64))
    curve.defer(0, 2, 0, 0, 100)
    curve.defer(5, 7, 0, 0, 100)  # a gap: bars 2 to 4 not marked
    curve.settle()
    curve.defer(7, 8, 0, 0, 100)
    curve.follow(second, np.zeros(5, dtype=np.int64))
    curve.defer(1, 3, 0, 0, 100)
    assert curve.times().tolist() == [100, 101, 105, 106, 107, 301, 302]
    assert len(curve.equity()) == 7
