"""Registers Battle Navale's technique components with MIA (entry point ``battle_navale`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mia_core.features.vwap_trend import VwapTrend, VwapTrendConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _plain(feature: Callable[[Any], Any]) -> Callable[[Any, BuildContext], Any]:
    def build(config: Any, context: BuildContext) -> Any:
        return feature(config)

    return build


def technique(name: str, build: Callable[[Any, BuildContext], Any], config: type, summary: str) -> ComponentSpec:
    """A TECHNIQUE spec (shared by this plugin and the elite one)."""
    return ComponentSpec(kind=ComponentKind.TECHNIQUE, name=name, factory=build, config_class=config, summary=summary)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """Battle Navale's bar features; each outputs ``score`` in [0, 1] plus its raw values."""
    return [
        technique(
            "vwap_trend",
            _plain(VwapTrend),
            VwapTrendConfig,
            "Close against a rolling VWAP and the VWAP's slope, in ATRs; score 0 bearish .. 1 bullish",
        ),
    ]
