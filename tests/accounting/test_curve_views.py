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
