"""The pipeline bench harness times real work: entries, trades and one timing per bar."""

from __future__ import annotations

from adapters.bench.pipeline import (
    PipelineFigures,
    measure_bar_by_bar,
    measure_latency,
    measure_vectorised,
    pipeline_table,
)
from mia_core.instruments import ES
from mia_core.synthetic import SyntheticConfig, generate_bars
from mia_plugins.battle_navale_strategy.strategy import BattleNavaleConfig

from .test_strategy import techniques


def test_latency_and_vectorised_runs_do_the_work() -> None:
    series = generate_bars(ES, SyntheticConfig(bars=20_000, seed=11))
    config = BattleNavaleConfig(entry_grade="buy")
    timings, entries = measure_latency(series, techniques(), config)
    assert len(timings) == 20_000 and timings.min() > 0
    assert entries > 20
    seconds, trips = measure_vectorised(series, techniques(), config)
    assert seconds > 0 and trips > 10
    assert measure_bar_by_bar(series, techniques(), config) > 0
    figures = PipelineFigures(len(timings), 1.0, 2.0, 3.0, entries, len(series), seconds, trips, ("x",))
    assert figures.bars_per_second == len(series) / seconds
    assert pipeline_table(figures).caption.endswith("x")
