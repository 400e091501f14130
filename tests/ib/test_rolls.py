"""mia_core.rolls: front month and continuous series by one roll rule (hand-computed expectations)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from mia_core.errors import DomainValueError
from mia_core.instruments import ES
from mia_core.rolls import FuturesContract, Roll, RollMethod, RollRule, front_contract, roll_schedule, stitch
from mia_core.series import BarSeries

Z5 = FuturesContract("ESZ5", date(2025, 12, 19), "202512")
H6 = FuturesContract("ESH6", date(2026, 3, 20), "202603")
M6 = FuturesContract("ESM6", date(2026, 6, 18), "202606")


def _ts(day: int) -> int:
    """20:00 UTC on 2025-12-``day``: 14:00 in Chicago, inside that CME trading day."""
    return int(datetime(2025, 12, day, 20, tzinfo=UTC).timestamp() * 1e9)


def _series(days: list[int], closes: list[float]) -> BarSeries:
    c = np.array(closes)
    return BarSeries(ES, [_ts(d) for d in days], c, c + 1, c - 1, c, [1000.0] * len(days))


def test_days_rule_rolls_eight_calendar_days_before_expiry() -> None:
    rule = RollRule()
    assert roll_schedule([H6, Z5, M6], rule) == [
        Roll(date(2025, 12, 11), "ESZ5", "ESH6"),
        Roll(date(2026, 3, 12), "ESH6", "ESM6"),
    ]
    assert front_contract([Z5, H6], date(2025, 12, 10), rule) is Z5
    assert front_contract([Z5, H6], date(2025, 12, 11), rule) is H6
    assert front_contract([Z5, H6, M6], date(2026, 3, 12), RollRule(days_before_expiry=0)) is H6


def test_no_front_once_every_contract_has_rolled_off() -> None:
    with pytest.raises(DomainValueError, match="none is the front"):
        front_contract([Z5], date(2025, 12, 11), RollRule())


def test_volume_crossover_rolls_the_day_after_the_next_month_trades_more() -> None:
    d1, d2, d3 = date(2025, 12, 8), date(2025, 12, 9), date(2025, 12, 10)
    activity = {"ESZ5": {d1: 100.0, d2: 80.0, d3: 50.0}, "ESH6": {d1: 50.0, d2: 90.0, d3: 200.0}}
    rule = RollRule(RollMethod.VOLUME)
    assert roll_schedule([Z5, H6], rule, activity) == [Roll(d3, "ESZ5", "ESH6")]
    assert front_contract([Z5, H6], d2, rule, activity) is Z5
    assert front_contract([Z5, H6], d3, rule, activity) is H6


def test_crossover_rule_still_leaves_an_expired_contract() -> None:
    after = date(2025, 12, 22)
    activity = {"ESZ5": {date(2025, 12, 19): 10.0, after: 10.0}, "ESH6": {after: 1.0}}
    rolls = roll_schedule([Z5, H6], RollRule(RollMethod.OPEN_INTEREST), activity)
    assert rolls == [Roll(after, "ESZ5", "ESH6")]


def test_crossover_rule_needs_daily_figures() -> None:
    with pytest.raises(DomainValueError, match="needs daily figures"):
        roll_schedule([Z5, H6], RollRule(RollMethod.OPEN_INTEREST))


def test_bad_rule_and_contract_lists_are_named() -> None:
    with pytest.raises(DomainValueError, match="days_before_expiry"):
        RollRule(days_before_expiry=-1)
    with pytest.raises(DomainValueError, match="unique"):
        roll_schedule([Z5, Z5], RollRule())
    with pytest.raises(DomainValueError, match="at least one"):
        roll_schedule([], RollRule())


def test_stitch_takes_each_month_while_it_is_the_front_and_back_adjusts() -> None:
    days = [9, 10, 11, 12]
    z5 = _series(days, [6000.0, 6001.0, 6002.0, 6003.0])
    h6 = _series(days, [6050.0, 6051.5, 6052.0, 6053.25])
    raw = stitch({"ESZ5": z5, "ESH6": h6}, [Z5, H6], RollRule(), back_adjust=False)
    assert raw.close.tolist() == [6000.0, 6001.0, 6052.0, 6053.25]
    assert raw.ts.tolist() == [_ts(d) for d in days]
    adjusted = stitch({"ESZ5": z5, "ESH6": h6}, [Z5, H6], RollRule())
    # gap on Dec 10 (last Z5 day): 6051.5 - 6001.0 = 50.5, added to the Z5 segment
    assert adjusted.close.tolist() == [6050.5, 6051.5, 6052.0, 6053.25]
    assert adjusted.high.tolist()[0] == 6051.5


def test_stitch_by_volume_uses_the_bars_own_daily_volume() -> None:
    days = [9, 10, 11]
    z5 = BarSeries(ES, [_ts(d) for d in days], [10.0] * 3, [10.0] * 3, [10.0] * 3, [10.0] * 3, [500.0, 100.0, 50.0])
    h6 = BarSeries(ES, [_ts(d) for d in days], [20.0] * 3, [20.0] * 3, [20.0] * 3, [20.0] * 3, [100.0, 400.0, 900.0])
    out = stitch({"ESZ5": z5, "ESH6": h6}, [Z5, H6], RollRule(RollMethod.VOLUME), back_adjust=False)
    # H6 out-trades Z5 on Dec 10, so it is the front from Dec 11
    assert out.close.tolist() == [10.0, 10.0, 20.0]


def test_stitch_names_missing_months() -> None:
    with pytest.raises(DomainValueError, match="no bars"):
        stitch({"ESZ5": _series([9], [6000.0])}, [Z5, H6], RollRule())
