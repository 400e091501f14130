"""`mia backtest` with a third party's plugin failing mid-run: the error names it, the report says where it stopped."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adapters.bootstrap import cli
from adapters.bootstrap.backtest import BacktestRunStopped, backtest_plan
from adapters.bootstrap.config import plan_system

from . import third_party

runner = CliRunner()


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch) -> None:
    """``mia`` sees the acme plugin as if it were installed."""
    monkeypatch.setattr(cli, "host_for", lambda config=None: third_party.host())


def _config(tmp_path: Path, fail_at: int) -> Path:
    data = third_party.system([{"use": "drift", "fail_at": fail_at}], {})
    data["backtest"] = {"start": "2005-01-01", "end": "2006-12-31"}
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_plan_names_the_plugin_and_the_yaml_instance() -> None:
    plan = plan_system(third_party.system([{"use": "drift", "as": "slow", "window": 5, "fail_at": 40}], {
        "feature": "slow.change"}), third_party.host())
    with pytest.raises(BacktestRunStopped) as caught:
        backtest_plan(plan, third_party.host())
    error = caught.value.error
    assert (error.name, error.plugin, error.bar) == ("slow", "acme (mia-acme 0.3)", 40)
    assert str(caught.value).startswith("technique 'slow' from plugin acme (mia-acme 0.3): update at bar 40 (")
    assert isinstance(error.__cause__, ZeroDivisionError)
    run = caught.value.run
    assert run is not None and run.result.bars == 41
    assert (run.result.stopped or "").startswith("stopped at bar 40 (")


def test_mia_backtest_prints_the_error_without_a_traceback_and_writes_an_incomplete_report(
    acme: None, tmp_path: Path
) -> None:
    report = tmp_path / "report"
    result = runner.invoke(cli.app, ["backtest", str(_config(tmp_path, 100)), "--report", str(report)])
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())  # rich wraps lines at the terminal's width
    assert "Traceback" not in text
    assert "error: technique 'drift' from plugin acme (mia-acme 0.3): update at bar 100 (" in text
    assert "raised ZeroDivisionError: acme drift bug" in text
    assert "INCOMPLETE, stopped at bar 100" in text
    assert "report (incomplete: the run stopped early)" in text
    page = (report / "report.html").read_text()
    assert "Incomplete: stopped at bar 100 (" in page
    assert (report / "trades.csv").exists() and (report / "equity.csv").exists()


def test_a_failure_on_the_first_bar_still_reports_that_bar(acme: None, tmp_path: Path) -> None:
    report = tmp_path / "report"
    result = runner.invoke(cli.app, ["backtest", str(_config(tmp_path, 0)), "--report", str(report)])
    assert result.exit_code == 1, result.output
    assert "update at bar 0 (" in " ".join(result.output.split())
    assert (report / "report.html").exists()  # bar 0 was seen (and marked): a one-bar report
