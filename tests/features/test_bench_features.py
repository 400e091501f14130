"""``mia bench features`` runs every built-in feature in both forms and reports figures (no timing is asserted)."""

from __future__ import annotations

from typer.testing import CliRunner

from adapters.bench.features import feature_bench
from adapters.bootstrap.cli import app

from .conftest import SPECS


def test_the_bench_covers_every_built_in_feature() -> None:
    bench = feature_bench(bars=3_000, latency_bars=500)
    names = {f.name for f in bench.features}
    assert names == {spec.name for spec in SPECS} | {"order_book_imbalance"}
    assert bench.bars == 3_000 and bench.latency_bars == 500
    assert 0 < bench.median_us <= bench.p99_us
    assert all(f.vectorised_bars_per_second > 0 for f in bench.features)


def test_the_command_prints_the_table() -> None:
    result = CliRunner().invoke(app, ["bench", "features", "--bars", "2000", "--latency-bars", "300"],
                                env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "vwap_trend" in result.output and "all together" in result.output and "p99" in result.output
