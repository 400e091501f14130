"""``mia bench features``: each feature's vectorised speed, and the incremental latency of all of them per bar."""

from __future__ import annotations

import gc
import time
from typing import Any

import attrs
import numpy as np

from adapters.bootstrap.plugins import discover
from adapters.bootstrap.standalone import StandaloneBuildContext
from mia_core.instruments import ES
from mia_core.synthetic import SyntheticConfig, generate_bars
from ports.components import ComponentKind

FEATURE_PLUGINS = (
    "battle_navale", "tick_momentum", "delta_divergence", "volatility_regime", "session_optimizer", "smart_money",
    "order_book_imbalance",
)


@attrs.frozen
class FeatureFigures:
    """Vectorised bars per second of one feature over the whole series."""

    name: str
    kind: str
    vectorised_bars_per_second: float


@attrs.frozen
class FeatureBench:
    """Per-feature figures and the totals of all features together."""

    bars: int
    latency_bars: int
    features: tuple[FeatureFigures, ...]
    vectorised_bars_per_second: float
    median_us: float
    p99_us: float


def built_in_features() -> list[tuple[str, Any]]:
    """Every technique and bar-form analyzer of MIA's feature plugins, with default settings."""
    host = discover()
    out = []
    for kind in (ComponentKind.TECHNIQUE, ComponentKind.ANALYZER):
        for name in host.names(kind):
            spec, provider = host.component(kind, name)
            component = spec.factory(spec.config_class(), StandaloneBuildContext())
            if provider.name in FEATURE_PLUGINS and callable(getattr(component, "compute", None)):
                out.append((kind.value, component))
    return out


def feature_bench(bars: int, latency_bars: int, seed: int = 5) -> FeatureBench:
    """Time ``compute`` of each feature over ``bars`` synthetic one-minute ES bars, then ``update`` of all per bar."""
    series = generate_bars(ES, SyntheticConfig(seed=seed, bars=bars))
    features = built_in_features()
    figures = []
    started = time.perf_counter()
    for kind, feature in features:
        t0 = time.perf_counter()
        feature.compute(series)
        figures.append(FeatureFigures(feature.name, kind, len(series) / (time.perf_counter() - t0)))
    total = time.perf_counter() - started
    rows = series.slice(0, min(latency_bars, len(series))).trusted()
    updates = [feature.update for _, feature in features]
    for _, feature in features:
        feature.reset()
    latencies = np.empty(len(rows), dtype=np.int64)
    clock = time.perf_counter_ns
    gc.disable()
    try:
        for i, bar in enumerate(rows):
            t0 = clock()
            for update in updates:
                update(bar)
            latencies[i] = clock() - t0
    finally:
        gc.enable()
    return FeatureBench(
        bars=len(series),
        latency_bars=len(rows),
        features=tuple(figures),
        vectorised_bars_per_second=len(series) / total,
        median_us=float(np.median(latencies)) / 1e3,
        p99_us=float(np.percentile(latencies, 99)) / 1e3,
    )


def features_table(bench: FeatureBench) -> Any:
    """A rich table of the figures."""
    from rich.table import Table

    table = Table(title=f"built-in features on {bench.bars:,} synthetic ES one-minute bars")
    table.add_column("feature")
    table.add_column("kind")
    table.add_column("vectorised bars/s", justify="right")
    for f in bench.features:
        table.add_row(f.name, f.kind, f"{f.vectorised_bars_per_second:,.0f}")
    table.add_row("all together", "", f"{bench.vectorised_bars_per_second:,.0f}", style="bold")
    table.caption = (f"incremental, all {len(bench.features)} features per bar over {bench.latency_bars:,} bars: "
                     f"median {bench.median_us:.1f} µs, p99 {bench.p99_us:.1f} µs")
    return table
