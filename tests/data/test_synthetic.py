"""The synthetic generator: seeded, on the grid, inside Globex hours, with order flow, fast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mia_core.errors import DomainValueError
from mia_core.instruments import ES, NQ
from mia_core.synthetic import SyntheticConfig, generate, generate_bars


@pytest.fixture(scope="module")
def week() -> pd.DataFrame:
    """Three weeks of one-minute ES bars (crossing the March DST change) as a frame with Chicago times."""
    bars = generate(ES, SyntheticConfig(bars=25_000, start="2024-03-01"))
    s = bars.series
    close = pd.to_datetime(s.ts, unit="ns", utc=True).tz_convert("America/Chicago")
    return pd.DataFrame(
        {"close_at": close, "open_at": close - pd.Timedelta(seconds=60), "open": s.open, "high": s.high,
         "low": s.low, "close": s.close, "volume": s.volume, "bid": s.bid_volume, "ask": s.ask_volume,
         "trades": bars.trade_count, "regime": bars.regime}
    )


def test_same_seed_same_bars_other_seed_other_bars() -> None:
    one, two = generate(ES, SyntheticConfig(bars=5000)), generate(ES, SyntheticConfig(bars=5000))
    for name in ("ts", "open", "high", "low", "close", "volume", "bid_volume", "ask_volume"):
        np.testing.assert_array_equal(getattr(one.series, name), getattr(two.series, name))
    np.testing.assert_array_equal(one.trade_count, two.trade_count)
    other = generate(ES, SyntheticConfig(bars=5000, seed=8)).series
    assert not np.array_equal(one.series.close, other.close)
    np.testing.assert_array_equal(one.series.ts, other.ts)  # the calendar does not depend on the seed


def test_prices_on_the_grid_and_bars_consistent(week: pd.DataFrame) -> None:
    for column in ("open", "high", "low", "close"):
        assert np.all(week[column] % 0.25 == 0), column
    assert (week.low <= week[["open", "close"]].min(axis=1)).all()
    assert (week.high >= week[["open", "close"]].max(axis=1)).all()
    assert (week.low > 0).all()


def test_no_bar_in_the_daily_halt_or_on_saturday(week: pd.DataFrame) -> None:
    minutes_open = week.open_at.dt.hour * 60 + week.open_at.dt.minute
    minutes_close = week.close_at.dt.hour * 60 + week.close_at.dt.minute
    assert not ((minutes_open >= 16 * 60) & (minutes_open < 17 * 60)).any()
    assert not ((minutes_close > 16 * 60) & (minutes_close <= 17 * 60)).any()
    assert not (week.close_at.dt.day_of_week == 5).any()
    assert not ((week.close_at.dt.day_of_week == 4) & (minutes_close > 16 * 60)).any()
    assert not ((week.open_at.dt.day_of_week == 6) & (minutes_open < 17 * 60)).any()
    assert (np.diff(week.close_at.astype("int64")) > 0).all()


def test_first_bar_opens_at_the_globex_open_before_the_start_day(week: pd.DataFrame) -> None:
    # 2024-03-01 is a Friday: its session opens Thursday 17:00 Chicago
    assert week.open_at.iloc[0] == pd.Timestamp("2024-02-29 17:00", tz="America/Chicago")


def test_order_flow_sums_to_volume_and_follows_returns(week: pd.DataFrame) -> None:
    assert (week.bid >= 0).all() and (week.ask >= 0).all()
    np.testing.assert_array_equal(week.bid + week.ask, week.volume)
    imbalance = (week.ask - week.bid) / week.volume
    assert np.corrcoef(imbalance, week.close - week.open)[0, 1] > 0.3
    assert ((week.trades >= 1) & (week.trades <= week.volume)).all()


def test_volume_is_u_shaped_over_the_regular_session(week: pd.DataFrame) -> None:
    minute = week.close_at.dt.hour * 60 + week.close_at.dt.minute
    opening = week.volume[(minute > 8 * 60 + 30) & (minute <= 9 * 60)].mean()
    midday = week.volume[(minute > 11 * 60) & (minute <= 12 * 60)].mean()
    closing = week.volume[(minute > 14 * 60 + 30) & (minute <= 15 * 60)].mean()
    night = week.volume[(minute > 19 * 60) & (minute <= 23 * 60)].mean()
    assert opening > midday < closing and night < midday


def test_volatility_regimes_change_the_range(week: pd.DataFrame) -> None:
    ranges = (week.high - week.low).groupby(week.regime).mean()
    assert set(week.regime) == {0, 1, 2}
    assert ranges[0] < ranges[1] < ranges[2]


def test_nq_and_other_bar_sizes() -> None:
    series = generate_bars(NQ, SyntheticConfig(bars=300, bar_seconds=300, start_price=17000.0))
    assert series.instrument is NQ and set(np.diff(series.ts)[:10]) == {300 * 10**9}
    assert abs(series.open[0] - 17000.0) < 1


@pytest.mark.parametrize(
    ("setting", "value"), [("bars", 0), ("bar_seconds", 7), ("start", "2024-13-01"), ("volatility", -0.1)]
)
def test_bad_settings_are_refused(setting: str, value: object) -> None:
    with pytest.raises(DomainValueError, match=setting):
        SyntheticConfig(**{setting: value})  # type: ignore[arg-type]


def test_a_million_bars_are_generated_in_order() -> None:
    """The bench's million bars (no timing here: the house measures speed in ``mia bench``, never in a test)."""
    series = generate_bars(ES, SyntheticConfig(bars=1_000_000))
    assert len(series) == 1_000_000
    assert bool(np.all(np.diff(series.ts) > 0))
