"""The pipeline bench harness times real work: entries, trades and one timing per bar."""

from __future__ import annotations

from adapters.bench.pipeline import (
    TECHNIQUES,
    PipelineFigures,
    bench_system,
    measure_bar_by_bar,
    measure_latency,
    measure_vectorised,
    pipeline_table,
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
    assert measure_bar_by_bar(series, techniques(), strategy) > 0
    figures = PipelineFigures(len(timings), 1.0, 2.0, 3.0, entries, len(series), seconds, trips, ("x",), 1.0)
    assert figures.bars_per_second == len(series) / seconds
    assert pipeline_table(figures).caption.endswith("x")


def test_the_bench_system_is_composed_from_the_registry(host: PluginHost) -> None:
    system, missing = bench_system(host, bars=500, seed=3)
    assert system.strategy.name == "battle_navale"
    assert [t.name for t in system.techniques] == [n for n in TECHNIQUES if n not in missing]
    assert len(load_series(system, None, None)) == 500
