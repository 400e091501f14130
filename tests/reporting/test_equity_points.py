"""equity.csv and the report's equity series, built with few temporaries, are the plain pandas formula's, exactly."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.reporting.files import equity_frame, utc_times


def reference_frame(result: Any) -> pd.DataFrame:
    """The straightforward formula (what equity_frame computed before it saved memory)."""
    ts = np.asarray(result.equity_ts, dtype=np.int64)
    keep = np.append(ts[1:] != ts[:-1], True) if len(ts) else np.zeros(0, dtype=bool)
    equity = result.equity_cents[keep].astype(np.float64) / 100
    peak = np.maximum.accumulate(equity) if len(equity) else equity
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(peak > 0, (equity - peak) / peak * 100, 0.0)
    return pd.DataFrame({"time": pd.to_datetime(ts[keep], utc=True), "equity": equity, "drawdown": equity - peak,
                         "drawdown_pct": percent})


def csv(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    frame.to_csv(out, index=False)
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-10**12, 10**12)), max_size=60),
       st.integers(0, 10**9 - 1))
def test_the_frame_and_its_csv_are_the_formulas(steps: list[tuple[int, int]], sub_second: int) -> None:
    """Any curve: repeated stamps, zero, negative and huge equity, stamps with and without fractions of a second."""
    ts = 1_704_150_060_000_000_000 + np.cumsum([gap for gap, _ in steps], dtype=np.int64) * 60_000_000_000
    if len(ts) > 2:
        ts[len(ts) // 2:] += sub_second  # a later part with a fraction of a second: the time format widens
    result = SimpleNamespace(equity_ts=ts, equity_cents=np.array([cents for _, cents in steps], dtype=np.int64))
    got, want = equity_frame(result), reference_frame(result)  # type: ignore[arg-type]
    # an empty curve: pandas' to_datetime picks seconds for no values, utc_times nanoseconds; the CSV is one header
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_dtype=len(steps) > 0)
    assert csv(got) == csv(want)


def test_utc_times_are_to_datetimes_utc() -> None:
    ts = np.array([0, 1_704_150_060_123_456_789, np.iinfo(np.int64).min], dtype=np.int64)
    times = utc_times(ts)
    assert times.equals(pd.DatetimeIndex(pd.to_datetime(ts, utc=True)))
