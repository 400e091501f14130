"""What a Dask worker runs: rebuild the system from its data and a data reference, backtest, return one row."""

from __future__ import annotations

import functools
import json
import math
import socket
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.bootstrap.backtest import backtest_plan
from adapters.bootstrap.cli_shared import host_for_data
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import PluginHost
from adapters.research.sweep.space import apply
from adapters.research.sweep.store import DAILY_DAYS, DAILY_RETURNS, RUN_CPU_SECONDS, RUN_SECONDS
from adapters.research.sweep.tasks import BUNDLED_INSTRUMENTS, RunTask, code_version, file_sha256
from mia_core.metrics import daily_series

METRICS = ("net_pnl", "commissions", "total_return", "annual_return", "sharpe", "sortino", "max_drawdown_pct",
           "profit_factor", "win_rate",
           "exposure")


class WorkerMismatch(RuntimeError):
    """A worker's data or code differs from the client's: its result would not be the same run."""


@functools.cache
def _host(plugins: str) -> PluginHost:
    return host_for_data({"plugins": json.loads(plugins)}, "sweep worker")


def host_of(data: Mapping[str, Any]) -> PluginHost:
    """The plugin host of a system's ``plugins`` section, built once per worker process."""
    return _host(json.dumps(data.get("plugins"), sort_keys=True, default=str))


@functools.cache
def _checked(path: str, sha256: str) -> None:
    found = file_sha256(path)
    if found != sha256:
        raise WorkerMismatch(f"worker {socket.gethostname()}: {path} has SHA-256 {found[:12]}…, "
                             f"the client's has {sha256[:12]}… (different data)")


def run_task(task: RunTask) -> dict[str, Any]:
    """Backtest ``task`` and return its row: parameters, metrics after costs, trade count, hashes, daily returns."""
    began, cpu = time.perf_counter(), time.process_time()
    mine = code_version()
    if mine != task.code_version:
        raise WorkerMismatch(f"worker {socket.gethostname()}: MIA code version {mine}, the client's is "
                             f"{task.code_version}: install the same MIA on every worker")
    _checked(task.data.path, task.data.sha256)
    data = apply(task.system, task.overrides)
    file = None
    if task.data.bundled:
        data["instrument"] = BUNDLED_INSTRUMENTS[task.data.name]
        data["data_feed"] = {"use": "bundled", "dataset": task.data.name}
    else:
        file = Path(task.data.path)
    host = host_of(data)
    plan = plan_system(data, host, source=f"sweep run {task.index}")
    run = backtest_plan(plan, host, data=file, start=task.window.start, end=task.window.end)
    metrics = run.metrics
    row: dict[str, Any] = {"run": task.index, "key": task.key, "dataset": task.data.name,
                           "window": task.window.label, **{f"param:{k}": v for k, v in task.overrides.items()}}
    for name in METRICS:
        value = float(getattr(metrics, name))
        row[name] = None if math.isnan(value) else value
    row |= {"trades": int(metrics.trades), "bars": len(run.series), "seed": task.seed,
            "data_sha256": task.data.sha256, "code_version": task.code_version}
    daily = daily_series(run.result.equity_ts, run.result.equity_cents, run.initial_cash_cents)
    row[DAILY_DAYS] = [str(day) for day in daily.days.astype("datetime64[D]")]
    row[DAILY_RETURNS] = [0.0 if math.isnan(r) else float(r) for r in daily.returns]
    row[RUN_SECONDS] = time.perf_counter() - began
    row[RUN_CPU_SECONDS] = time.process_time() - cpu
    return row
