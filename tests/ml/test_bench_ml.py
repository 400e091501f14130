"""`mia bench ml` measures the filter's per-signal time (the figures are reported, never asserted)."""

from __future__ import annotations

from adapters.bench.ml import ml_bench, ml_table

from .helpers import needs_ml


def test_the_bench_reports_wall_and_cpu_percentiles() -> None:
    needs_ml()
    figures = ml_bench(300, train_rows=300)
    assert figures["signals"] == 300 and figures["features"] > 10
    assert 0 < figures["p50"] <= figures["p99"] <= figures["max"]
    assert 0 < figures["cpu_p50"] <= figures["cpu_p99"]
    assert ml_table(figures).row_count == 1
