"""A third party's plugin as a stranger writes it from docs/: techniques and strategies with a bug to switch on."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from adapters.bootstrap.plugins import PluginHost, PluginInfo, discover
from mia_core.market import Bar
from mia_core.signals import Direction, Signal
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.context import StrategyContext
from ports.hookspecs import hookimpl

INFO = PluginInfo(name="acme", distribution="mia-acme", version="0.3", module=__name__)


@attrs.frozen
class DriftConfig:
    """Settings of ``drift``: the window, and on which bar (0-based) the technique misbehaves, how."""

    window: int = 3
    fail_at: int = -1
    fault: str = "raise"  # raise | list | missing | extra | text


class Drift:
    """Close minus the close ``window`` bars ago; a configurable fault at bar ``fail_at``."""

    name = "drift"
    outputs = ("change", "up")
    warmup_bars = 1

    def __init__(self, config: DriftConfig) -> None:
        self.config = config
        self.closes: list[float] = []

    def update(self, bar: Bar) -> Any:
        self.closes.append(bar.close)
        seen = len(self.closes) - 1
        past = self.closes[-1 - self.config.window] if len(self.closes) > self.config.window else math.nan
        change = bar.close - past
        values: dict[str, Any] = {"change": change, "up": float(change > 0)}
        if seen == self.config.fail_at:
            fault = self.config.fault
            if fault == "raise":
                raise ZeroDivisionError("acme drift bug")
            if fault == "list":
                return [change, float(change > 0)]
            if fault == "missing":
                del values["up"]
            if fault == "extra":
                values["down"] = 0.0
            if fault == "text":
                values["up"] = "yes"
        return values

    def reset(self) -> None:
        self.closes.clear()


@attrs.frozen
class FollowConfig:
    """Settings of ``follow``: the feature read, the bar it misbehaves on and how, its bracket in ticks."""

    feature: str = "drift.change"
    fail_at: int = -1
    fault: str = "raise"  # raise | dict
    stop_ticks: float = 0.0
    target_ticks: float = 0.0


class Follow:
    """Long when the feature is positive, short when negative; optional stop/target hints in ticks."""

    name = "follow"

    def __init__(self, config: FollowConfig, tick_size: float) -> None:
        self.config = config
        self.tick = tick_size
        self.seen = 0
        self.side = Direction.FLAT

    def on_bar(self, bar: Bar, context: StrategyContext) -> Any:
        seen, self.seen = self.seen, self.seen + 1
        if seen == self.config.fail_at:
            if self.config.fault == "raise":
                raise RuntimeError("acme follow bug")
            return {"direction": "long"}
        value = context.features[self.config.feature]
        side = Direction.LONG if value > 0 else Direction.SHORT if value < 0 else self.side
        if side is self.side or side is Direction.FLAT:
            return None
        self.side = side
        stop = target = None
        if self.config.stop_ticks:
            stop = bar.close - int(side) * self.config.stop_ticks * self.tick
        if self.config.target_ticks:
            target = bar.close + int(side) * self.config.target_ticks * self.tick
        return Signal(ts=bar.ts, source=self.name, direction=side, stop_loss=stop, take_profit=target)

    def reset(self) -> None:
        self.seen = 0
        self.side = Direction.FLAT


def _drift(config: DriftConfig, context: BuildContext) -> Drift:
    return Drift(config)


def _follow(config: FollowConfig, context: BuildContext) -> Follow:
    return Follow(config, context.instrument.tick_size)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """The ``drift`` technique."""
    return [ComponentSpec(ComponentKind.TECHNIQUE, "drift", _drift, DriftConfig, "Close minus an earlier close")]


@hookimpl
def mia_register_strategies() -> Iterable[ComponentSpec]:
    """The ``follow`` strategy."""
    return [ComponentSpec(ComponentKind.STRATEGY, "follow", _follow, FollowConfig, "Trade the sign of a feature")]


def host() -> PluginHost:
    """MIA's plugins and this one, as if ``mia-acme`` were installed."""
    found = discover()
    import sys

    found.add_plugin(sys.modules[__name__], INFO)
    return found


def system(techniques: list[Mapping[str, Any]], strategy: Mapping[str, Any]) -> dict[str, Any]:
    """A system's YAML as parsed: bundled data, these techniques and this strategy."""
    return {"data_feed": {"use": "bundled", "dataset": "sp500"}, "techniques": techniques,
            "strategy": {"use": "follow", **strategy}}
