"""Registers Battle Navale's technique components with MIA (entry point ``battle_navale`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mia_core.features.market_structure import MarketStructure, MarketStructureConfig
from mia_core.features.momentum_flow import MomentumFlow, MomentumFlowConfig
from mia_core.features.price_action import PriceAction, PriceActionConfig
from mia_core.features.session_analysis import SessionAnalysis, SessionAnalysisConfig
from mia_core.features.support_resistance import SupportResistance, SupportResistanceConfig
from mia_core.features.volume_imbalance import VolumeImbalance, VolumeImbalanceConfig
from mia_core.features.vwap_trend import VwapTrend, VwapTrendConfig
from mia_plugins.sessions.cme import cme_calendar
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

Factory = Callable[[Any, BuildContext], Any]


def plain(feature: Callable[[Any], Any]) -> Factory:
    """A factory building ``feature(config)`` (the feature needs nothing from the context)."""

    def build(config: Any, context: BuildContext) -> Any:
        return feature(config)

    return build


def _session_analysis(config: SessionAnalysisConfig, context: BuildContext) -> SessionAnalysis:
    return SessionAnalysis(cme_calendar(), config)


def technique(name: str, build: Factory, config: type, summary: str) -> ComponentSpec:
    """A TECHNIQUE spec (shared by this plugin and the elite one)."""
    return ComponentSpec(kind=ComponentKind.TECHNIQUE, name=name, factory=build, config_class=config, summary=summary)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """Battle Navale's bar features; each outputs ``score`` in [0, 1] (0 bearish, 1 bullish) plus raw values."""
    return [
        technique("vwap_trend", plain(VwapTrend), VwapTrendConfig,
                  "Close against a rolling VWAP and the VWAP's slope, in ATRs"),
        technique("volume_imbalance", plain(VolumeImbalance), VolumeImbalanceConfig,
                  "Buying minus selling volume over a window (estimated from bars without bid/ask volume)"),
        technique("price_action", plain(PriceAction), PriceActionConfig,
                  "Candlestick patterns (engulfing, pin, inside/outside bar, doji) and close location"),
        technique("momentum_flow", plain(MomentumFlow), MomentumFlowConfig,
                  "Momentum in ATRs and the volume-weighted direction of close-to-close moves"),
        technique("support_resistance", plain(SupportResistance), SupportResistanceConfig,
                  "Prior-window support and resistance and the distance of close to the nearest, in ATRs"),
        technique("market_structure", plain(MarketStructure), MarketStructureConfig,
                  "Confirmed swing highs/lows: higher highs, lower lows and breaks of structure"),
        technique("session_analysis", _session_analysis, SessionAnalysisConfig,
                  "CME Globex session (Asia/London/RTH), time to close, session VWAP and ranges"),
    ]
