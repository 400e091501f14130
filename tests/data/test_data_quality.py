"""Validation and repair of bar columns: every problem named under ``error``, counted under ``repair``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from mia_core.data_quality import NAT, DataQualityError, check_bars, find_gaps
from mia_core.instruments import ES

MINUTE = 60 * 10**9
T0 = int(pd.Timestamp("2024-01-02 15:31", tz="UTC").value)


def columns(n: int = 6, **changes: dict[int, float]) -> dict[str, Any]:
    """Clean one-minute bars; ``changes`` sets ``{row: value}`` per column."""
    close = 5000.0 + 0.25 * np.arange(n)
    cols: dict[str, Any] = {
        "ts": T0 + MINUTE * np.arange(n),
        "open": close - 0.25,
        "high": close + 0.5,
        "low": close - 0.5,
        "close": close,
        "volume": np.full(n, 100.0),
        "bid_volume": np.full(n, 40.0),
        "ask_volume": np.full(n, 60.0),
        "trade_count": np.full(n, 25.0),
    }
    for name, rows in changes.items():
        cols[name] = np.array(cols[name], dtype=cols[name].dtype)
        for row, value in rows.items():
            cols[name][row] = value
    return cols


def line(i: int) -> str:
    return f"line {i + 2}"


CASES = [  # (column changes, field, reason fragment, kind)
    ({"close": {3: np.nan}}, "close", "missing", "missing"),
    ({"ts": {3: NAT}}, "ts", "missing", "missing"),
    ({"low": {3: -1.0}}, "low", "zero or negative", "non_positive_price"),
    ({"volume": {3: -1.0}}, "volume", "volume is negative", "negative_volume"),
    ({"bid_volume": {3: -1.0}}, "bid_volume", "volume is negative", "negative_volume"),
    ({"trade_count": {3: 2.5}}, "trade_count", "not a whole number", "bad_trade_count"),
    ({"ts": {3: T0 - MINUTE}}, "ts", "earlier than the previous", "unordered_ts"),
    ({"ts": {3: T0 + 2 * MINUTE}}, "ts", "equal to an earlier", "duplicate_ts"),
    ({"high": {3: 5000.5}, "low": {3: 5001.0}}, "high", "high is below low", "high_below_low"),
    ({"close": {3: 5000.6}}, "close", "tick grid of 0.25", "off_grid"),
    ({"open": {3: 5100.0}}, "open", "open outside [low, high]", "open_outside_range"),
    ({"close": {3: 4900.0}}, "close", "close outside [low, high]", "close_outside_range"),
    ({"ask_volume": {3: 90.0}}, "volume", "exceeds volume", "order_flow_exceeds_volume"),
]


@pytest.mark.parametrize(("changes", "field", "reason", "kind"), CASES, ids=[c[3] + ":" + c[1] for c in CASES])
def test_error_policy_names_source_row_field_value_and_reason(
    changes: dict[str, dict[int, float]], field: str, reason: str, kind: str
) -> None:
    with pytest.raises(DataQualityError) as caught:
        check_bars(columns(**changes), ES, source="es.csv", row_label=line, field_label={"close": "Last"})
    error = caught.value
    assert (error.source, error.row) == ("es.csv", "line 5")
    assert error.field == ("column 'Last' (close)" if field == "close" else f"column {field!r}")
    assert reason in str(error)
    assert str(error).startswith(f"es.csv, line 5, {error.field}: value ")


@pytest.mark.parametrize(("changes", "field", "reason", "kind"), CASES, ids=[c[3] + ":" + c[1] for c in CASES])
def test_repair_policy_fixes_and_counts_each_kind(
    changes: dict[str, dict[int, float]], field: str, reason: str, kind: str
) -> None:
    checked = check_bars(columns(**changes), ES, source="es.csv", policy="repair", row_label=line)
    report = checked.report
    assert report.count(kind) == 1, report.summary()
    assert report.repairs == 1
    (example,) = [e for e in report.examples if e.kind == kind]
    assert example.row == "line 5" and field in example.field
    assert kind in report.summary()


def test_the_earliest_bad_row_is_named_first() -> None:
    with pytest.raises(DataQualityError, match="line 3, column 'volume'"):
        check_bars(columns(close={4: np.nan}, volume={1: -3.0}), ES, source="x", row_label=line)


def test_repairs_give_a_valid_series() -> None:
    cols = columns(
        8,
        ts={5: T0 + MINUTE, 6: T0},  # row 5 duplicates row 1, row 6 is out of order and duplicates row 0
        high={2: 4990.0},
        close={3: 5000.6, 4: 6000.0},
        volume={7: -1.0},
    )
    checked = check_bars(cols, ES, source="x", policy="repair")
    series, report = checked.series, checked.report
    assert report.rows_read == 8 and report.rows_kept == len(series) == 5
    assert dict(report.counts) == {
        "negative_volume": 1, "unordered_ts": 2, "duplicate_ts": 2, "high_below_low": 1, "off_grid": 1,
        "open_outside_range": 1, "close_outside_range": 2,
    }
    assert (np.diff(series.ts) > 0).all()
    assert series.close[3] == 5000.5  # 5000.6 rounded to the grid
    assert series.low[2] == 4990.0 and series.high[2] == 5000.0  # swapped
    assert series.close[4] == series.high[4]  # 6000 clipped to the high
    assert checked.trade_count is not None and len(checked.trade_count) == 5


def test_duplicates_keep_the_first_row_in_file_order() -> None:
    cols = columns(4, ts={2: T0 + MINUTE}, close={2: 5002.0}, high={2: 5003.0})
    checked = check_bars(cols, ES, source="x", policy="repair", row_label=line)
    assert checked.series.close[1] == 5000.25
    assert [e.row for e in checked.report.examples] == ["line 4"]


def test_repair_does_not_change_the_callers_arrays() -> None:
    cols = columns(close={3: 5000.6})
    check_bars(cols, ES, source="x", policy="repair")
    assert cols["close"][3] == 5000.6


def test_clean_data_gives_a_clean_report() -> None:
    report = check_bars(columns(), ES, source="x").report
    assert report.clean and report.repairs == 0 and "no problems" in report.summary()


def test_order_flow_may_be_unknown() -> None:
    checked = check_bars(columns(bid_volume={1: np.nan}, ask_volume={1: np.nan}), ES, source="x")
    assert checked.report.clean and np.isnan(checked.series.bid_volume[1])


def test_intraday_gaps_are_reported_not_filled_nor_fatal() -> None:
    ts = T0 + MINUTE * np.r_[np.arange(10), np.arange(20, 30)]
    cols = columns(20)
    cols["ts"] = ts
    checked = check_bars(cols, ES, source="x", row_label=line)
    assert len(checked.series) == 20
    assert checked.report.count("gap") == 1 and checked.report.repairs == 0
    (gap,) = checked.report.examples
    assert gap.row == "line 12" and "~10 bar(s) missing" in gap.action


def test_session_breaks_and_weekends_are_not_gaps() -> None:
    chicago = pd.DatetimeIndex(
        ["2024-01-04 15:58", "2024-01-04 15:59", "2024-01-04 16:00",  # Thursday, up to the daily halt
         "2024-01-04 17:01", "2024-01-04 17:02", "2024-01-05 15:59", "2024-01-05 16:00",  # halt, then Friday
         "2024-01-07 17:01", "2024-01-07 17:02", "2024-01-07 17:03"]  # Sunday evening: next session
    ).tz_localize("America/Chicago")
    ts = chicago.tz_convert("UTC").as_unit("ns").asi8
    rows, _ = find_gaps(ts)
    assert list(rows) == [5]  # only Friday 15:59 after Thursday 17:02, inside one trading day


def test_daily_gaps_only_beyond_four_days() -> None:
    days = pd.to_datetime(["2001-09-06", "2001-09-07", "2001-09-10", "2001-09-17", "2001-09-18"])
    ts = (days + pd.Timedelta(hours=20)).tz_localize("UTC").as_unit("ns").asi8
    rows, missing = find_gaps(ts)
    assert list(rows) == [3] and list(missing) == [4]  # Sep 11-14 closed: four weekdays without a bar


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="on_bad_data"):
        check_bars(columns(), ES, source="x", policy="fix")  # type: ignore[arg-type]
