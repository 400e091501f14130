"""In the engine, a strategy sees each feature's value of the bar it decides on: the vectorised value at that bar."""

from __future__ import annotations

from typing import Any

import numpy as np

from mia_core.engine.core import TradingEngine
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_plugins.order_book_imbalance.analyzer import OrderBookImbalanceAnalyzer

from .conftest import SPECS, build


class Recorder:
    """A strategy that never trades and keeps what the context showed it at every bar."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[dict[str, float]] = []
        self.analyses: list[dict[str, float]] = []

    def on_bar(self, bar: Bar, context: Any) -> None:
        self.seen.append(dict(context.features))
        self.analyses.append(dict(context.analyses.get("order_book_imbalance", {})))

    def reset(self) -> None:
        self.seen.clear()


def test_strategies_read_every_feature_through_the_context(intraday: BarSeries) -> None:
    bars = intraday.slice(0, 3_000)
    techniques = [build(spec) for spec in SPECS]
    recorder = Recorder()
    engine = TradingEngine(bars.instrument, recorder, techniques=techniques, analyzers=[OrderBookImbalanceAnalyzer()])
    for bar in bars:
        assert engine.handle(bar) == []
    for technique in techniques:
        expected = technique.compute(bars)
        for output in technique.outputs:
            seen = np.array([row[f"{technique.name}.{output}"] for row in recorder.seen])
            assert np.array_equal(seen, expected[output], equal_nan=True), f"{technique.name}.{output}"
    book = OrderBookImbalanceAnalyzer().compute(bars)
    seen_book = np.array([row["imbalance"] for row in recorder.analyses])
    assert np.array_equal(seen_book, book["imbalance"], equal_nan=True)
    assert {row["estimated"] for row in recorder.analyses[9:]} == {1.0}  # bars only: the flagged estimate
