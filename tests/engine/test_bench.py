"""The bench harness runs every engine on the same file; their trade counts agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.bench.engine import engine_bench, measure, ratio


def test_bench_measures_mia_and_backtrader_on_the_same_bars(tmp_path: Path) -> None:
    figures = engine_bench(tmp_path, bars=4_000)
    assert [f.engine for f in figures] == ["mia-vectorised", "mia-bar-by-bar", "backtrader"]
    assert all(f.bars == 4_000 and f.run_seconds > 0 and f.peak_rss_mb > 0 for f in figures)
    trips = {f.round_trips for f in figures}
    assert len(trips) == 1 and trips.pop() > 10
    assert ratio(figures, "backtrader") == 1.0


def test_an_engine_run_that_dies_is_reported_not_waited_for(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"the mia-bar-by-bar run died \(exit code 1\)"):
        measure("mia-bar-by-bar", tmp_path / "no-such-file.parquet")


def test_bench_without_backtrader_runs_mia_and_says_how_to_get_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from adapters.bench import engine
    from adapters.bootstrap.cli import app

    monkeypatch.setattr(engine, "backtrader_installed", lambda: False)  # as after the README's `pip install .`
    result = CliRunner().invoke(app, ["bench", "--bars", "3000"])
    assert result.exit_code == 0, result.output
    assert "mia-vectorised" in result.output and "mia-bar-by-bar" in result.output
    assert "pipinstall'mia-trading[bench]'" in "".join(result.output.split())  # rich may wrap the line


def test_a_run_reports_its_own_peak_not_its_parents(tmp_path: Path) -> None:
    """The parent wrote the bars (and held them); a spawned child's ru_maxrss would be the parent's peak."""
    from adapters.bench.engine import write_bench_data

    path = write_bench_data(tmp_path, 2_000)
    ballast = bytearray(400 * 1024 * 1024)  # the parent holds 400 MB when it spawns the run
    ballast[::4096] = b"x" * len(ballast[::4096])  # touched, so resident
    figure = measure("mia-bar-by-bar", path)
    del ballast
    assert figure.round_trips > 0
    assert figure.peak_rss_mb < 400, f"the child reported {figure.peak_rss_mb:.0f} MB: its parent's peak, not its own"


def test_the_peak_is_read_from_the_status_file(tmp_path: Path) -> None:
    from adapters.bench.memory import peak_rss_mb

    status = tmp_path / "status"
    status.write_text("Name:\tpython\nVmPeak:\t 900000 kB\nVmHWM:\t  307200 kB\nVmRSS:\t  20480 kB\n", encoding="ascii")
    assert peak_rss_mb(status) == 300.0
    assert peak_rss_mb(tmp_path / "missing") > 0  # no such file (not Linux): the rusage figure
