"""`mia backtest` on IB history that cannot be had: a clear error naming the gap, exit 1, no traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.ib.driver import GatewayThread


def test_a_refused_first_history_request_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    gateway = GatewayThread()
    gateway.do(lambda: gateway.gateway.fail_next_historical(162, "Historical Market Data Service error message:"
                                                                 "No market data permissions for CME FUT"))
    today = dt.datetime.now(dt.UTC).date()
    system = {
        "mode": "backtest",
        "data_feed": {"use": "ib_feed", "port": gateway.port, "client_id": 33, "history_bar_size": "1 hour",
                      "continuous": False},
        "strategy": {"use": "sma_cross", "fast": 3, "slow": 8},
        "backtest": {"start": str(today - dt.timedelta(days=10)), "end": str(today - dt.timedelta(days=1))},
    }
    path = tmp_path / "ib-backtest.yaml"
    path.write_text(yaml.safe_dump(system))
    try:
        result = CliRunner().invoke(app, ["backtest", str(path), "--report", str(tmp_path / "report")])
    finally:
        gateway.stop()
    output = result.output + (result.stderr or "")
    assert result.exit_code == 1, output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in output
    assert "is missing" in output and "No market data permissions" in output
