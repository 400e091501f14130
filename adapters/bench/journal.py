"""``mia bench journal``: what a file journal costs a backtest, and how fast an order intent is durable.

- The default system's backtest timed with its in-memory journal, and again followed
  by writing that journal to a new SQLite file (batched commits, as ``mia backtest
  --journal`` does); best of ``repeats`` runs each; the slowdown (target at most 1.20)
  is the best run plus the best write over the best run (``JournalFigures.slowdown``).
  Writing the same entries as JSON lines (an fsync per entry) is shown too.
- ``intents`` order intents recorded one by one in a new SQLite journal, each committed
  with ``synchronous=FULL`` before ``record`` returns: p50/p99/max latency (target p99
  under 5 ms), with and without drawing its client order id first. The files are made
  in ``directory`` (default: MIA's home folder, where the journals live), then removed.
  The disk's own fsync latency (4 KiB appended and fsynced) is measured beside it: an
  intent cannot be durable faster than the disk syncs.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import attrs
from rich.table import Table

from adapters.bootstrap.backtest import backtest_plan
from adapters.bootstrap.cli_shared import default_config
from adapters.bootstrap.config import load_plan
from adapters.bootstrap.plugins import discover
from adapters.journal.files import write_journal
from adapters.journal.schema import ORDER_INTENT
from adapters.journal.sqlite import SqliteJournal
from adapters.live.ids import ClientOrderIds
from mia_core.instruments import ES
from mia_core.journal import JournalEntry
from mia_core.orders import Bracket, OrderIntent, OrderSide, OrderType

TARGET_SLOWDOWN = 1.20
TARGET_P99_MS = 5.0


@attrs.frozen
class JournalFigures:
    """The measured figures (seconds, milliseconds)."""

    entries: int
    memory_s: float
    sqlite_s: float
    sqlite_write_s: float
    jsonl_write_s: float
    intents: int
    intent_ms: tuple[float, float, float]  # p50, p99, max
    id_and_intent_ms: tuple[float, float, float]
    fsync_ms: tuple[float, float, float]  # the disk's own: 4 KiB appended and fsynced, as many times
    directory: str

    @property
    def slowdown(self) -> float:
        """The backtest with its SQLite file journal over the backtest with the in-memory one.

        Taken as (best in-memory run + best journal write) / best in-memory run: the
        journal's own cost, which a busy machine's run-to-run noise (often larger than
        the write itself) would otherwise hide; the whole runs are shown as measured.
        """
        return (self.memory_s + self.sqlite_write_s) / self.memory_s


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99, ordered[-1]


def _intent_latency(folder: Path, count: int, with_id: bool) -> tuple[float, float, float]:
    journal = SqliteJournal(folder / ("ids.sqlite" if with_id else "intents.sqlite"))
    ids = ClientOrderIds("bench", time.time_ns())
    samples = []
    try:
        for n in range(count):
            intent = OrderIntent(ES, OrderSide.BUY, 1, OrderType.LIMIT, limit_price=5000.0,
                                 bracket=Bracket(4990.0, 5020.0), reason="bench")
            start = time.perf_counter()
            cid = ids.next() if with_id else f"bench-{n}"
            journal.record(JournalEntry(time.time_ns(), ORDER_INTENT,
                                        {"client_order_id": cid, "intent": attrs.evolve(intent, client_ref=cid)}))
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        journal.close()
    return _percentiles(samples)


def _fsync_latency(folder: Path, count: int) -> tuple[float, float, float]:
    samples = []
    with (folder / "fsync.bin").open("ab") as handle:
        for _ in range(count):
            start = time.perf_counter()
            handle.write(b"x" * 4096)
            handle.flush()
            os.fsync(handle.fileno())
            samples.append((time.perf_counter() - start) * 1000)
    return _percentiles(samples)


def journal_bench(intents: int = 1000, repeats: int = 3, directory: Path | None = None,
                  start: date | None = None, end: date | None = None) -> JournalFigures:
    """Measure (see the module docstring); ``start``/``end`` narrow the backtest's window."""
    from adapters.bootstrap.system_paths import mia_home

    host = discover()
    plan = load_plan(default_config(), host)
    base = directory or mia_home()
    base.mkdir(parents=True, exist_ok=True)
    memory, with_file, writes, entries = [], [], [], 0
    with tempfile.TemporaryDirectory(dir=base, prefix="bench-journal-") as tmp:
        folder = Path(tmp)
        for i in range(max(1, repeats)):
            began = time.perf_counter()
            backtest_plan(plan, host, start=start, end=end)
            memory.append(time.perf_counter() - began)
            began = time.perf_counter()
            run = backtest_plan(plan, host, start=start, end=end)
            wrote = time.perf_counter()
            entries = write_journal(run.result.journal, folder / f"run{i}.sqlite")
            done = time.perf_counter()
            with_file.append(done - began)
            writes.append(done - wrote)
        began = time.perf_counter()
        write_journal(run.result.journal, folder / "run.jsonl")
        jsonl = time.perf_counter() - began
        latency = _intent_latency(folder, intents, with_id=False)
        with_id = _intent_latency(folder, intents, with_id=True)
        fsync = _fsync_latency(folder, intents)
    return JournalFigures(entries, min(memory), min(with_file), min(writes), jsonl, intents, latency, with_id,
                          fsync, str(base))


def journal_table(f: JournalFigures) -> Table:
    """The figures beside their targets."""
    table = Table(title=f"Journal: default system backtest ({f.entries:,} entries) and order-intent durability",
                  caption=f"files written in {f.directory}")
    table.add_column("measure")
    table.add_column("figure", justify="right")
    table.add_column("target", justify="right")
    table.add_row("backtest, in-memory journal", f"{f.memory_s:.3f} s", "")
    table.add_row("backtest + SQLite file journal (whole run)", f"{f.sqlite_s:.3f} s", "")
    table.add_row("  of which writing the SQLite file", f"{f.sqlite_write_s * 1000:.1f} ms", "")
    table.add_row("slowdown (run + write) / run", f"{f.slowdown:.3f}x", f"<= {TARGET_SLOWDOWN:.2f}x")
    table.add_row("same entries as JSON lines (fsync each)", f"{f.jsonl_write_s * 1000:.1f} ms", "")
    p50, p99, most = f.intent_ms
    table.add_row(f"order intent durable (FULL), {f.intents:,} intents", f"p50 {p50:.3f} ms  p99 {p99:.3f} ms  "
                  f"max {most:.3f} ms", f"p99 < {TARGET_P99_MS:g} ms")
    p50, p99, most = f.id_and_intent_ms
    table.add_row("client order id + intent", f"p50 {p50:.3f} ms  p99 {p99:.3f} ms  max {most:.3f} ms", "")
    p50, p99, most = f.fsync_ms
    table.add_row("the disk: 4 KiB appended + fsync", f"p50 {p50:.3f} ms  p99 {p99:.3f} ms  max {most:.3f} ms", "")
    return table
