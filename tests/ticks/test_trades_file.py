"""Trades from CSV and Parquet files: times, sides, column names, order, and each bad value named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from adapters.replay.file_config import DataFileError
from adapters.replay.tick_feed import TicksDataFeed, TicksFeedConfig
from adapters.replay.trades import TradeColumns, TradesFormat, read_trades
from mia_core.errors import DomainValueError
from mia_core.instruments import ES

T0 = 1_704_207_600_000_000_000  # 2024-01-02 15:00 UTC


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "trades.csv"
    path.write_text(text)
    return path


def test_times_as_iso_text_with_and_without_offset_and_as_integers(tmp_path: Path) -> None:
    offset = read_trades(_csv(tmp_path, "ts,price,size,side\n2024-01-02T15:00:00Z,5000,1,1\n"
                                        "2024-01-02T10:00:01.5-05:00,5000,1,1\n"), ES)
    assert offset.ts.tolist() == [T0, T0 + 1_500_000_000]
    local = read_trades(_csv(tmp_path, "ts,price,size,side\n2024-01-02 09:00:01,5000,1,1\n"), ES,
                        TradesFormat(timezone="America/Chicago"))
    assert local.ts.tolist() == [T0 + 10**9]
    with pytest.raises(DataFileError, match="line 3: ts '2024-01-02 09:00:01' has no UTC offset while line 2 has"):
        read_trades(_csv(tmp_path, "ts,price,size,side\n2024-01-02T15:00:00Z,5000,1,1\n2024-01-02 09:00:01,5000,1,1\n"),
                    ES)
    ms = read_trades(_csv(tmp_path, f"ts,price,size,side\n{T0 // 10**6},5000,1,1\n"), ES, TradesFormat(epoch_unit="ms"))
    assert ms.ts.tolist() == [T0]


def test_side_words_and_an_absent_side_column(tmp_path: Path) -> None:
    rows = "".join(f"{T0 + i},5000,1,{word}\n" for i, word in enumerate(["buy", "SELL", "ask", "bid", "", "0", "-1"]))
    tape = read_trades(_csv(tmp_path, "ts,price,size,side\n" + rows), ES)
    assert tape.side.tolist() == [1, -1, 1, -1, 0, 0, -1]
    plain = read_trades(_csv(tmp_path, f"ts,price,size\n{T0},5000,3\n"), ES,
                        TradesFormat(columns=TradeColumns(side=None)))
    assert plain.side.tolist() == [0] and plain.size.tolist() == [3]


def test_mapped_columns_and_rows_out_of_order(tmp_path: Path) -> None:
    path = _csv(tmp_path, f"Time , Last,Qty,Aggressor\n{T0 + 5},5000.5,2,1\n{T0},5000,1,-1\n{T0 + 5},5000.25,4,1\n")
    tape = read_trades(path, ES, TradesFormat(columns=TradeColumns(ts="time", price="last", size="qty",
                                                                   side="aggressor")))
    assert tape.ts.tolist() == [T0, T0 + 5, T0 + 5]
    assert tape.price.tolist() == [5000.0, 5000.5, 5000.25]  # ties kept in file order


def test_a_bad_parquet_row_is_named_by_its_row_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "trades.parquet"
    pd.DataFrame({"ts": [T0 + 2, T0, T0 + 1], "price": [5000.0, 5000.0, 5000.3], "size": [1, 1, 1],
                  "side": [1, 1, 1]}).to_parquet(path)
    with pytest.raises(DataFileError, match=r"trades.parquet: row 2: price 5000.3: not on the tick grid"):
        read_trades(path, ES)


def test_a_missing_column_names_the_columns_there(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"no size column 'size'; the file has ts, price, side \(map it with "
                                            r"columns.size\)"):
        read_trades(_csv(tmp_path, f"ts,price,side\n{T0},5000,1\n"), ES)


def test_a_fractional_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"line 2: size 1\.5 is not a whole number of contracts"):
        read_trades(_csv(tmp_path, f"ts,price,size,side\n{T0},5000,1.5,1\n"), ES)


def test_the_feed_windows_its_trades_and_builds_its_bars(tmp_path: Path) -> None:
    rows = "".join(f"{T0 + i * 30 * 10**9},{5000 + i * 0.25},1,1\n" for i in range(6))  # 3 minutes
    feed = TicksDataFeed(TicksFeedConfig(path=str(_csv(tmp_path, "ts,price,size,side\n" + rows))))
    assert len(feed.tape(ES)) == 6 and len(feed.tape(ES, T0 + 60 * 10**9, T0 + 90 * 10**9)) == 2
    bars = feed.history(ES)
    assert bars.ts.tolist() == [T0 + k * 60 * 10**9 for k in (1, 2, 3)] and bars.ask_volume.tolist() == [2, 2, 2]
    with pytest.raises(DomainValueError, match="no trades in the requested window"):
        feed.tape(ES, T0 + 10**12)


def test_a_file_with_a_header_only_holds_no_trades(tmp_path: Path) -> None:
    feed = TicksDataFeed(TicksFeedConfig(path=str(_csv(tmp_path, "ts,price,size,side\n"))))
    with pytest.raises(DataFileError, match=r"trades\.csv: holds no trades"):
        feed.tape(ES)
