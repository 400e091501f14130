"""Datasets for the ML filter: one row per candidate signal, from a backtest (record mode) or from a journal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from adapters.bootstrap.backtest import exchange_config, load_series, run_system
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import PluginHost
from mia_core.errors import MiaError
from mia_core.journal import JournalEntry
from mia_core.series import BarSeries
from ports.meta_label import DecisionRow, Learner

DEFAULT_MAX_HOLD = 20


@attrs.frozen
class Dataset:
    """Labelled decision rows: features ``x`` (columns ``names``), label, net points, label spans, the learner."""

    learner: Learner
    rows: list[DecisionRow]
    x: NDArray[np.float64]
    names: tuple[str, ...]
    y: NDArray[np.int64]
    pnl_points: NDArray[np.float64]
    start_ns: NDArray[np.int64]
    end_ns: NDArray[np.int64]
    symbol: str
    point_value: float
    cost_points: float
    max_hold: int


def ml_settings(data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ml_filter`` entry of the system's signal filters (its defaults when absent)."""
    for entry in data.get("signal_filters") or []:
        if isinstance(entry, Mapping) and entry.get("use") == "ml_filter":
            return dict(entry)
    return {}


def with_recording(data: Mapping[str, Any]) -> dict[str, Any]:
    """The system's YAML with its ``ml_filter`` switched to record mode (added last when the system has none)."""
    return with_mode(data, "record")


def with_mode(data: Mapping[str, Any], mode: str) -> dict[str, Any]:
    """The system's YAML with its ``ml_filter`` in ``mode`` (``record`` or ``filter``; added last when absent)."""
    out = dict(data)
    filters = [dict(f) if isinstance(f, Mapping) else {"use": f} for f in (data.get("signal_filters") or [])]
    ml = [f for f in filters if f.get("use") == "ml_filter"]
    if not ml:
        filters.append({"use": "ml_filter"})
        ml = filters[-1:]
    for f in ml:
        f["mode"] = mode
    out["signal_filters"] = filters
    return out


def _learner(filters: Iterable[object]) -> Learner:
    for f in filters:
        if isinstance(f, Learner):
            return f
    raise MiaError("the system has no learning signal filter (add `- use: ml_filter` under signal_filters)")


def costs_in_points(plan: Any) -> float:
    """Round-trip commission and slippage of one contract, in index points (the backtest's own costs)."""
    config = exchange_config(plan)
    instrument = plan.instrument
    return 2 * config.commission_per_contract / instrument.multiplier + 2 * config.slippage_ticks * instrument.tick_size


def max_hold_of(plan: Any) -> int:
    """The strategy's time limit in bars (``max_hold_bars``), else 20 bars."""
    value = getattr(plan.one("strategy").config, "max_hold_bars", 0) or 0
    return int(value) or DEFAULT_MAX_HOLD


def bars_of(series: BarSeries) -> dict[str, NDArray[Any]]:
    """The columns the labels read."""
    return {"ts": series.ts, "open": series.open, "high": series.high, "low": series.low, "close": series.close}


def from_backtest(data: Mapping[str, Any], host: PluginHost, source: str = "ml dataset",
                  series: BarSeries | None = None) -> tuple[Dataset, BarSeries]:
    """Run the system over its data with the filter recording, then label every candidate signal."""
    plan = plan_system(with_recording(data), host, source=source)
    system = build_system(plan)
    try:
        if series is None:
            series = load_series(system, None, None)
        run_system(system, series)
        learner = _learner(system.signal_filters)
    finally:
        system.close()
    return labelled(learner, list(learner.recorded()), series, plan), series


def system_series(data: Mapping[str, Any], host: PluginHost, source: str = "ml dataset") -> BarSeries:
    """The bars of the system's own data feed (its whole history)."""
    system = build_system(plan_system(with_recording(data), host, source=source))
    try:
        return load_series(system, None, None)
    finally:
        system.close()


def from_journal(data: Mapping[str, Any], host: PluginHost, entries: Iterable[JournalEntry],
                 source: str = "ml dataset") -> Dataset:
    """The decision rows a paper or live session journaled, labelled on the system's bars of the same period."""
    rows = sorted(rows_from_journal(entries), key=lambda r: r.ts)
    if not rows:
        raise MiaError(f"{source}: no journaled signal carries the ml_filter's decision row (ml.* components)")
    plan = plan_system(with_recording(data), host, source=source)
    system = build_system(plan)
    try:
        series = load_series(system, None, None)
        learner = _learner(system.signal_filters)
    finally:
        system.close()
    return labelled(learner, rows, series, plan)


def labelled(learner: Learner, rows: list[DecisionRow], series: BarSeries, plan: Any) -> Dataset:
    """Label ``rows`` on ``series`` with the plan's exits and costs, keep the labelled ones, build the matrix."""
    if not rows:
        raise MiaError(f"{plan.source}: the strategy made no entry signal on {len(series)} bars; no dataset")
    cost, hold = costs_in_points(plan), max_hold_of(plan)
    labels = learner.label(rows, bars_of(series), hold, cost)
    keep = np.flatnonzero(labels["valid"])
    kept = [rows[i] for i in keep]
    x, names = learner.matrix(kept)
    return Dataset(learner, kept, x, names, labels["label"][keep], labels["pnl_points"][keep],
                   labels["start_ns"][keep], labels["end_ns"][keep], plan.instrument.symbol,
                   plan.instrument.multiplier, cost, hold)


def rows_from_journal(entries: Iterable[JournalEntry]) -> list[DecisionRow]:
    """Decision rows the filter wrote into journaled signals (``ml.`` components), taken or refused alike."""
    rows = []
    for entry in entries:
        if entry.kind != "signal":
            continue
        signal = _field(_field(entry.payload, "event"), "signal")
        components = _field(signal, "components") or {}
        values = {k[3:]: float(v) for k, v in components.items() if k.startswith("ml.")}
        if not values or "signal.direction" not in values:
            continue
        direction = int(values["signal.direction"])
        stop, target = _field(signal, "stop_loss"), _field(signal, "take_profit")
        rows.append(DecisionRow(int(entry.ts), direction, None if stop is None else float(stop),
                                None if target is None else float(target), values))
    return rows


def _field(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)
