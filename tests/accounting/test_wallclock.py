"""Wall-clock times and timestamps without pandas give what pandas gives (tz_convert, Timestamp.value)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from mia_core.accounting.tradingdays import cme_trading_days
from mia_core.timeutil import to_ns
from mia_core.wallclock import local_ns

ZONES = ["America/Chicago", "America/New_York", "UTC", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"]
NAT = np.iinfo(np.int64).min


def _pandas_local(ts: np.ndarray, zone: str) -> np.ndarray:
    wall = pd.to_datetime(ts, unit="ns", utc=True).tz_convert(zone).tz_localize(None)
    return wall.to_numpy().astype("datetime64[ns]").astype(np.int64)


@pytest.mark.parametrize("zone", ZONES)
def test_local_times_match_pandas_across_daylight_saving_changes(zone: str) -> None:
    rng = np.random.default_rng(sum(map(ord, zone)))
    for _ in range(20):
        first = int(rng.integers(-2_000_000_000, 4_000_000_000)) * 10**9  # 1906 to 2096
        span = int(rng.integers(1, 10**9)) * 10**6 * int(rng.choice([1, 10, 1000]))
        ts = np.sort(rng.integers(first, first + span, size=int(rng.integers(1, 3000))))
        np.testing.assert_array_equal(local_ns(ts, ZoneInfo(zone)), _pandas_local(ts, zone))


def test_trading_days_keep_missing_times_missing() -> None:
    rng = np.random.default_rng(5)
    ts = np.sort(rng.integers(10**18, 2 * 10**18, 5000))
    ts[::97] = NAT
    wall = pd.DatetimeIndex(ts.astype("datetime64[ns]")).tz_localize("UTC").tz_convert("America/Chicago")
    expected = (wall.tz_localize(None) + pd.Timedelta(hours=7)).to_numpy().astype("datetime64[D]")
    np.testing.assert_array_equal(cme_trading_days(ts), expected)
    assert np.isnat(cme_trading_days(ts)).sum() == len(ts[::97])


def test_aware_datetimes_give_pandas_nanoseconds() -> None:
    rng = random.Random(1)
    zones = [UTC, *(ZoneInfo(z) for z in ZONES)]
    for _ in range(5000):
        moment = datetime(1900, 1, 1) + timedelta(microseconds=rng.randrange(200 * 365 * 86_400 * 10**6))
        moment = moment.replace(tzinfo=rng.choice(zones), fold=rng.randint(0, 1))
        assert to_ns(moment) == int(pd.Timestamp(moment).value)
    assert to_ns(pd.Timestamp("2024-01-02 09:30", tz="America/Chicago")) == 1_704_209_400 * 10**9


@pytest.mark.parametrize("block", [1, 7, 1000, 1 << 16])
def test_trading_days_by_blocks_are_those_of_one_pass(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks end anywhere (mid-day, across a DST change, on a missing time): the same days as the whole at once."""
    from mia_core.accounting import tradingdays
    from mia_core.timeutil import cme_trading_day

    ts = 1_710_000_000 * 10**9 + np.arange(0, 3000 * 7 * 60 * 10**9, 7 * 60 * 10**9, dtype=np.int64)  # over a DST day
    ts[[5, 999, 1000, 2999]] = NAT
    monkeypatch.setattr(tradingdays, "DAYS_BLOCK", block)
    days = cme_trading_days(ts)
    expected = [None if t == NAT else np.datetime64(cme_trading_day(int(t)), "D") for t in ts]
    assert [None if np.isnat(d) else d for d in days] == expected
    assert cme_trading_days(ts.reshape(3, 1000)).shape == (3, 1000)
    assert cme_trading_days(np.empty(0, dtype=np.int64)).dtype == np.dtype("datetime64[D]")
