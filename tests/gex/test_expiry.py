"""Settlement instants (AM monthly SPX at 09:30 New York, PM SPXW at 16:00) and calendar time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from mia_core.gex.expiry import (
    ONE_HOUR_YEARS,
    is_regular_hours,
    settlement_for_root,
    settlement_ns,
    settlement_without_root,
    years_to_settlement,
)
from mia_core.options import SettlementStyle


def ns(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp()) * 1_000_000_000


@pytest.mark.parametrize(
    ("day", "style", "utc"),
    [
        (date(2025, 1, 17), SettlementStyle.AM, (2025, 1, 17, 14, 30)),  # EST: 09:30 = 14:30 UTC
        (date(2025, 7, 18), SettlementStyle.AM, (2025, 7, 18, 13, 30)),  # EDT: 09:30 = 13:30 UTC
        (date(2025, 1, 7), SettlementStyle.PM, (2025, 1, 7, 21, 0)),  # EST: 16:00 = 21:00 UTC
        (date(2025, 3, 10), SettlementStyle.PM, (2025, 3, 10, 20, 0)),  # the day after the DST change
    ],
)
def test_settlement_instants(day: date, style: SettlementStyle, utc: tuple[int, ...]) -> None:
    assert settlement_ns(day, style) == ns(*utc)


def test_roots_choose_am_or_pm() -> None:
    assert settlement_for_root("SPX") is SettlementStyle.AM
    assert settlement_for_root("NDX") is SettlementStyle.AM
    assert settlement_for_root("SPXW") is SettlementStyle.PM
    assert settlement_for_root("NDXP") is SettlementStyle.PM


@pytest.mark.parametrize(
    ("underlying", "day", "style"),
    [
        ("SPX", date(2025, 1, 17), SettlementStyle.AM),  # third Friday: the standard monthly
        ("SPX", date(2025, 2, 21), SettlementStyle.AM),  # third Friday
        ("SPX", date(2025, 2, 7), SettlementStyle.PM),  # first Friday: only SPXW lists it
        ("SPX", date(2025, 1, 7), SettlementStyle.PM),  # a Tuesday daily
        ("SPX", date(2025, 2, 14), SettlementStyle.PM),  # second Friday
        ("NDX", date(2025, 3, 21), SettlementStyle.AM),  # third Friday
        ("NDX", date(2025, 3, 20), SettlementStyle.PM),  # the Thursday before it
        ("SPXW", date(2025, 1, 17), SettlementStyle.PM),  # a PM underlying stays PM
    ],
)
def test_without_a_root_only_standard_monthlies_settle_am(
    underlying: str, day: date, style: SettlementStyle
) -> None:
    # SPX/NDX AM series exist only on the third-Friday monthly; every other date is a PM weekly/daily
    assert settlement_without_root(underlying, day) is style


def test_calendar_time_and_floor() -> None:
    now = ns(2025, 1, 6, 20, 57)  # 15:57 New York, the CBOE sample's next-day expiry
    settle = np.array([settlement_ns(date(2025, 1, 7), SettlementStyle.PM), now + 60 * 1_000_000_000, now])
    t = years_to_settlement(settle, now)
    assert t[0] == pytest.approx((24 * 3600 + 3 * 60) / (365 * 86400))
    assert t[1] == ONE_HOUR_YEARS and t[2] == ONE_HOUR_YEARS


def test_regular_hours() -> None:
    assert is_regular_hours(ns(2025, 1, 6, 15, 0))  # Monday 10:00 New York
    assert not is_regular_hours(ns(2025, 1, 6, 21, 30))  # 16:30
    assert not is_regular_hours(ns(2025, 1, 4, 15, 0))  # Saturday
