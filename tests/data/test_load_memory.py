"""Loading a bar file holds one copy of the bars: no second copy in the checks, no large temporaries."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd

from adapters.replay.file import _numbers
from adapters.replay.stamps import infer_bar_seconds
from mia_core.data_quality import check_bars
from mia_core.instruments import ES

MINUTE = 60 * 10**9


def _columns(n: int = 5) -> dict[str, np.ndarray]:
    close = 5000.0 + np.arange(n) * 0.25
    return {"ts": np.arange(1, n + 1, dtype=np.int64) * MINUTE, "open": close.copy(), "high": close + 1,
            "low": close - 1, "close": close, "volume": np.full(n, 10.0)}


def test_owned_columns_become_the_series_columns() -> None:
    columns = _columns()
    series = check_bars(columns, ES, source="x", owned=True).series
    assert all(np.shares_memory(getattr(series, name), columns[name]) for name in columns)


def test_columns_not_handed_over_are_copied() -> None:
    columns = _columns()
    series = check_bars(columns, ES, source="x").series
    assert not any(np.shares_memory(getattr(series, name), columns[name]) for name in columns)


def test_owned_columns_are_still_repaired() -> None:
    columns = _columns()
    columns["close"][2] = np.nan
    checked = check_bars(columns, ES, source="x", policy="repair", owned=True)
    assert len(checked.series) == 4 and checked.report.count("missing") == 1


def test_a_number_column_does_not_share_the_frame_memory() -> None:
    raw = pd.Series(np.arange(4, dtype=np.float64), name="close")
    values = _numbers(raw, "close", "x", str, "error")
    assert not np.shares_memory(values, raw.to_numpy())  # the frame's column is freed right after


def test_bar_size_inference_needs_no_large_temporaries() -> None:
    ts = np.arange(1, 500_001, dtype=np.int64) * MINUTE
    infer_bar_seconds(ts[:10])
    tracemalloc.start()
    try:
        assert infer_bar_seconds(ts) == 60
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2.5 * ts.nbytes  # numpy's unique peaked at 3x traced (and 8x of resident memory)


def test_bar_size_inference_ignores_duplicates_order_and_missing() -> None:
    nat = np.iinfo(np.int64).min
    ts = np.array([3, 1, nat, 2, 2, 5, 4], dtype=np.int64) * 60 * 10**9
    ts[2] = nat
    assert infer_bar_seconds(ts) == 60
    assert infer_bar_seconds(np.array([7, 7, nat], dtype=np.int64)) is None
