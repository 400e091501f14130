"""``mia bench ticks`` on a small tape: every step runs and is reported (no timing is asserted)."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from adapters.bench.cli import bench_app
from adapters.bench.ticks import BACKTEST_TARGET, BARS_TARGET, run, ticks_table


def test_the_bench_runs_every_step_on_a_small_tape(tmp_path: Path) -> None:
    figures = run(ticks=30_000, runs=1, directory=tmp_path)
    steps = [r.step for r in figures.rows]
    assert steps == ["synthetic tape generated", "time bars 1 min", "tick bars 500", "volume bars 1000",
                     "range bars 8 ticks", "tick backtest (order_flow)", ".scid read into a tape",
                     ".scid time bars 1 min", ".scid tick bars 500", ".scid volume bars 1000",
                     ".scid range bars 8 ticks"]
    assert all(r.ticks == 30_000 and r.seconds > 0 for r in figures.rows)
    assert [r.target for r in figures.rows].count(BARS_TARGET) == 8
    assert next(r.made for r in figures.rows if r.target == BACKTEST_TARGET).endswith("trips")
    bars = {r.step: r.made for r in figures.rows if r.made.endswith("bars")}
    assert bars["time bars 1 min"] == bars[".scid time bars 1 min"] != "0 bars"  # the file holds the same trades
    assert bars["range bars 8 ticks"] == bars[".scid range bars 8 ticks"]
    assert figures.peak_rss_mb > 0 and list(tmp_path.iterdir()) == []
    out = io.StringIO()
    Console(file=out, width=120).print(ticks_table(figures))
    assert "tick backtest (order_flow)" in out.getvalue() and "load average" in out.getvalue()


def test_the_command_is_registered() -> None:
    result = CliRunner().invoke(bench_app, ["ticks", "--ticks", "5000", "--runs", "1"])
    assert result.exit_code == 0, result.output
    assert "range bars 8 ticks" in result.output
