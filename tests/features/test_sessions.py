"""Session analysis on the real CME Globex equity calendar: holidays, early closes, daylight-saving changes."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.calendars.cme import build_calendar, cme_calendar
from mia_core.calc.session_calendar import ASIA, CLOSED, LONDON, POST, RTH, SessionCalendar
from mia_core.calc.technique_base import warm_columns
from mia_core.errors import DomainValueError
from mia_core.instruments import ES
from mia_core.synthetic import SyntheticConfig, generate_bars
from mia_plugins.battle_navale.features.session_analysis import SessionAnalysis, day_cuts

from .bars import at, bar, last, series


@pytest.fixture(scope="module")
def analysis() -> SessionAnalysis:
    return SessionAnalysis(cme_calendar())


def one(analysis: SessionAnalysis, stamp: str) -> dict[str, float]:
    analysis.reset()
    return dict(analysis.update(bar(at(stamp), 100, 101, 99, 100.5)))


@pytest.mark.parametrize(
    ("stamp", "segment"),
    [
        ("2024-03-08 14:30", LONDON),  # 08:30 Chicago, standard time: the last London minute
        ("2024-03-08 14:31", RTH),  # 08:31 CST
        ("2024-03-11 13:31", RTH),  # 08:31 CDT: after the US switch to daylight time RTH opens an hour earlier in UTC
        ("2024-03-11 14:30", RTH),
        ("2024-03-11 00:00", ASIA),  # Sunday 19:00 CDT belongs to Monday's session
        ("2024-03-11 08:00", LONDON),  # 03:00 CDT
        ("2024-03-11 20:30", POST),  # 15:30 CDT
        ("2024-03-11 21:30", CLOSED),  # 16:30 CDT, the daily halt
        ("2024-03-09 15:00", CLOSED),  # Saturday
        ("2024-12-25 15:00", CLOSED),  # Christmas
        ("2024-03-29 14:00", CLOSED),  # Good Friday 2024: CME equity closed at 08:15 Chicago
    ],
)
def test_segments_follow_the_calendar(analysis: SessionAnalysis, stamp: str, segment: int) -> None:
    got = one(analysis, stamp)
    assert got["session_id"] == segment
    assert got["is_rth"] == (1.0 if segment == RTH else 0.0)
    assert got["is_overnight"] == (1.0 if segment in (ASIA, LONDON, POST) else 0.0)


def test_minutes_to_close_on_a_normal_day(analysis: SessionAnalysis) -> None:
    got = one(analysis, "2024-03-11 00:00")  # Globex close 16:00 CDT = 21:00 UTC
    assert got["minutes_to_close"] == 21 * 60
    assert got["minutes_to_rth_close"] == 20 * 60  # 15:00 CDT
    assert got["is_early_close"] == 0.0
    assert one(analysis, "2024-03-11 20:30")["minutes_to_rth_close"] == -30


def test_early_close_the_day_after_thanksgiving(analysis: SessionAnalysis) -> None:
    got = one(analysis, "2024-11-29 17:00")  # 11:00 CST; CME equity closes 12:00 CST that day
    assert got["is_early_close"] == 1.0
    assert got["session_id"] == RTH
    assert got["minutes_to_close"] == 60 and got["minutes_to_rth_close"] == 60
    assert one(analysis, "2024-11-29 18:30")["session_id"] == CLOSED


def test_the_calendar_knows_holidays_and_daylight_saving() -> None:
    calendar = build_calendar("2024-01-01", "2024-12-31")
    days = {np.datetime64(int(c), "ns").astype("datetime64[D]").item().isoformat() for c in calendar.close}
    assert "2024-12-25" not in days and "2024-07-04" in days and "2024-03-11" in days
    assert calendar.source.startswith("pandas-market-calendars")
    march_8 = calendar.rth_open[calendar.close.searchsorted(at("2024-03-08 12:00"))]
    march_11 = calendar.rth_open[calendar.close.searchsorted(at("2024-03-11 12:00"))]
    assert (march_8, march_11) == (at("2024-03-08 14:30"), at("2024-03-11 13:30"))


def test_session_statistics_reset_at_the_17_00_rollover(analysis: SessionAnalysis) -> None:
    # two bars of Monday 2024-03-11 (Asia then RTH), then the first bar of Tuesday's session at 17:01 CDT
    rows = [(100, 102, 99, 101, 10), (101, 104, 100, 103, 30), (103, 103.5, 102.5, 103, 5)]
    stamps = [at("2024-03-11 00:00"), at("2024-03-11 14:00"), at("2024-03-11 22:01")]
    bars = series(rows, stamps=stamps)
    values = analysis.compute(bars)
    vwap_monday = ((102 + 99 + 101) * 10 + (104 + 100 + 103) * 30) / (3 * 40)
    assert values["session_vwap"][1] == pytest.approx(vwap_monday)
    assert (values["session_high"][1], values["session_low"][1]) == (104.0, 99.0)
    assert (values["overnight_high"][1], values["overnight_low"][1]) == (102.0, 99.0)
    assert values["range_position"][1] == pytest.approx((103 - 99) / 5)
    assert values["vwap_distance"][1] == pytest.approx((103 - vwap_monday) / 5)
    assert values["score"][1] == pytest.approx(0.5 + 0.5 * min(2 * (103 - vwap_monday) / 5, 1))
    assert values["session_vwap"][2] == pytest.approx((103.5 + 102.5 + 103) / 3)
    assert (values["session_high"][2], values["session_low"][2]) == (103.5, 102.5)
    assert values["overnight_high"][2] == 103.5  # 17:01 CDT opens Tuesday's Asia session
    assert last(analysis, bars)["session_vwap"] == pytest.approx((103.5 + 102.5 + 103) / 3)


def test_a_calendar_with_times_out_of_order_is_refused() -> None:
    with pytest.raises(DomainValueError, match="open <= london"):
        SessionCalendar(source="x", open=[10], london=[5], rth_open=[20], rth_close=[30], close=[40],
                        early_close=[False])


def test_compute_in_blocks_cut_at_day_starts_gives_the_whole_series_rows() -> None:
    """The blockwise compute (less memory on long series) equals one pass over the series, bar for bar."""
    bars = generate_bars(ES, SyntheticConfig(bars=12_000, seed=5))  # about nine trading days of minutes
    feature = SessionAnalysis(cme_calendar())
    whole = warm_columns(feature._columns(bars), feature.outputs, feature.warmup_bars)
    day = np.searchsorted(feature.calendar.close, bars.ts, side="left")
    for block in (1, 700, 5_000, 12_000, 50_000):
        cuts = day_cuts(feature.calendar.close, bars.ts, block)
        assert cuts[0] == 0 and cuts[-1] == len(bars) and cuts == sorted(set(cuts))
        assert all(day[c] != day[c - 1] for c in cuts[1:-1]), "a block starts mid-day"
        blocked = feature.compute_in_blocks(bars, block)
        assert list(blocked) == list(feature.outputs)
        for key in feature.outputs:
            assert np.array_equal(blocked[key], whole[key], equal_nan=True), (block, key)
    assert len(day_cuts(feature.calendar.close, bars.ts, 700)) > 5  # several blocks really ran


def test_a_block_cut_mid_day_would_differ() -> None:
    """The cut must fall on a day start: a block starting mid-day restarts the day's VWAP and range."""
    bars = generate_bars(ES, SyntheticConfig(bars=3_000, seed=5))
    feature = SessionAnalysis(cme_calendar())
    whole = feature._columns(bars)
    late = feature._columns(bars.slice(1_000, 3_000))
    assert not np.array_equal(late["session_vwap"], whole["session_vwap"][1_000:])
