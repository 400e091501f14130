"""`mia data download ib ES ...` against the simulated gateway: the file, what it prints, an interruption, bad flags."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.download_cli import ib_bar_size
from adapters.ib.driver import GatewayThread

NOW = dt.datetime(2025, 12, 17, 15, 0, tzinfo=dt.UTC)


def _download(gateway: GatewayThread, out: Path, *extra: str) -> tuple[int, str]:
    args = ["data", "download", "ib", "ES", "--bar", "1min", "--from", "2025-12-10", "--to", "2025-12-11",
            "--out", str(out), "--port", str(gateway.port), "--client-id", "72", "--timeout", "10", *extra]
    result = CliRunner().invoke(app, args, env={"MIA_IB_ACCOUNT": "DU1234567"})
    return result.exit_code, result.output + (result.stderr or "")


def test_download_writes_a_file_mia_data_inspect_reads_and_resumes_after_a_refusal(tmp_path: Path) -> None:
    gateway = GatewayThread(clock=lambda: NOW)
    out = tmp_path / "es.parquet"
    try:
        gateway.do(lambda: gateway.gateway.fail_next_historical(
            162, "Historical Market Data Service error message:No market data permissions for CME FUT", after=2))
        code, text = _download(gateway, out)
        assert code == 1 and "No market data permissions" in text and "the same command again" in text, text
        assert "Traceback" not in text and not out.exists()
        code, text = _download(gateway, out)
    finally:
        gateway.stop()
    assert code == 0, text
    assert "months ESZ5, ESH6" in text and "2025-12-11: ESZ5 -> ESH6" in text and "back-adjusted" in text
    assert "reused 2" in text and "DU1234567" not in text
    shown = CliRunner().invoke(app, ["data", "inspect", str(out)])
    assert shown.exit_code == 0, shown.output
    assert "MIA" in shown.output and "1 min" in shown.output


@pytest.mark.parametrize(("text", "words"), [("1min", "1 min"), ("5 mins", "5 mins"), ("5min", "5 mins"),
                                              ("1h", "1 hour"), ("1d", "1 day"), ("30s", "30 secs")])
def test_bar_sizes_in_short_form(text: str, words: str) -> None:
    assert ib_bar_size(text) == words


def test_bad_flags_are_usage_errors_before_connecting(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["data", "download", "ib", "ES", "--out", str(tmp_path / "x.parquet"), "--port", "9"]
    cases = {
        ("--bar", "7min", "--from", "2025-12-01", "--to", "2025-12-02"): "IB bar sizes MIA downloads are",
        ("--from", "2025-12-05", "--to", "2025-12-01"): "is after --to",
        ("--from", "12/01/2025", "--to", "2025-12-02"): "a date YYYY-MM-DD",
    }
    for flags, message in cases.items():
        result = runner.invoke(app, [*base, *flags])
        assert result.exit_code == 2 and message in result.output + (result.stderr or ""), (flags, result.output)
    other = runner.invoke(app, ["data", "download", "yahoo", "ES", "--from", "2025-12-01", "--to", "2025-12-02",
                                "--out", str(tmp_path / "x.parquet")])
    assert other.exit_code == 2 and "MIA downloads from ib" in other.output + (other.stderr or "")
