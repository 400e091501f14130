"""The ml_filter in the engine: judges entries only, refuses bad features by name, fails safe live with an alert."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import attrs
import numpy as np
import pytest

from adapters.journal.jsonl import MemoryJournal
from adapters.live.shell import LiveShell
from adapters.ml.dataset import rows_from_journal
from adapters.ml.registry import ModelRegistry
from adapters.replay.feed import SeriesDataFeed
from adapters.simulated.broker import InMemoryBroker
from mia_core.clock import ManualClock
from mia_core.engine.core import TradingEngine
from mia_core.errors import MiaError
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.orders import Position
from mia_core.signals import Direction, Signal
from mia_core.synthetic import SyntheticConfig, generate_bars
from mia_plugins.ml_filter.filter import MlFilter, MlFilterConfig
from ports.context import StrategyContext
from ports.meta_label import StoredModel

from .helpers import HOUR, needs_ml, quick_filter

BARS = generate_bars(ES, SyntheticConfig(bars=40, seed=5))


@attrs.frozen
class Context:
    now_ns: int
    features: dict[str, float]
    analyses: dict[str, dict[str, float]] = attrs.Factory(dict)
    instrument: object = ES
    position: Position = attrs.field(factory=lambda: Position(ES))


def _signal(ts: int, direction: Direction = Direction.LONG, confluence: float = 0.8) -> Signal:
    return Signal(ts=ts, source="s", direction=direction, confluence=confluence, components={"x.score": 0.5})


def _judge() -> MlFilter:
    """A filter whose model reads signal.confluence and feature.t.value (learned: high confluence wins)."""
    needs_ml()
    rng = np.random.default_rng(2)
    recorder = quick_filter(mode="record")
    for i in range(200):
        c = float(rng.uniform())
        t = int(BARS.ts[0]) + i * HOUR
        recorder.apply(_signal(t, confluence=c), Context(t, {"t.value": float(rng.normal())}))
    rows = list(recorder.recorded())
    x, names = recorder.matrix(rows)
    y = (x[:, names.index("signal.confluence")] + rng.normal(0, 0.15, len(x)) > 0.5).astype(np.int64)
    start = np.array([r.ts for r in rows], dtype=np.int64)
    model = recorder.fit(x, y, start, start + HOUR, names)
    judge = quick_filter()
    judge.install(StoredModel("m", "1", model.metadata, model.parts))
    return judge


def test_entries_are_judged_flat_signals_pass_and_the_decision_row_is_journaled() -> None:
    judge = _judge()
    ts = int(BARS.ts[5])
    taken = judge.apply(_signal(ts, confluence=0.95), Context(ts, {"t.value": 0.0}))
    refused = judge.apply(_signal(ts, confluence=0.05), Context(ts, {"t.value": 0.0}))
    assert taken.direction is Direction.LONG and taken.components["ml_confidence"] >= 0.65
    assert refused.direction is Direction.FLAT and "below 0.65" in refused.reason
    assert refused.components["ml.signal.confluence"] == 0.05
    flat = Signal(ts=ts, source="s", direction=Direction.FLAT)
    assert judge.apply(flat, Context(ts, {})) is flat
    (row,) = rows_from_journal([_entry(refused)])
    assert row.direction == 1 and row.values["signal.confluence"] == 0.05
    figures = judge.monitor_figures()  # what the dashboard and /metrics show
    assert figures == {"confidence": refused.components["ml_confidence"], "judged": 2.0, "take_rate": 0.5}


def _entry(signal: Signal) -> object:
    from mia_core import trusted
    from mia_core.journal import record_event

    return record_event("signal", trusted.signal_generated(signal))


def test_a_missing_or_nan_feature_is_an_error_naming_it_and_the_bar_time() -> None:
    judge = _judge()
    ts = int(BARS.ts[5])
    with pytest.raises(MiaError, match=r"ml_filter: signal at 20\S+: feature missing feature.t.value; model"):
        judge.apply(_signal(ts), Context(ts, {}))
    with pytest.raises(MiaError, match=r"NaN or infinite feature.t.value"):
        judge.apply(_signal(ts), Context(ts, {"t.value": math.nan}))


class GoLong:
    name = "go_long"

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        return Signal(ts=bar.ts, source=self.name, direction=Direction.LONG) if context.position.is_flat else None

    def reset(self) -> None:
        pass


def test_live_a_model_that_cannot_be_loaded_leaves_the_signal_untaken_and_alerts(tmp_path: Path) -> None:
    store = ModelRegistry(tmp_path / "models")  # nothing trained yet
    ml = MlFilter(MlFilterConfig(model="es_intraday"), store, "ES")
    engine = TradingEngine(ES, GoLong(), signal_filters=(ml,))
    journal = MemoryJournal()
    clock = ManualClock()
    shell = LiveShell(engine, InMemoryBroker(ES, clock=clock), SeriesDataFeed("replay", lambda i: BARS), clock,
                      journal=journal)
    asyncio.run(shell.run())
    assert engine.portfolio.quantity == 0  # never taken
    alerts = [e.payload["message"] for e in journal.entries("alert")]
    assert len(alerts) == len(BARS)
    assert "signal_filter 'ml_filter'" in alerts[0] and "no deployed model 'es_intraday'" in alerts[0]
