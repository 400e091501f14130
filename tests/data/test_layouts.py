"""Common bar-file layouts read as they are exported: Sierra Chart, IB, TradingView, Yahoo, lower-case, Parquet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adapters.replay.file import ColumnMap, DataFileError, FileFeedConfig, read_bars, read_file
from adapters.replay.layouts import detect_layout, parse_columns_option
from mia_core.data_quality import DataQualityError
from mia_core.instruments import ES

LAYOUTS = Path(__file__).parent / "layouts"


def utc(text: str) -> int:
    return int(pd.Timestamp(text, tz="UTC").as_unit("ns").value)


def test_sierra_chart_export_with_leading_spaces_and_date_time_columns() -> None:
    reading = read_file(FileFeedConfig(path=str(LAYOUTS / "sierra_chart.csv"), timezone="America/New_York"), ES)
    assert reading.layout == "Sierra Chart" and reading.bar_size == "1 min"
    series = reading.checked.series
    assert len(series) == 5
    assert series.ts[0] == utc("2024-01-02 14:31")  # 09:30 New York bar start -> its 09:31 close
    assert series.close[0] == 4781.75 and series.bid_volume is not None and series.bid_volume[0] == 700
    assert reading.checked.trade_count is not None and reading.checked.trade_count[0] == 412
    assert reading.columns["close"] == " Last" and reading.columns["time"] == " Time"
    assert any("start" in note for note in reading.notes)


def test_interactive_brokers_history_export() -> None:
    reading = read_file(FileFeedConfig(path=str(LAYOUTS / "ib_history.csv")), ES)
    assert reading.layout == "Interactive Brokers" and reading.bar_size == "5 min"
    assert reading.checked.series.ts[0] == utc("2024-01-02 14:35")
    assert reading.checked.trade_count is not None and reading.checked.trade_count[-1] == 280


def test_tradingview_export_in_unix_seconds() -> None:
    reading = read_file(FileFeedConfig(path=str(LAYOUTS / "tradingview.csv")), ES)
    assert reading.layout == "TradingView" and reading.bar_size == "15 min"
    assert reading.checked.series.ts[0] == utc("2024-01-02 14:45")
    assert reading.checked.series.volume[0] == 1523


def test_tradingview_in_milliseconds_is_recognised_by_size(tmp_path: Path) -> None:
    frame = pd.read_csv(LAYOUTS / "tradingview.csv")
    frame["time"] *= 1000
    frame.to_csv(tmp_path / "tv_ms.csv", index=False)
    reading = read_file(FileFeedConfig(path=str(tmp_path / "tv_ms.csv")), ES)
    assert reading.checked.series.ts[0] == utc("2024-01-02 14:45")
    assert any("in ms" in note for note in reading.notes)


def test_yahoo_daily_dates_close_at_four_and_off_grid_prices_are_rounded_and_reported() -> None:
    path = str(LAYOUTS / "yahoo.csv")
    with pytest.raises(DataQualityError, match="tick grid"):
        read_bars(FileFeedConfig(path=path), ES)
    reading = read_file(FileFeedConfig(path=path, on_bad_data="repair"), ES)
    assert reading.layout == "Yahoo Finance" and reading.bar_size == "1 day"
    series = reading.checked.series
    assert series.ts[0] == utc("2024-01-02 21:00")  # 16:00 New York
    assert series.close[1] == 4728.0 and reading.checked.report.count("off_grid") == 1
    assert reading.columns["close"] == "Close"


def test_yahoo_as_parquet_reads_the_same(tmp_path: Path) -> None:
    frame = pd.read_csv(LAYOUTS / "yahoo.csv")
    frame["Date"] = pd.to_datetime(frame["Date"])
    frame.to_parquet(tmp_path / "yahoo.parquet", index=False)
    csv = read_file(FileFeedConfig(path=str(LAYOUTS / "yahoo.csv"), on_bad_data="repair"), ES)
    parquet = read_file(FileFeedConfig(path=str(tmp_path / "yahoo.parquet"), on_bad_data="repair"), ES)
    np.testing.assert_array_equal(csv.checked.series.ts, parquet.checked.series.ts)
    np.testing.assert_array_equal(csv.checked.series.close, parquet.checked.series.close)


def test_column_names_match_whatever_their_case(tmp_path: Path) -> None:
    (tmp_path / "bars.csv").write_text("DATE,OPEN,HIGH,LOW,CLOSE,VOLUME\n"
                                       "2024-01-02 09:31,4780.25,4781,4780,4780.5,10\n"
                                       "2024-01-02 09:32,4780.5,4781,4780,4780.75,12\n")
    reading = read_file(FileFeedConfig(path=str(tmp_path / "bars.csv"), timezone="America/Chicago"), ES)
    assert reading.layout == "generic" and reading.checked.series.ts[0] == utc("2024-01-02 15:31")
    assert any("America/Chicago" in note for note in reading.notes)
    mapped = ColumnMap(ts="date", open="open", high="high", low="low", close="close", volume="volume")
    assert len(read_bars(FileFeedConfig(path=str(tmp_path / "bars.csv"), columns=mapped), ES).series) == 2


def test_an_explicit_mapping_with_a_time_column() -> None:
    columns = ColumnMap(ts="Date", time="Time", close="Last", volume="Volume")
    config = FileFeedConfig(path=str(LAYOUTS / "sierra_chart.csv"), columns=columns, timestamp_is="open",
                            bar_seconds=60)
    reading = read_file(config, ES)
    assert reading.layout == "mapped by columns" and reading.checked.series.ts[0] == utc("2024-01-02 09:31")


def test_an_unknown_layout_says_how_to_map_it(tmp_path: Path) -> None:
    (tmp_path / "odd.csv").write_text("when,a,b,c,d,e\n2024-01-02,1,2,3,4,5\n")
    with pytest.raises(DataFileError, match=r"cannot tell which column holds ts, open.*--columns ts=Date"):
        read_bars(FileFeedConfig(path=str(tmp_path / "odd.csv")), ES)


def test_layout_detection_and_the_columns_flag() -> None:
    assert detect_layout(["ts", "open", "high", "low", "close", "volume"]).name == "MIA"
    assert detect_layout(["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"]).name == "Yahoo Finance"
    assert parse_columns_option("ts=Date, close=Last,trade_count=") == {"ts": "Date", "close": "Last",
                                                                         "trade_count": None}
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        parse_columns_option("price=Last")
