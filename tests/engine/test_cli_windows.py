"""`mia backtest` windows: warm-up on the bars before --from, errors in dates; --data flags; `mia data inspect`."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.replay.bundled import bundled_series
from mia_core.instruments import ES

runner = CliRunner()
LAYOUTS = Path(__file__).parents[1] / "data" / "layouts"


def test_a_short_window_warms_up_on_the_bars_before_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["backtest", "--from", "2018-12-20", "--to", "2018-12-31", "--report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "7 bars" in result.output
    assert "warm-up: 99 bar(s) before the window" in result.output
    equity = pd.read_csv(tmp_path / "equity.csv")
    assert equity["time"].iloc[0].startswith("2018-12-20")  # the warm-up bars are not in the results


def test_a_window_too_short_for_the_warm_up_is_an_error_that_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["backtest", "--from", "1999-01-04", "--to", "1999-01-15", "--report", str(tmp_path)])
    text = " ".join(result.output.split())  # rich wraps long lines
    assert result.exit_code == 2
    # the daily system's longest warm-up: volatility_regime's 100-bar ATR, as long as the strategy's (issue 14)
    assert "needs 99 bars of warm-up" in text and "technique 'volatility_regime'" in text


def test_date_errors_speak_in_dates(tmp_path: Path) -> None:
    after = runner.invoke(app, ["backtest", "--from", "2019-01-01", "--report", str(tmp_path)])
    assert "--from 2019-01-01 is after the data's last day 2018-12-31" in after.output
    crossed = runner.invoke(app, ["backtest", "--from", "2018-01-01", "--to", "2011-01-01", "--report", str(tmp_path)])
    assert "--from 2018-01-01 is after --to 2011-01-01" in crossed.output
    before = runner.invoke(app, ["backtest", "--to", "1990-01-01", "--report", str(tmp_path)])
    assert "--to 1990-01-01 is before the data's first day 1999-01-04" in before.output
    assert all("000000000" not in r.output for r in (after, crossed, before))


def _yahoo_like(tmp_path: Path) -> Path:
    series = bundled_series("sp500", ES).slice(0, 400)
    days = pd.to_datetime(series.ts, utc=True).tz_convert("America/New_York").strftime("%Y-%m-%d")
    frame = pd.DataFrame({"Date": days, "Open": series.open, "High": series.high, "Low": series.low,
                          "Close": series.close + 0.1, "Adj Close": series.close, "Volume": series.volume})
    path = tmp_path / "SPY.csv"
    frame.to_csv(path, index=False)
    return path


def test_data_reads_a_yahoo_file_and_reports_the_rounding_in_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _yahoo_like(tmp_path)
    with caplog.at_level(logging.INFO, logger="mia.data"):
        result = runner.invoke(app, ["backtest", "--data", str(path), "--report", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "400 bars" in result.output
    (line,) = [r.getMessage() for r in caplog.records if r.name == "mia.data"]
    assert "off_grid 400 (rounded to the nearest tick)" in line


def test_columns_and_tz_flags_map_a_renamed_file(tmp_path: Path) -> None:
    frame = pd.read_csv(_yahoo_like(tmp_path)).rename(columns={"Date": "Day", "Close": "Settle"})
    frame["Day"] = frame["Day"] + " 16:00"
    frame.drop(columns=["Adj Close"]).to_csv(tmp_path / "renamed.csv", index=False)
    args = ["backtest", "--data", str(tmp_path / "renamed.csv"), "--report", str(tmp_path / "out")]
    refused = runner.invoke(app, args)
    assert refused.exit_code != 0 and "--columns" in refused.output
    mapped = runner.invoke(app, [*args, "--columns", "ts=Day,close=Settle", "--tz", "America/New_York"])
    assert mapped.exit_code == 0, mapped.output
    assert "400 bars" in mapped.output


def test_a_yaml_column_mapping_is_kept_with_data(tmp_path: Path) -> None:
    frame = pd.read_csv(_yahoo_like(tmp_path)).rename(columns={"Close": "Settle"}).drop(columns=["Adj Close"])
    frame.to_csv(tmp_path / "settle.csv", index=False)
    system = tmp_path / "system.yaml"
    from adapters.bootstrap.cli_shared import default_config

    text = default_config().read_text().replace("  use: bundled\n  dataset: sp500\n",
                                                "  use: file\n  path: elsewhere.csv\n  columns: {close: Settle}\n")
    system.write_text(text)
    args = ["backtest", str(system), "--data", str(tmp_path / "settle.csv"), "--report", str(tmp_path / "out")]
    kept = runner.invoke(app, args)  # the YAML's mapping and its on_bad_data: error both hold
    assert kept.exit_code == 2 and "column 'Settle' (close)" in kept.output
    result = runner.invoke(app, [*args, "--on-bad-data", "repair"])
    assert result.exit_code == 0, result.output


def test_data_inspect_shows_layout_bar_size_span_and_repairs() -> None:
    result = runner.invoke(app, ["data", "inspect", str(LAYOUTS / "yahoo.csv")])
    assert result.exit_code == 0, result.output
    for expected in ("Yahoo Finance", "1 day", "2024-01-02 21:00 UTC", "5 read, 5 kept", "off_grid: 1 row(s)",
                     "16:00"):
        assert expected in result.output
    sierra = runner.invoke(app, ["data", "inspect", str(LAYOUTS / "sierra_chart.csv"), "--tz", "America/Chicago"])
    assert "Sierra Chart" in sierra.output and "1 min" in sierra.output and "15:31 UTC" in sierra.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("mia ")
