"""The pipeline bench harness times real work: entries, trades and one timing per bar."""

from __future__ import annotations

import pytest

from adapters.bench.pipeline import (
    BAR_BY_BAR,
    TECHNIQUES,
    VECTORISED,
    PipelineFigures,
    bar_by_bar_in_child,
    bench_system,
    measure_bar_by_bar,
    measure_latency,
    measure_vectorised,
    peak_rss_mb,
    pipeline_table,
    run_in_child,
)
from adapters.bootstrap.backtest import load_series
from adapters.bootstrap.plugins import PluginHost
from mia_core.instruments import ES
from mia_core.synthetic import SyntheticConfig, generate_bars
from mia_plugins.battle_navale.strategy import BattleNavaleConfig, BattleNavaleStrategy

from .test_strategy import techniques


def test_latency_and_vectorised_runs_do_the_work() -> None:
    series = generate_bars(ES, SyntheticConfig(bars=20_000, seed=11))
    strategy = BattleNavaleStrategy(BattleNavaleConfig(entry_grade="buy"))
    timings, entries = measure_latency(series, techniques(), strategy)
    assert len(timings) == 20_000 and timings.min() > 0
    assert entries > 20
    seconds, trips = measure_vectorised(series, techniques(), strategy)
    assert seconds > 0 and trips > 10
    engine_seconds, engine_trips = measure_bar_by_bar(series, techniques(), strategy)
    assert engine_seconds > 0 and engine_trips == trips  # the vectorised form trades like the bar-by-bar one
    figures = PipelineFigures(len(timings), 1.0, 2.0, 3.0, entries, len(series), seconds, trips, ("x",), 1.0)
    assert figures.bars_per_second == len(series) / seconds
    assert figures.bar_by_bar_per_second == len(timings) / 1.0  # on the latency bars when no count is given
    assert pipeline_table(figures).caption.endswith("x")


def test_the_bar_by_bar_run_reports_from_its_own_process_with_its_memory() -> None:
    seconds, bars, trips, rss, cpu = bar_by_bar_in_child(3_000, seed=5)
    assert seconds > 0 and bars == 3_000 and trips > 0
    assert 0 < cpu < seconds + 1.0  # the run's own CPU time: no more than its wall time (one thread)
    assert 20 < rss < 2_000  # MB: a Python process with numpy loaded, not kilobytes or bytes
    figures = PipelineFigures(100, 1.0, 2.0, 3.0, 1, 3_000, 1.0, trips, (), seconds, bars, trips, rss, cpu)
    assert figures.bar_by_bar_per_second == 3_000 / seconds
    assert figures.bar_by_bar_cpu_per_second == 3_000 / cpu
    cells = {row[0]: row for row in zip(*(column._cells for column in pipeline_table(figures).columns), strict=True)}
    assert cells["bar-by-bar backtest, bars/s"][2] == "> 100,000"
    assert cells["bar-by-bar backtest, bars/s of CPU time"][1] == f"{3_000 / cpu:,.0f}"
    assert cells["bar-by-bar peak RSS, MB"][1:] == (f"{rss:,.0f}", "< 300", "yes" if rss < 300 else "no")
    assert cells["bar-by-bar round trips"][1] == f"{trips:,}"


def test_the_bench_system_is_composed_from_the_registry(host: PluginHost) -> None:
    system, missing = bench_system(host, bars=500, seed=3)
    assert system.strategy.name == "battle_navale"
    assert [t.name for t in system.techniques] == [n for n in TECHNIQUES if n not in missing]
    assert len(load_series(system, None, None)) == 500


def test_the_childs_peak_is_its_own_not_its_parents() -> None:
    ballast = bytearray(400 * 1024 * 1024)  # the parent holds 400 MB when it spawns the run
    ballast[:: 4096] = b"x" * len(ballast[:: 4096])  # touched, so resident
    assert peak_rss_mb() > 400
    _, _, _, rss, _ = bar_by_bar_in_child(500, seed=5)
    del ballast
    assert rss < 400, f"the child reported {rss:.0f} MB: its parent's peak, not its own"


def test_the_vectorised_run_reports_from_its_own_process_with_its_memory() -> None:
    """Issue 23's 300 MB holds on every path: the vectorised run's peak is measured too, in a process of its own."""
    seconds, bars, trips, rss, cpu = run_in_child(VECTORISED, 3_000, seed=5)
    assert seconds > 0 and bars == 3_000 and cpu > 0
    assert 20 < rss < 2_000
    assert trips == run_in_child(BAR_BY_BAR, 3_000, seed=5)[2]  # it trades like the bar-by-bar run
    figures = PipelineFigures(100, 1.0, 2.0, 3.0, 1, 3_000, seconds, trips, (), vectorised_peak_rss_mb=rss)
    cells = {row[0]: row for row in zip(*(column._cells for column in pipeline_table(figures).columns), strict=True)}
    assert cells["vectorised peak RSS, MB"][1:] == (f"{rss:,.0f}", "< 300", "yes" if rss < 300 else "no")
    assert cells["bar-by-bar peak RSS, MB"][1:] == ("nan", "< 300", "")  # not measured here
    with pytest.raises(ValueError, match="no 'ticks' run"):
        run_in_child("ticks", 100, seed=5)
