"""A third party's plugin for the look-ahead check's tests: each component plants one leak; the clean ones none.

Installed by the tests as distribution ``leaky`` (a dist-info with an entry point in
group ``mia``), the way any third-party plugin is found.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.signals import Direction, Signal
from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

GAP = 0.01
#: A plugin-wide stash: the last series one of this plugin's array forms was handed.
SHARED: dict[str, BarSeries] = {}


@attrs.frozen
class NoSettings:
    """No settings."""


class Feature:
    """A one-output technique."""

    name = "feature"
    outputs = ("value",)
    warmup_bars = 1

    def reset(self) -> None:
        """Nothing to forget."""


def _next(values: np.ndarray) -> np.ndarray:
    return np.append(values[1:], np.nan)


def _gap_peek(bars: BarSeries) -> np.ndarray:
    """The close, except where the next bar opens more than 1% away: there, that open."""
    value = bars.close.copy()
    gaps = np.flatnonzero(np.abs(bars.open[1:] / bars.close[:-1] - 1) > GAP)
    value[gaps] = bars.open[gaps + 1]
    return value


class CleanRange(Feature):
    """The control: high - low, both forms."""

    name = "clean_range"

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        return {"value": bars.high - bars.low}

    def update(self, bar: Bar) -> dict[str, float]:
        return {"value": bar.high - bar.low}


class Close(Feature):
    """A bar form giving the close (the array forms below leak beside it)."""

    def update(self, bar: Bar) -> dict[str, float]:
        return {"value": bar.close}


class NextClose(Close):
    """The array form gives the next bar's close."""

    name = "next_close"

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        SHARED["bars"] = bars
        return {"value": _next(bars.close)}


class GapPeek(Close):
    """The array form reads the next open on the few bars before a gap of more than 1%."""

    name = "gap_peek"

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        return {"value": _gap_peek(bars)}


class UpdatePeek(Feature):
    """An honest array form that keeps what it was handed; the bar form reads the next close from it."""

    name = "update_peek"

    def __init__(self) -> None:
        self.kept: BarSeries | None = None

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        self.kept = bars
        return {"value": bars.close.copy()}

    def update(self, bar: Bar) -> dict[str, float]:
        kept = self.kept
        if kept is not None:
            i = int(np.searchsorted(kept.ts, bar.ts))
            if i + 1 < len(kept):
                return {"value": float(kept.close[i + 1])}
        return {"value": bar.close}


class NoArrayPeek(Feature):
    """Bar form only: reads the next close from the series this plugin's other components were handed."""

    name = "no_array_peek"

    def update(self, bar: Bar) -> dict[str, float]:
        seen = SHARED.get("bars")
        if seen is not None:
            i = int(np.searchsorted(seen.ts, bar.ts))
            if i + 1 < len(seen):
                return {"value": float(seen.close[i + 1])}
        return {"value": bar.close}


class SharedMemoryPeek(Close):
    """At its last bar the array form reads the bar after the cut, through memory shared with the full series."""

    name = "shared_memory_peek"

    def compute(self, bars: BarSeries) -> dict[str, np.ndarray]:
        value = bars.close.copy()
        whole = bars.close.base
        if isinstance(whole, np.ndarray) and whole.ndim == 1 and len(whole) > len(bars):
            value[-1] = whole[len(bars)]
        return {"value": value}


class Strategy:
    """A strategy with both paths; decides from the close only."""

    name = "strategy"

    def reset(self) -> None:
        """Nothing to forget."""

    def on_bar(self, bar: Bar, context: Any) -> Signal | None:
        return None

    def target_directions(self, bars: BarSeries) -> np.ndarray:
        return np.zeros(len(bars), dtype=np.int8)


def _signal(bar: Bar, source: str, direction: int) -> Signal | None:
    if direction == 0:
        return None
    return Signal(ts=bar.ts, source=source, direction=Direction.LONG if direction > 0 else Direction.SHORT)


class CleanMomentum(Strategy):
    """The control: long after an up close, short after a down close, on both paths."""

    name = "clean_momentum"

    def __init__(self) -> None:
        self.previous: float | None = None

    def reset(self) -> None:
        self.previous = None

    def on_bar(self, bar: Bar, context: Any) -> Signal | None:
        previous, self.previous = self.previous, bar.close
        return None if previous is None else _signal(bar, self.name, int(np.sign(bar.close - previous)))

    def target_directions(self, bars: BarSeries) -> np.ndarray:
        out = np.zeros(len(bars), dtype=np.int8)
        out[1:] = np.sign(np.diff(bars.close))
        return out


class DirectionsPeek(Strategy):
    """The fast path goes the way of the next bar; the bar path never trades."""

    name = "directions_peek"

    def target_directions(self, bars: BarSeries) -> np.ndarray:
        SHARED["bars"] = bars
        out = np.zeros(len(bars), dtype=np.int8)
        out[:-1] = np.sign(np.diff(bars.close))
        return out


class GapDirections(Strategy):
    """The fast path only (the bar path never trades): goes the way of the next bar's gap, when over 1%."""

    name = "gap_directions"

    def target_directions(self, bars: BarSeries) -> np.ndarray:
        return np.sign(_gap_peek(bars) - bars.close).astype(np.int8)


class BarPeek(Strategy):
    """An idle fast path that keeps the series; ``on_bar`` goes the way of the next bar when it can."""

    name = "bar_peek"

    def __init__(self) -> None:
        self.kept: BarSeries | None = None

    def target_directions(self, bars: BarSeries) -> np.ndarray:
        self.kept = bars
        return np.zeros(len(bars), dtype=np.int8)

    def on_bar(self, bar: Bar, context: Any) -> Signal | None:
        kept = self.kept
        if kept is None:
            return None
        i = int(np.searchsorted(kept.ts, bar.ts))
        return _signal(bar, self.name, int(np.sign(kept.close[i + 1] - bar.close))) if i + 1 < len(kept) else None


def _spec(kind: ComponentKind, cls: type) -> ComponentSpec:
    return ComponentSpec(kind=kind, name=cls.name, factory=lambda config, context: cls(),  # type: ignore[attr-defined]
                         config_class=NoSettings, summary=(cls.__doc__ or cls.__name__).splitlines()[0])


TECHNIQUES = (CleanRange, NextClose, GapPeek, UpdatePeek, NoArrayPeek, SharedMemoryPeek)
STRATEGIES = (CleanMomentum, DirectionsPeek, GapDirections, BarPeek)


@hookimpl
def mia_register_techniques() -> list[ComponentSpec]:
    """The planted techniques and the clean control."""
    return [_spec(ComponentKind.TECHNIQUE, cls) for cls in TECHNIQUES]


@hookimpl
def mia_register_strategies() -> list[ComponentSpec]:
    """The planted strategies and the clean control."""
    return [_spec(ComponentKind.STRATEGY, cls) for cls in STRATEGIES]
