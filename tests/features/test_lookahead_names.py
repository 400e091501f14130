"""The look-ahead check hands the strategy its inputs under the names the engine publishes them (YAML ``as:``)."""

from __future__ import annotations

import numpy as np

from mia_core.lookahead import check_components
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.signals import Signal


class Close:
    """A clean technique named ``close_copy``, published under another name in the system."""

    name = "close_copy"
    outputs = ("value",)
    warmup_bars = 1

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        return {"value": bars.close.copy()}

    def update(self, bar: Bar) -> dict[str, float]:
        return {"value": bar.close}

    def reset(self) -> None:
        pass


class ReadsAlias:
    """A strategy reading the technique's output under its ``as:`` name, as it does in a backtest."""

    name = "reads_alias"

    def on_bar(self, bar: Bar, context: object) -> Signal | None:
        context.features["fast.value"]  # type: ignore[attr-defined]  # KeyError when published under another name
        return None

    def reset(self) -> None:
        pass


def test_the_strategy_reads_technique_outputs_under_their_instance_names(sp500: BarSeries) -> None:
    bars = sp500.slice(0, 300)
    reports = check_components(bars, [Close()], strategy=ReadsAlias(), technique_names=["fast"])
    assert [(r.kind, r.name) for r in reports] == [("technique", "fast"), ("strategy", "reads_alias")]
    assert all(r.passed for r in reports), [r.describe() for r in reports]


def test_without_instance_names_each_technique_publishes_under_its_own_name(sp500: BarSeries) -> None:
    bars = sp500.slice(0, 300)
    strategy_report = check_components(bars, [Close()], strategy=ReadsAlias())[-1]
    assert not strategy_report.passed
    assert "KeyError" in strategy_report.describe() and "'fast.value'" in strategy_report.describe()
