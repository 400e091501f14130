"""A plain Parquet bar file is read from Arrow without pandas, to the same bars, report and notes as through pandas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import adapters.replay.file as file_module
from adapters.replay.arrow_bars import arrow_columns
from adapters.replay.file import FileFeedConfig, FileReading, read_file
from mia_core.data_quality import DataQualityError
from mia_core.instruments import ES

MINUTE = 60 * 10**9
START = 1_704_207_660 * 10**9  # 2024-01-02 15:01 UTC


def _table(n: int = 600, *, volume: Any = None, nulls: bool = False, step: int = MINUTE) -> pa.Table:
    rng = np.random.default_rng(11)
    close = 4800 + np.round(np.cumsum(rng.normal(0, 1, n)) * 4) / 4
    ts = START + np.arange(n, dtype=np.int64) * step
    ts[[5, 6]] = ts[[6, 5]]  # out of order: the checks sort and report it
    close[40] = np.nan if not nulls else close[40]
    volume_values = rng.integers(1, 500, n)
    return pa.table({
        "ts": pa.array(ts, type=pa.timestamp("ns", tz="America/Chicago")),
        "open": close, "high": close + 0.5, "low": close - 0.5, "close": close,
        "volume": pa.array(volume_values, mask=(np.arange(n) == 9) if nulls else None).cast(volume or pa.float64()),
    })


def _write(table: pa.Table, path: Path, rows_per_group: int = 128) -> Path:
    pq.write_table(table, path, row_group_size=rows_per_group)  # several chunks per column
    return path


def _both(config: FileFeedConfig, monkeypatch: pytest.MonkeyPatch) -> tuple[FileReading, FileReading]:
    arrow = read_file(config, ES)
    with monkeypatch.context() as patched:
        patched.setattr(file_module, "arrow_columns", lambda *args: None)  # the pandas path, as before
        through_pandas = read_file(config, ES)
    return arrow, through_pandas


def _same(a: FileReading, b: FileReading) -> None:
    assert (a.layout, a.columns, a.notes, a.bar_seconds) == (b.layout, b.columns, b.notes, b.bar_seconds)
    assert repr(a.checked.report) == repr(b.checked.report)  # repr: a missing value is NaN, unequal to itself
    for name in ("ts", "open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(getattr(a.checked.series, name), getattr(b.checked.series, name))
        assert getattr(a.checked.series, name).dtype == getattr(b.checked.series, name).dtype


@pytest.mark.parametrize("volume", [pa.float64(), pa.float32(), pa.int64(), pa.uint32(), pa.int16()])
@pytest.mark.parametrize("policy", ["error", "repair"])
def test_the_arrow_path_reads_what_pandas_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, volume: Any,
                                               policy: str) -> None:
    path = _write(_table(volume=volume), tmp_path / "bars.parquet")
    config = FileFeedConfig(path=str(path), on_bad_data=policy)  # type: ignore[arg-type]
    table = pq.read_table(path)
    assert arrow_columns(table, {k: k for k in table.column_names}, config.timestamp_spec()) is not None
    if policy == "error":
        with pytest.raises(DataQualityError) as arrow:
            read_file(config, ES)
        monkeypatch.setattr(file_module, "arrow_columns", lambda *args: None)
        with pytest.raises(DataQualityError) as through_pandas:
            read_file(config, ES)
        assert str(arrow.value) == str(through_pandas.value)
        return
    _same(*_both(config, monkeypatch))


def test_stamps_at_the_open_move_to_the_close_on_both_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table()
    table = table.set_column(1, "open", pa.array(np.nan_to_num(table.column("open").to_numpy(), nan=4800.0)))
    path = _write(table, tmp_path / "bars.parquet")
    config = FileFeedConfig(path=str(path), on_bad_data="repair", timestamp_is="open", bar_seconds=60)
    arrow, through_pandas = _both(config, monkeypatch)
    _same(arrow, through_pandas)
    assert arrow.checked.series.ts[0] == START + MINUTE


@pytest.mark.parametrize("why", ["nulls", "daily", "naive", "microseconds"])
def test_files_that_need_pandas_still_go_through_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     why: str) -> None:
    table = _table(nulls=why == "nulls", step=86_400 * 10**9 if why == "daily" else MINUTE)
    if why in ("naive", "microseconds"):
        kind = pa.timestamp("ns") if why == "naive" else pa.timestamp("us", tz="UTC")
        table = table.set_column(0, "ts", table.column("ts").cast(pa.timestamp("ns")).cast(kind))
    path = _write(table, tmp_path / "bars.parquet")
    config = FileFeedConfig(path=str(path), on_bad_data="repair")
    assert arrow_columns(pq.read_table(path), {k: k for k in table.column_names}, config.timestamp_spec()) is None
    _same(*_both(config, monkeypatch))


def test_daily_dates_without_a_time_are_still_refused(tmp_path: Path) -> None:
    days = pd.date_range("2024-01-02", periods=30, freq="D", tz="UTC")
    close = np.linspace(4800, 4850, 30)
    frame = pd.DataFrame({"ts": days, "open": close, "high": close + 1, "low": close - 1, "close": close,
                          "volume": 100.0})
    path = tmp_path / "daily.parquet"
    frame.to_parquet(path, index=False)
    with pytest.raises(DataQualityError, match="no time of day"):
        read_file(FileFeedConfig(path=str(path)), ES)
