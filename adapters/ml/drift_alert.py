"""`mia ml drift`: PSI of each model feature on recent decision rows, and an alert through the system's notifiers."""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path

import numpy as np
from rich.console import Console

from adapters.bootstrap.config import plan_system, read_yaml
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import discover
from adapters.journal.jsonl import JsonLinesJournal
from adapters.ml.dataset import from_backtest, ml_settings, rows_from_journal
from adapters.ml.lifecycle import drift
from adapters.ml.registry import ModelRegistry
from mia_core.commands import AlertLevel
from mia_core.errors import MiaError
from mia_core.journal import Notification
from ports.meta_label import DecisionRow


def matrix_over(rows: list[DecisionRow], names: list[str]) -> np.ndarray:
    """Rows × the model's features (NaN where a row lacks one)."""
    return np.array([[row.values.get(n, math.nan) for n in names] for row in rows], dtype=float).reshape(-1, len(names))


def check_drift(config: Path, journal: Path | None, limit: float, console: Console) -> int:
    """Print each feature's PSI; alert and return 1 when one exceeds ``limit``, else 0."""
    data = read_yaml(config)
    settings = ml_settings(data)
    name = str(settings.get("model", "battle_navale"))
    meta = ModelRegistry(settings.get("model_dir", "models")).metadata(name)
    names = list(meta["features"])
    if journal is not None:
        rows = rows_from_journal(JsonLinesJournal(journal).entries("signal"))
        if not rows:
            raise MiaError(f"{journal}: no journaled signal carries the ml_filter's decision row (ml.* components)")
    else:
        rows = from_backtest(data, discover(), source=str(config))[0].rows
    values = drift(meta, matrix_over(rows, names), tuple(names))
    drifted = {k: v for k, v in values.items() if v > limit}
    for feature, value in sorted(values.items(), key=lambda kv: -kv[1]):
        console.print(f"{feature:40s} PSI {value:.3f}{'  DRIFT' if value > limit else ''}", highlight=False,
                      markup=False)
    if not drifted:
        console.print(f"no feature drifted past PSI {limit:g} ({len(rows)} recent rows)", highlight=False)
        return 0
    body = (f"model {name!r} version {meta['version']}: {len(drifted)} feature(s) drifted past PSI {limit:g} on "
            f"{len(rows)} recent signals: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(drifted.items())))
    _notify(data, Notification(time.time_ns(), AlertLevel.WARNING, "ML filter: feature drift", body))
    return 1


def _notify(data: dict, note: Notification) -> None:
    plan = plan_system(data, discover(), source="ml drift")
    system = build_system(plan)
    try:
        async def send() -> None:
            for notifier in system.notifiers:
                await notifier.notify(note)

        asyncio.run(send())
    finally:
        system.close()
