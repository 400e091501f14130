"""The check's bar-by-bar run: analyzers, techniques and the strategy fed one bar at a time, as the engine does."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from mia_core.instruments import Instrument
from mia_core.lookahead.forms import Columns, FloatArray, checked_row, has_incremental
from mia_core.lookahead.report import iso
from mia_core.market import Bar
from mia_core.orders import Position
from mia_core.series import BarSeries
from mia_core.signals import Signal

NAN = math.nan
DECISION_OUTPUTS = ("direction", "strength", "stop_loss", "take_profit")


class CheckContext:
    """The StrategyContext of the check: the bar's close, a flat position, the features and analyses so far."""

    __slots__ = ("analyses", "features", "instrument", "now_ns", "position")

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.now_ns = 0
        self.position = Position(instrument)
        self.features: dict[str, float] = {}
        self.analyses: dict[str, Mapping[str, float]] = {}


def decision_row(signal: Signal | None) -> dict[str, float]:
    """A strategy's decision as numbers: direction, strength, stop and target (NaN for none)."""
    if signal is None:
        return dict.fromkeys(DECISION_OUTPUTS, NAN)
    return {"direction": float(int(signal.direction)), "strength": float(signal.strength),
            "stop_loss": NAN if signal.stop_loss is None else float(signal.stop_loss),
            "take_profit": NAN if signal.take_profit is None else float(signal.take_profit)}


@attrs.frozen
class Inputs:
    """What a strategy's context held at each bar: technique outputs by ``"<technique>.<output>"``, analyses by name."""

    features: Mapping[str, FloatArray]
    analyses: Mapping[str, Mapping[str, FloatArray]]

    def fill(self, context: CheckContext, i: int) -> None:
        """Set ``context``'s features and analyses to their values at bar ``i``."""
        context.features.update({key: float(values[i]) for key, values in self.features.items()})
        for name, columns in self.analyses.items():
            context.analyses[name] = {key: float(values[i]) for key, values in columns.items()}


@attrs.define
class Recorded:
    """One component's values in a bar run, one list per output, and the error that stopped it."""

    columns: dict[str, list[float]] = attrs.field(factory=dict)
    error: str | None = None

    def add(self, i: int, row: Mapping[str, float]) -> None:
        """Record bar ``i``'s values; outputs missing from ``row`` get NaN."""
        for key, value in row.items():
            column = self.columns.get(key)
            if column is None:
                column = self.columns[key] = [NAN] * i
            column.append(float(value))
        for column in self.columns.values():
            if len(column) <= i:
                column.append(NAN)

    def arrays(self, n: int) -> Columns:
        """The columns as float arrays of length ``n`` (NaN after an error)."""
        out = {}
        for key, column in self.columns.items():
            values = np.full(n, np.nan)
            values[: len(column)] = column
            out[key] = values
        return out


def _row(kind: str, component: Any, bar: Bar, context: CheckContext) -> Mapping[str, float]:
    if kind == "incremental":
        return checked_row(component, component.update(bar))
    if kind == "events":
        component.on_event(bar)
        return component.latest()  # type: ignore[no-any-return]
    return decision_row(component.on_bar(bar, context))


def bar_form(component: Any, kind: str) -> str | None:
    """The name of ``component``'s bar form: ``incremental``, ``events`` (analyzers), ``bar`` (strategies)."""
    if kind == "strategy":
        return "bar" if callable(getattr(component, "on_bar", None)) else None
    if has_incremental(component):
        return "incremental"
    if kind == "analyzer" and callable(getattr(component, "on_event", None)):
        return "events"
    return None


def published_names(components: Sequence[tuple[str, Any]], names: Sequence[str] | None) -> list[str]:
    """The name each component publishes under: ``names`` when given (one per component), else its own ``name``."""
    if names is None:
        return [str(getattr(component, "name", type(component).__name__)) for _, component in components]
    if len(names) != len(components):
        raise ValueError(f"{len(names)} names for {len(components)} components")
    return [str(name) for name in names]


def run_bars(bars: BarSeries, components: Sequence[tuple[str, Any]],
             inputs: Inputs | None = None, names: Sequence[str] | None = None) -> list[Recorded]:
    """Reset each component (when it can be) and feed it ``bars`` one by one, in the engine's order.

    ``components`` are ``(kind, component)`` pairs: analyzers, then techniques, then at
    most one strategy. The strategy's context gets the technique outputs as
    ``"<technique>.<output>"`` and the analyzer values by name, from this run, or from
    ``inputs`` when given (so a rerun judges the strategy on the same inputs as the
    first run). ``names`` are the names the components publish under, in their order
    (a technique's YAML ``as:`` name), each component's ``name`` without them. A
    component that raises is recorded with the bar and stops being fed.
    """
    published = published_names(components, names)
    context = CheckContext(bars.instrument)
    forms = [bar_form(component, kind) for kind, component in components]
    recorded = [Recorded() for _ in components]
    for (_, component), form in zip(components, forms, strict=True):
        if form is not None and callable(getattr(component, "reset", None)):
            component.reset()
    for i, bar in enumerate(bars.trusted()):
        context.now_ns = bar.ts
        if inputs is not None:
            inputs.fill(context, i)
        for (kind, component), form, record, name in zip(components, forms, recorded, published, strict=True):
            if form is None or record.error is not None:
                continue
            try:
                row = _row(form, component, bar, context)
            except Exception as exc:  # a third-party component failing is a finding, not a crash of the check
                record.error = f"{form} form raised at bar {i} ({iso(bar.ts)}): {type(exc).__name__}: {exc}"
                continue
            record.add(i, row)
            if inputs is None and kind == "technique":
                prefix = f"{name}."
                context.features.update({prefix + key: float(value) for key, value in row.items()})
            elif inputs is None and kind == "analyzer":
                context.analyses[name] = dict(row)
    return recorded
