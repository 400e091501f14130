"""``mia bench ml``: the ML filter's cost per candidate signal, as the engine pays it.

The filter is built from the plugin registry; an ensemble (default settings: 100 forest
trees, 150 boosting rounds) is fitted on 2,000 synthetic decision rows of ~20 features,
then ``apply`` is timed signal by signal, wall clock (``perf_counter_ns``) and the thread's own
CPU time (``thread_time_ns``: what a busy machine's other processes do not add): the decision row from
the signal and context, the three models on their one-row forms, the blend and the calibration.
"""

from __future__ import annotations

import gc
import time
from typing import Any

import attrs
import numpy as np
from rich.table import Table

from adapters.bootstrap.plugins import discover
from adapters.bootstrap.standalone import StandaloneBuildContext
from mia_core.instruments import ES
from mia_core.orders import Position
from mia_core.signals import Direction, Signal
from ports.components import ComponentKind
from ports.meta_label import Learner, StoredModel

BUDGET_US = 1000.0
START = 1_735_830_000_000_000_000  # 2025-01-02, a Thursday


@attrs.frozen
class BenchContext:
    """A strategy context with fixed technique and analyzer values."""

    now_ns: int
    features: dict[str, float]
    analyses: dict[str, dict[str, float]]
    instrument: Any = ES
    position: Position = attrs.field(factory=lambda: Position(ES))


def _filter(mode: str) -> Learner:
    host = discover()
    spec, _ = host.component(ComponentKind.SIGNAL_FILTER, "ml_filter")
    config = spec.config_class(mode=mode, training={"embargo_hours": 1})  # rows 5 minutes apart, labels 1 hour
    built: Learner = spec.factory(config, StandaloneBuildContext())
    return built


def _case(rng: np.random.Generator, i: int) -> tuple[Signal, BenchContext]:
    scores = {f"{k}.score": float(v) for k, v in zip(
        ("vwap_trend", "volume_imbalance", "price_action", "momentum_flow", "support_resistance", "market_structure",
         "session_analysis"), rng.uniform(0, 1, 7), strict=True)}
    ts = START + i * 300_000_000_000
    signal = Signal(ts=ts, source="bench", direction=Direction.LONG if rng.uniform() < 0.6 else Direction.SHORT,
                    strength=float(rng.uniform()), confluence=float(rng.uniform()), components=scores)
    features = {"tick_momentum.score": float(rng.normal()), "delta_divergence.score": float(rng.normal()),
                "volatility_regime.regime": float(rng.integers(0, 3))}
    gamma = {"days_to_opex": float(rng.integers(0, 20)), "zero_dte": 1.0, "opex_day": 0.0}
    return signal, BenchContext(ts, features, {"gamma_cycles": gamma})


def ml_bench(signals: int, train_rows: int = 2000) -> dict[str, float]:
    """Per-signal ``apply`` time in µs: p50, p99, max; the training rows and features used."""
    rng = np.random.default_rng(3)
    recorder = _filter("record")
    for i in range(train_rows):
        recorder.apply(*_case(rng, i))  # type: ignore[attr-defined]
    rows = list(recorder.recorded())
    x, names = recorder.matrix(rows)
    conf = names.index("signal.confluence")
    y = (x[:, conf] + rng.normal(0, 0.3, len(x)) > 0.5).astype(np.int64)
    start = np.array([r.ts for r in rows], dtype=np.int64)
    trained = recorder.fit(x, y, start, start + 3_600_000_000_000, names)
    judge = _filter("filter")
    judge.install(StoredModel("bench", "0", trained.metadata, trained.parts))
    cases = [_case(rng, train_rows + i) for i in range(signals)]
    for signal, context in cases[:200]:
        judge.apply(signal, context)  # type: ignore[attr-defined]
    times, cpu = np.empty(len(cases)), np.empty(len(cases))
    gc.disable()
    try:
        for i, (signal, context) in enumerate(cases):
            c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
            judge.apply(signal, context)  # type: ignore[attr-defined]
            times[i] = (time.perf_counter_ns() - t0) / 1000.0
            cpu[i] = (time.thread_time_ns() - c0) / 1000.0
    finally:
        gc.enable()
    return {"signals": float(signals), "features": float(len(names)), "p50": float(np.percentile(times, 50)),
            "p99": float(np.percentile(times, 99)), "max": float(times.max()),
            "cpu_p50": float(np.percentile(cpu, 50)), "cpu_p99": float(np.percentile(cpu, 99))}


def ml_table(figures: dict[str, float]) -> Table:
    """The figures against the 1 ms budget."""
    table = Table(title=f"ML filter, {int(figures['signals']):,} signals judged one by one "
                        f"({int(figures['features'])} features)",
                  caption="apply(): decision row + LR + random forest (100 trees) + XGBoost (150 rounds) + calibration")
    for column in ("p50 µs", "p99 µs", "max µs", "CPU p50 µs", "CPU p99 µs", "budget (wall p99)"):
        table.add_column(column, justify="right", no_wrap=True)
    verdict = ("ok" if figures["p99"] < BUDGET_US else "OVER") + " p99 < 1,000 µs"
    table.add_row(f"{figures['p50']:.1f}", f"{figures['p99']:.1f}", f"{figures['max']:.1f}",
                  f"{figures['cpu_p50']:.1f}", f"{figures['cpu_p99']:.1f}", verdict)
    return table
