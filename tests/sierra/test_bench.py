"""``mia bench sierra`` runs and reports DTC delivery latency per encoding (figures not asserted: shared CI)."""

from __future__ import annotations

from typer.testing import CliRunner

from adapters.bench.sierra_dtc import dtc_bench
from adapters.bootstrap.cli import app


def test_bench_measures_every_trade_sent() -> None:
    figures = dtc_bench(50, "binary", decode_messages=1000)
    assert figures.messages == 50 and 0 < figures.p50_ms <= figures.p99_ms <= figures.max_ms
    assert figures.decode_per_second > 0


def test_bench_command_prints_both_encodings() -> None:
    result = CliRunner().invoke(app, ["bench", "sierra", "--messages", "30", "--decode", "1000"])
    assert result.exit_code == 0, result.output
    assert "binary" in result.output and "json-compact" in result.output and "p99" in result.output
