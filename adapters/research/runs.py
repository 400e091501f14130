"""One backtest window of a walk-forward: the engine's own backtest path on a slice of history.

The bars before the window warm the techniques up; the ``trading_window`` filter keeps
the strategy from opening positions there, and the last open position is closed at
the window's final close. Metrics (``mia_core.metrics.compute_metrics``, after the
broker's commission and slippage) cover the window only.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from adapters.bootstrap.backtest import run_system
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import PluginHost
from mia_core.accounting import RoundTrip
from mia_core.journal import JournalEntry
from mia_core.metrics import PerformanceMetrics, compute_metrics
from mia_core.series import BarSeries
from mia_core.signals import Direction
from mia_core.timeutil import cme_trading_day

WINDOW_FILTER = "walkforward_window"


@attrs.frozen
class WindowResult:
    """Trades, equity and metrics of one window (equity points inside the window only)."""

    round_trips: list[RoundTrip]
    equity_ts: npt.NDArray[np.int64]
    equity_cents: npt.NDArray[np.int64]
    initial_cents: int
    metrics: PerformanceMetrics
    bars: int
    entry_reasons: list[str] = attrs.Factory(list)


def _entry(value: Any) -> dict[str, Any]:
    return {"use": value} if isinstance(value, str) else dict(value)


def with_settings(data: Mapping[str, Any], section: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of system ``data`` whose single-component ``section`` has ``overrides`` (dotted keys nest)."""
    out = copy.deepcopy(dict(data))
    entry = _entry(out[section])
    for dotted, value in overrides.items():
        target = entry
        *parents, leaf = dotted.split(".")
        for key in parents:
            target = target.setdefault(key, {})
        target[leaf] = value
    out[section] = entry
    return out


def run_window(
    data: Mapping[str, Any],
    host: PluginHost,
    series: BarSeries,
    start: int,
    end: int,
    warmup_bars: int,
    source: str,
) -> WindowResult:
    """Backtest system ``data`` on bars [start, end) of ``series``, warmed up on up to ``warmup_bars`` before."""
    system_data = copy.deepcopy(dict(data))
    first_day, last_day = cme_trading_day(int(series.ts[start])), cme_trading_day(int(series.ts[end - 1]))
    window = {"use": "trading_window", "as": WINDOW_FILTER, "start": first_day.isoformat(), "end": last_day.isoformat()}
    system_data["signal_filters"] = [*list(system_data.get("signal_filters") or []), window]
    backtest = dict(system_data.get("backtest") or {})
    backtest.update({"start": None, "end": None, "close_at_end": True})
    system_data["backtest"] = backtest
    system = build_system(plan_system(system_data, host, source=source))
    try:
        warm_from = max(0, start - warmup_bars)
        run = run_system(system, series.slice(warm_from, end))
    finally:
        system.close()
    t0 = int(series.ts[start])
    early = [t for t in run.result.round_trips if t.entry_ts < t0]
    if early:
        raise RuntimeError(f"{source}: a trade entered at {early[0].entry_ts} before the window (filter bypassed)")
    ts, equity = run.result.equity_ts, run.result.equity_cents
    inside = ts >= t0
    before = equity[~inside]
    initial = int(before[-1]) if before.size else run.initial_cash_cents
    trips = list(run.result.round_trips)
    metrics = compute_metrics(trips, ts[inside], equity[inside], initial)
    reasons = entry_reasons(trips, run.result.journal)
    return WindowResult(trips, ts[inside], equity[inside], initial, metrics, end - start, reasons)


def entry_reasons(trips: list[RoundTrip], journal: list[JournalEntry]) -> list[str]:
    """For each trade, the reason of the last LONG/SHORT signal before its entry fill (what opened it)."""
    signals = [(e.ts, e.payload["event"].signal) for e in journal if e.kind == "signal"]
    entries = [(ts, s.reason) for ts, s in signals if s.direction is not Direction.FLAT]
    times = [ts for ts, _ in entries]
    out = []
    for trip in trips:
        k = bisect.bisect_left(times, trip.entry_ts) - 1
        out.append(entries[k][1] if k >= 0 else "unknown")
    return out


def chained(windows: list[WindowResult], initial_cents: int) -> tuple[list[RoundTrip], PerformanceMetrics]:
    """All windows' trades, and metrics of their P&L chained into one curve starting at ``initial_cents``."""
    trips: list[RoundTrip] = []
    ts_parts, pnl_parts = [], []
    offset = 0
    for window in windows:
        trips.extend(window.round_trips)
        ts_parts.append(window.equity_ts)
        pnl = window.equity_cents - window.initial_cents
        pnl_parts.append(pnl + offset)
        if pnl.size:
            offset += int(pnl[-1])
    ts = np.concatenate(ts_parts) if ts_parts else np.zeros(0, dtype=np.int64)
    equity = (np.concatenate(pnl_parts) if pnl_parts else np.zeros(0, dtype=np.int64)) + initial_cents
    return trips, compute_metrics(trips, ts, equity, initial_cents)
