"""docs/data.md's ticks feed example runs: its python block writes trades.csv, `mia backtest ticks.yaml` trades it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app

from .markdown import DOCS, fenced_blocks, section

SECTION = "The `ticks` feed: backtesting on trades"


def test_the_ticks_feed_example_backtests_the_trades_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(section((DOCS / "data.md").read_text(), SECTION).lines)
    blocks = fenced_blocks(text)
    (writer,) = [b for b in blocks if b.lang == "python"]
    (system,) = [b for b in blocks if b.lang == "yaml" and b.before == "<!-- file: ticks.yaml -->"]
    monkeypatch.chdir(tmp_path)
    exec(compile(writer.text, "docs/data.md (ticks feed)", "exec"), {"__name__": "docs_example"})
    Path("ticks.yaml").write_text(system.text)
    result = CliRunner().invoke(app, ["backtest", "ticks.yaml", "--report", "out", "--journal", "run.jsonl"])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # the table wraps its title
    assert "tick backtest: 20,000 trades, marked every 60 s and before each fill" in output
    assert "20,000 trades (" in output and "marks, tick by tick)" in output
    assert "Net P&L" in output and "is open at the end" not in output  # close_at_end
    assert (tmp_path / "out" / "report.html").is_file() and (tmp_path / "run.jsonl").stat().st_size > 0
    trades = (tmp_path / "out" / "trades.csv").read_text().splitlines()
    assert len(trades) > 2  # the strategy traded
