"""What a Dask worker runs: rebuild the system from YAML text and data references, backtest, return one row."""

from __future__ import annotations

import functools
import math
import socket
from pathlib import Path
from typing import Any

import yaml

from adapters.bootstrap.backtest import backtest_plan
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import PluginHost, discover
from adapters.research.sweep.space import apply
from adapters.research.sweep.tasks import BUNDLED_INSTRUMENTS, RunTask, code_version, file_sha256

METRICS = ("net_pnl", "commissions", "total_return", "annual_return", "sharpe", "sortino", "max_drawdown_pct",
           "profit_factor", "win_rate",
           "exposure")


class WorkerMismatch(RuntimeError):
    """A worker's data or code differs from the client's: its result would not be the same run."""


@functools.cache
def _host(disabled: tuple[str, ...]) -> PluginHost:
    return discover(list(disabled))


@functools.cache
def _checked(path: str, sha256: str) -> None:
    found = file_sha256(path)
    if found != sha256:
        raise WorkerMismatch(f"worker {socket.gethostname()}: {path} has SHA-256 {found[:12]}…, "
                             f"the client's has {sha256[:12]}… (different data)")


def run_task(task: RunTask) -> dict[str, Any]:
    """Backtest ``task`` and return its row: parameters, metrics after costs, trade count, hashes."""
    mine = code_version()
    if mine != task.code_version:
        raise WorkerMismatch(f"worker {socket.gethostname()}: MIA code version {mine}, the client's is "
                             f"{task.code_version}: install the same MIA on every worker")
    _checked(task.data.path, task.data.sha256)
    data = apply(yaml.safe_load(task.system_yaml) or {}, task.overrides)
    file = None
    if task.data.bundled:
        data["instrument"] = BUNDLED_INSTRUMENTS[task.data.name]
        data["data_feed"] = {"use": "bundled", "dataset": task.data.name}
    else:
        file = Path(task.data.path)
    host = _host(tuple((data.get("plugins") or {}).get("disable") or ()))
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
    return row
