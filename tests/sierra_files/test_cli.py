"""`mia backtest --data FILE.scid`, `mia data import FILE.scid` and the decoding bench run alone."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from adapters.bench import sierra_files as bench
from adapters.bootstrap.cli import app
from adapters.sierra.files.writer import scid_header, synthetic_ticks, write_file

from .helpers import T0, make_old

runner = CliRunner()


def _ticks(tmp_path: Path, count: int = 300_000) -> Path:
    return make_old(write_file(tmp_path / "ESH27.scid", scid_header(), synthetic_ticks(count, T0)))


def test_a_backtest_runs_straight_from_a_scid_file(tmp_path: Path) -> None:
    path = _ticks(tmp_path)
    result = runner.invoke(app, ["backtest", "--data", str(path), "--report", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Net P&L" in result.output
    assert (tmp_path / "out" / "report.html").is_file()


def test_a_corrupt_scid_file_stops_the_backtest_naming_file_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "ESH27.scid"
    path.write_text("Date, Time, Open, High, Low, Last\n")
    result = runner.invoke(app, ["backtest", "--data", str(path)])
    assert result.exit_code == 2
    assert "ESH27.scid, byte 0" in result.output.replace("\n", "")


def test_data_import_writes_parquet_bars_with_bid_ask_volume_at_any_size(tmp_path: Path) -> None:
    path = _ticks(tmp_path, 100_000)
    one = tmp_path / "bars1.parquet"
    result = runner.invoke(app, ["data", "import", str(path), "--bar", "1min", "--out", str(one)])
    assert result.exit_code == 0, result.output
    assert "bars of 1min from 100,000 records" in result.output
    frame = pd.read_parquet(one)
    assert list(frame.columns) == ["ts", "open", "high", "low", "close", "volume", "bid_volume", "ask_volume",
                                   "trade_count"]
    assert (frame["bid_volume"] + frame["ask_volume"] == frame["volume"]).all()
    assert frame["trade_count"].sum() == 100_000
    five = tmp_path / "bars5.parquet"
    assert runner.invoke(app, ["data", "import", str(path), "--bar", "5min", "--out", str(five)]).exit_code == 0
    coarse = pd.read_parquet(five)
    assert coarse["volume"].sum() == frame["volume"].sum() and len(coarse) < len(frame)
    inspected = runner.invoke(app, ["data", "inspect", str(one)])
    assert inspected.exit_code == 0 and "bid/ask volume present" in inspected.output


def test_data_import_refuses_other_files_and_bad_bar_sizes(tmp_path: Path) -> None:
    path = _ticks(tmp_path, 10)
    bad = runner.invoke(app, ["data", "import", str(path), "--bar", "1 fortnight", "--out", str(tmp_path / "x.pq")])
    assert bad.exit_code == 2 and "bar size" in bad.output
    csv = tmp_path / "bars.csv"
    csv.write_text("ts,open\n")
    other = runner.invoke(app, ["data", "import", str(csv), "--out", str(tmp_path / "x.pq")])
    assert other.exit_code == 2 and ".scid" in other.output


def test_the_decoding_bench_runs_alone_and_prints_its_figures(tmp_path: Path, capsys) -> None:
    figures = bench.run(records=20_000, runs=2, directory=tmp_path)
    assert figures.records == 20_000 and figures.decode_per_second > 0 and figures.bars_per_second > 0
    bench.main(["20000"])
    assert "records/s" in capsys.readouterr().out


def test_csv_flags_given_with_a_scid_file_are_refused(tmp_path: Path) -> None:
    path = _ticks(tmp_path, 10)
    result = runner.invoke(app, ["backtest", "--data", str(path), "--tz", "America/Chicago"])
    assert result.exit_code == 2 and "--tz do not apply to a Sierra Chart .scid file" in result.output


def test_data_inspect_tells_what_a_scid_file_holds(tmp_path: Path, scid_file: Path) -> None:
    result = runner.invoke(app, ["data", "inspect", str(scid_file)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "5 records" in text and "5 trades (tick storage), 0 bars" in text
    assert "1 marked first fill" in text and "bid/ask volume on 100% of the volume" in text
    assert "int64 microseconds since 1899-12-30 UTC" in text and "2025-12-01 14:30:01 UTC" in text
    bad = tmp_path / "x.scid"
    bad.write_bytes(b"SCDD" + bytes(60))
    refused = runner.invoke(app, ["data", "inspect", str(bad)])
    assert refused.exit_code == 2 and "byte 0" in refused.output
