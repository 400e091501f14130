"""``mia bench sierra`` runs and reports DTC delivery latency per encoding (figures not asserted: shared CI)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import adapters.bench.sierra_dtc as sierra_dtc
from adapters.bench.sierra_dtc import DtcFigures, dtc_bench
from adapters.bootstrap.cli import app


def test_bench_measures_every_trade_sent() -> None:
    figures = dtc_bench(50, "json-compact", decode_messages=1000)
    assert figures.messages == 50 and 0 < figures.p50_ms <= figures.p99_ms <= figures.max_ms
    assert figures.decode_per_second > 0


def test_bench_command_prints_both_encodings(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[int, str, int]] = []

    def fake(messages: int, encoding: str, decode_messages: int) -> DtcFigures:
        asked.append((messages, encoding, decode_messages))
        return DtcFigures(encoding, messages, 0.2, 0.5, 0.9, 1e5)

    monkeypatch.setattr(sierra_dtc, "dtc_bench", fake)
    result = CliRunner().invoke(app, ["bench", "sierra", "--messages", "30", "--decode", "1000"])
    assert result.exit_code == 0, result.output
    assert asked == [(30, "binary", 1000), (30, "json-compact", 1000)]
    assert "ok p99<1" in result.output and "json-compact" in result.output
