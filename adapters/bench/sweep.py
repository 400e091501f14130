"""``mia bench sweep``: parallel efficiency of a sweep of the default system (1 worker vs N), overhead, memory."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Sequence
from pathlib import Path

import attrs
from rich.table import Table

from adapters.bootstrap.cli_shared import default_config, host_for
from adapters.research.sweep.search import load_spec, run_sweep
from adapters.research.sweep.store import RUN_CPU_SECONDS, RunStore

#: 8 × 8 points of the default system: its stop distance and its VWAP technique's window.
GRID = """\
strategy.stop_atr: [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5]
techniques[vwap_trend].window: [10, 15, 20, 25, 30, 35, 40, 45]
"""


@attrs.frozen
class SweepFigures:
    """One sweep of the bench: workers, wall seconds of the runs (start-up apart), the workers' own seconds."""

    workers: int
    runs: int
    startup_seconds: float
    wall_seconds: float
    run_seconds: tuple[float, ...]
    client_rss_mb: float
    cpu_seconds: tuple[float, ...] = ()
    load: float = float("nan")

    @property
    def work_seconds(self) -> float:
        """Mean seconds a worker spent inside one run (plan, data, backtest, row)."""
        return sum(self.run_seconds) / len(self.run_seconds) if self.run_seconds else float("nan")

    @property
    def cpu_share(self) -> float:
        """CPU seconds over wall seconds inside runs: the share of a core each worker got (1.0 on an idle machine)."""
        return sum(self.cpu_seconds) / sum(self.run_seconds) if self.run_seconds and self.cpu_seconds else float("nan")

    @property
    def machinery_efficiency(self) -> float:
        """Work per run over work plus overhead per run: the efficiency the sweep's own costs allow."""
        return self.work_seconds / (self.work_seconds + self.overhead_seconds)

    @property
    def overhead_seconds(self) -> float:
        """Per run: the workers' wall time not spent inside runs (scheduling, transfer, the client's writing)."""
        return self.wall_seconds * self.workers / self.runs - self.work_seconds


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm(system: str) -> float:
    """Run on each worker before timing: imports, code hash, plugin discovery, one small backtest."""
    began = time.perf_counter()
    from adapters.bootstrap.backtest import backtest_plan
    from adapters.bootstrap.config import load_plan
    from adapters.research.sweep.tasks import code_version

    code_version()
    host = host_for(Path(system))
    plan = load_plan(system, host)
    import datetime as dt

    backtest_plan(plan, host, start=dt.date(2018, 12, 1), end=dt.date(2018, 12, 31))
    return time.perf_counter() - began


def bench_one(workers: int, directory: Path, window: str | None) -> SweepFigures:
    """Start a local cluster of ``workers``, warm it, then time the 64 backtests of the grid (nothing cached)."""
    from adapters.research.sweep.engine import dask_client

    system = default_config()
    grid = directory / "grid.yaml"
    grid.write_text(GRID)
    host = host_for(system)
    spec = load_spec(system, grid, host, windows=[window] if window else [])
    began = time.perf_counter()
    with dask_client(None, workers) as client:
        client.run(_warm, str(system))  # type: ignore[attr-defined]
        startup = time.perf_counter() - began
        out = directory / f"workers-{workers}"
        start = time.perf_counter()
        result = run_sweep(spec, host, client, out)
        wall = time.perf_counter() - start
    store = RunStore(out)
    keys = list(result.rows["key"])
    return SweepFigures(workers, len(result.rows), startup, wall, tuple(store.seconds(keys)), peak_rss_mb(),
                        tuple(store.seconds(keys, RUN_CPU_SECONDS)), os.getloadavg()[0])


def sweep_bench(directory: Path, workers: Sequence[int] = (1, 2), window: str | None = None) -> list[SweepFigures]:
    """The same sweep of 64 backtests on each worker count in turn."""
    return [bench_one(count, directory, window) for count in workers]


def efficiency(figures: Sequence[SweepFigures], of: SweepFigures) -> float:
    """Speed-up over the one-worker sweep divided by the worker count."""
    base = next(f for f in figures if f.workers == 1)
    return base.wall_seconds / of.wall_seconds / of.workers


def sweep_table(figures: Sequence[SweepFigures], window: str | None) -> Table:
    """One line per worker count: wall time, runs/s, efficiency, per-run work and overhead, client memory."""
    runs = figures[0].runs
    table = Table(title=f"sweep of {runs} backtests of the default system ({window or 'whole history'}), "
                        "results streamed to Parquet",
                  caption="efficiency: speed-up / workers (wall). overhead/run = wall × workers / runs - work/run; "
                          "machinery: work / (work + overhead), what the sweep's own costs allow. CPU share: CPU / "
                          "wall seconds inside runs (below 100%: other processes had the cores). Start-up (cluster, "
                          "imports, a first backtest) apart. Peak RSS: the client process so far.")
    for column in ("workers", "start-up s", "wall s", "runs/s", "efficiency", "work/run ms", "overhead/run ms",
                   "machinery", "CPU share", "load avg", "client peak MB"):
        table.add_column(column, justify="right", no_wrap=True)
    has_one = any(f.workers == 1 for f in figures)
    for f in figures:
        table.add_row(str(f.workers), f"{f.startup_seconds:.1f}", f"{f.wall_seconds:.2f}",
                      f"{f.runs / f.wall_seconds:.1f}", f"{efficiency(figures, f):.0%}" if has_one else "-",
                      f"{f.work_seconds * 1000:.0f}", f"{f.overhead_seconds * 1000:.0f}",
                      f"{f.machinery_efficiency:.0%}", f"{f.cpu_share:.0%}", f"{f.load:.1f}", f"{f.client_rss_mb:.0f}")
    return table
