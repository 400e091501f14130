"""`mia bench journal` runs and prints each of its figures (not judged here: speed belongs to the bench)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console

from adapters.bench.journal import journal_bench, journal_table


def test_the_bench_measures_both_journals_and_the_intent_latency(tmp_path: Path) -> None:
    figures = journal_bench(intents=20, repeats=1, directory=tmp_path, start=date(2010, 1, 1), end=date(2010, 6, 30))
    assert figures.entries > 10 and figures.memory_s > 0 and figures.sqlite_s > 0 and figures.slowdown > 0
    assert figures.intents == 20
    assert all(ms > 0 for ms in figures.intent_ms + figures.id_and_intent_ms + figures.fsync_ms)
    assert list(tmp_path.iterdir()) == []  # its files are removed
    console = Console(record=True, width=200)
    console.print(journal_table(figures))
    text = console.export_text()
    for field in ("in-memory journal", "slowdown", "<= 1.20x", "p50", "p99", "p99 < 5 ms", "JSON lines", "fsync"):
        assert field in text
