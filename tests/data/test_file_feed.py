"""The ``file`` feed: CSV and Parquet reading, column mapping, time zones, errors naming file/line/column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adapters.replay.file import ColumnMap, DataFileError, FileFeedConfig, read_bars
from mia_core.data_quality import DataQualityError
from mia_core.instruments import ES

Frame = Callable[..., pd.DataFrame]


def utc(text: str) -> int:
    return int(pd.Timestamp(text, tz="UTC").as_unit("ns").value)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def test_csv_round_trip_keeps_every_column(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(5)
    path = write_csv(frame, tmp_path / "es.csv")
    checked = read_bars(FileFeedConfig(path=str(path)), ES)
    series = checked.series
    assert len(series) == 5
    assert series.ts[0] == utc("2024-01-02 09:31")
    np.testing.assert_array_equal(series.close, frame["close"].to_numpy())
    np.testing.assert_array_equal(series.bid_volume, frame["bid_volume"].to_numpy())
    np.testing.assert_array_equal(series.ask_volume, frame["ask_volume"].to_numpy())
    np.testing.assert_array_equal(checked.trade_count, frame["trade_count"].to_numpy())
    assert checked.report.clean and checked.report.rows_read == 5


def test_parquet_with_native_timestamps(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(4)
    frame["ts"] = pd.to_datetime(frame["ts"]).dt.tz_localize("America/Chicago")
    path = tmp_path / "es.parquet"
    frame.to_parquet(path, index=False)
    series = read_bars(FileFeedConfig(path=str(path)), ES).series
    assert series.ts[0] == utc("2024-01-02 15:31")  # 09:31 Chicago = 15:31 UTC in January
    np.testing.assert_array_equal(series.high, frame["high"].to_numpy())


def test_parquet_errors_name_the_zero_based_row(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(4)
    frame.loc[2, "volume"] = -5.0
    path = tmp_path / "bad.parquet"
    frame.to_parquet(path, index=False)
    with pytest.raises(DataQualityError) as caught:
        read_bars(FileFeedConfig(path=str(path)), ES)
    assert caught.value.row == "row 2" and "volume" in caught.value.field
    assert str(path) in str(caught.value)


def test_column_mapping_to_a_vendor_layout(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(3).drop(columns=["bid_volume", "ask_volume", "trade_count"])
    frame.columns = ["Time", "O", "H", "L", "C", "Vol"]
    path = tmp_path / "vendor.txt"
    frame.to_csv(path, index=False, sep=";")
    columns = ColumnMap(ts="Time", open="O", high="H", low="L", close="C", volume="Vol")
    checked = read_bars(FileFeedConfig(path=str(path), columns=columns, delimiter=";"), ES)
    assert len(checked.series) == 3 and not checked.series.has_order_flow
    assert checked.trade_count is None


def test_a_mapped_column_missing_from_the_file_is_named(tmp_path: Path, make_frame: Frame) -> None:
    path = write_csv(make_frame(3), tmp_path / "es.csv")
    with pytest.raises(DataFileError, match=r"no column .Settle. for close .*the file has: ts, open"):
        read_bars(FileFeedConfig(path=str(path), columns=ColumnMap(close="Settle")), ES)
    with pytest.raises(DataFileError, match="no column 'buys' for ask_volume"):
        read_bars(FileFeedConfig(path=str(path), columns=ColumnMap(ask_volume="buys")), ES)


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        read_bars(FileFeedConfig(path=str(tmp_path / "nope.csv")), ES)
    odd = tmp_path / "bars.dat"
    odd.write_text("ts,open\n")
    with pytest.raises(DataFileError, match="set format: csv or parquet"):
        read_bars(FileFeedConfig(path=str(odd)), ES)


def test_relative_paths_are_taken_from_the_current_directory(
    tmp_path: Path, make_frame: Frame, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_csv(make_frame(2), tmp_path / "es.csv")
    monkeypatch.chdir(tmp_path)
    assert len(read_bars(FileFeedConfig(path="es.csv"), ES).series) == 2


def test_naive_timestamps_take_the_configured_zone_across_dst(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(2)
    frame["ts"] = ["2024-03-08 09:31:00", "2024-03-11 09:31:00"]  # Chicago switches to CDT on 2024-03-10
    path = write_csv(frame, tmp_path / "es.csv")
    series = read_bars(FileFeedConfig(path=str(path), timezone="America/Chicago"), ES).series
    assert list(series.ts) == [utc("2024-03-08 15:31"), utc("2024-03-11 14:31")]


def test_timestamps_with_offsets_ignore_the_configured_zone(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(2)
    frame["ts"] = ["2024-03-08T09:31:00-06:00", "2024-03-11T09:31:00-05:00"]
    path = write_csv(frame, tmp_path / "es.csv")
    series = read_bars(FileFeedConfig(path=str(path), timezone="Asia/Tokyo"), ES).series
    assert list(series.ts) == [utc("2024-03-08 15:31"), utc("2024-03-11 14:31")]


def test_mixing_zoned_and_naive_timestamps_is_an_error(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(3)
    frame["ts"] = ["2024-03-08T09:31:00-06:00", "2024-03-08 09:32:00", "2024-03-11T09:31:00-05:00"]
    path = write_csv(frame, tmp_path / "es.csv")
    with pytest.raises(DataQualityError, match=r"line 3, column 'ts': .*no UTC offset"):
        read_bars(FileFeedConfig(path=str(path)), ES)


def test_open_stamped_bars_are_shifted_to_their_close(tmp_path: Path, make_frame: Frame) -> None:
    path = write_csv(make_frame(2), tmp_path / "es.csv")
    series = read_bars(FileFeedConfig(path=str(path), timestamp_is="open", bar_seconds=60), ES).series
    assert series.ts[0] == utc("2024-01-02 09:32")


def test_epoch_seconds_and_custom_formats(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(2)
    frame["ts"] = [utc("2024-01-02 09:31") // 10**9, utc("2024-01-02 09:32") // 10**9]
    path = write_csv(frame, tmp_path / "epoch.csv")
    assert read_bars(FileFeedConfig(path=str(path)), ES).series.ts[1] == utc("2024-01-02 09:32")
    frame["ts"] = ["02/01/2024 09:31", "02/01/2024 09:32"]
    path = write_csv(frame, tmp_path / "fmt.csv")
    series = read_bars(FileFeedConfig(path=str(path), ts_format="%d/%m/%Y %H:%M"), ES).series
    assert series.ts[0] == utc("2024-01-02 09:31")


def test_daily_dates_need_a_close_time(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(3)
    frame["ts"] = ["2024-01-02", "2024-01-03", "2024-01-04"]
    path = write_csv(frame, tmp_path / "daily.csv")
    with pytest.raises(DataQualityError, match="set close_time"):
        read_bars(FileFeedConfig(path=str(path)), ES)
    config = FileFeedConfig(path=str(path), timezone="America/New_York", close_time="16:00")
    assert read_bars(config, ES).series.ts[0] == utc("2024-01-02 21:00")


def test_unreadable_values_name_file_line_and_column(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(4).astype({"high": object, "ts": object})
    frame.loc[2, "high"] = "n/a?"
    path = write_csv(frame, tmp_path / "es.csv")
    with pytest.raises(DataQualityError) as caught:
        read_bars(FileFeedConfig(path=str(path)), ES)
    assert str(caught.value) == f"{path}, line 4, column 'high': value 'n/a?': not a number"
    frame = make_frame(4).astype({"ts": object})
    frame.loc[1, "ts"] = "yesterday"
    path = write_csv(frame, tmp_path / "ts.csv")
    with pytest.raises(DataQualityError, match=r"line 3, column 'ts': value 'yesterday': not a readable"):
        read_bars(FileFeedConfig(path=str(path)), ES)


def test_repair_drops_unreadable_rows_and_says_so(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(4).astype({"high": object, "ts": object})
    frame.loc[2, "high"] = "n/a?"
    frame.loc[3, "ts"] = "yesterday"
    path = write_csv(frame, tmp_path / "es.csv")
    checked = read_bars(FileFeedConfig(path=str(path), on_bad_data="repair"), ES)
    assert len(checked.series) == 2
    assert checked.report.count("missing") == 2
    assert {e.row for e in checked.report.examples} == {"line 4", "line 5"}


def test_blank_lines_do_not_shift_line_numbers(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(3)
    frame.loc[2, "low"] = 6000.0
    text = frame.to_csv(index=False).splitlines()
    path = tmp_path / "gappy.csv"
    path.write_text("\n".join([*text[:2], "", *text[2:]]) + "\n")
    with pytest.raises(DataQualityError, match=r"line 5, column 'high': value 5001.0: high is below low"):
        read_bars(FileFeedConfig(path=str(path)), ES)


def test_daylight_saving_changes_in_naive_local_times(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(4)
    frame["ts"] = ["2024-11-03 00:30", "2024-11-03 01:30", "2024-11-03 01:30", "2024-11-03 02:30"]
    path = write_csv(frame, tmp_path / "fall.csv")
    series = read_bars(FileFeedConfig(path=str(path), timezone="America/Chicago"), ES).series
    assert list(np.diff(series.ts) // 10**9) == [3600, 3600, 3600]  # the repeated hour resolved by order
    frame["ts"] = ["2024-03-10 01:30", "2024-03-10 02:30", "2024-03-10 03:30", "2024-03-10 04:30"]
    path = write_csv(frame, tmp_path / "spring.csv")
    with pytest.raises(DataQualityError, match=r"line 3, column 'ts': value '2024-03-10 02:30'.*does not exist"):
        read_bars(FileFeedConfig(path=str(path), timezone="America/Chicago"), ES)
    checked = read_bars(FileFeedConfig(path=str(path), timezone="America/Chicago", on_bad_data="repair"), ES)
    assert len(checked.series) == 3 and checked.report.count("missing") == 1


def test_a_file_without_bars_is_an_error(tmp_path: Path, make_frame: Frame) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("ts,open,high,low,close,volume\n")
    with pytest.raises(DataFileError, match="no bars"):
        read_bars(FileFeedConfig(path=str(path)), ES)
    frame = make_frame(2)
    frame["volume"] = -1.0
    path = write_csv(frame, tmp_path / "all_bad.csv")
    with pytest.raises(DataFileError, match="no valid bars left after repair"):
        read_bars(FileFeedConfig(path=str(path), on_bad_data="repair"), ES)
