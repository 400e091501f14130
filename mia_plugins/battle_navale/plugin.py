"""Registers Battle Navale with MIA (entry point ``battle_navale``): seven techniques and a strategy."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mia_plugins.battle_navale.features.market_structure import MarketStructure, MarketStructureConfig
from mia_plugins.battle_navale.features.momentum_flow import MomentumFlow, MomentumFlowConfig
from mia_plugins.battle_navale.features.price_action import PriceAction, PriceActionConfig
from mia_plugins.battle_navale.features.session_analysis import SessionAnalysis, SessionAnalysisConfig
from mia_plugins.battle_navale.features.session_vwap import SessionVwap, SessionVwapConfig
from mia_plugins.battle_navale.features.support_resistance import SupportResistance, SupportResistanceConfig
from mia_plugins.battle_navale.features.volume_imbalance import VolumeImbalance, VolumeImbalanceConfig
from mia_plugins.battle_navale.features.vwap_trend import VwapTrend, VwapTrendConfig
from mia_plugins.battle_navale.strategy import BattleNavaleConfig, BattleNavaleStrategy
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

Factory = Callable[[Any, BuildContext], Any]


def _plain(feature: Callable[[Any], Any]) -> Factory:
    """A factory building ``feature(config)`` (the feature needs nothing from the context)."""

    def build(config: Any, context: BuildContext) -> Any:
        return feature(config)

    return build


def _session_analysis(config: SessionAnalysisConfig, context: BuildContext) -> SessionAnalysis:
    return SessionAnalysis(context.sessions, config)


def _session_vwap(config: SessionVwapConfig, context: BuildContext) -> SessionVwap:
    return SessionVwap(context.sessions, config)


def _battle_navale(config: BattleNavaleConfig, context: BuildContext) -> BattleNavaleStrategy:
    return BattleNavaleStrategy(config)


def _technique(name: str, build: Factory, config: type, summary: str) -> ComponentSpec:
    return ComponentSpec(kind=ComponentKind.TECHNIQUE, name=name, factory=build, config_class=config, summary=summary)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """Battle Navale's bar features; each outputs ``score`` in [0, 1] (0 bearish, 1 bullish) plus raw values."""
    return [
        _technique("vwap_trend", _plain(VwapTrend), VwapTrendConfig,
                   "Close against a rolling VWAP and the VWAP's slope, in ATRs"),
        _technique("volume_imbalance", _plain(VolumeImbalance), VolumeImbalanceConfig,
                   "Buying minus selling volume over a window (estimated from bars without bid/ask volume)"),
        _technique("price_action", _plain(PriceAction), PriceActionConfig,
                   "Candlestick patterns (engulfing, pin, inside/outside bar, doji) and close location"),
        _technique("momentum_flow", _plain(MomentumFlow), MomentumFlowConfig,
                   "Momentum in ATRs and the volume-weighted direction of close-to-close moves"),
        _technique("support_resistance", _plain(SupportResistance), SupportResistanceConfig,
                   "Prior-window support and resistance and the distance of close to the nearest, in ATRs"),
        _technique("market_structure", _plain(MarketStructure), MarketStructureConfig,
                   "Confirmed swing highs/lows: higher highs, lower lows and breaks of structure"),
        _technique("session_analysis", _session_analysis, SessionAnalysisConfig,
                   "CME Globex session (Asia/London/RTH), time to close, session VWAP and ranges"),
        _technique("session_vwap", _session_vwap, SessionVwapConfig,
                   "VWAP anchored at the Globex or RTH open, with standard-deviation bands (compose as vwap_trend)"),
    ]


@hookimpl
def mia_register_strategies() -> Iterable[ComponentSpec]:
    """Battle Navale's regime-selected, confluence-gated strategy."""
    return [
        ComponentSpec(
            kind=ComponentKind.STRATEGY,
            name="battle_navale",
            factory=_battle_navale,
            config_class=BattleNavaleConfig,
            summary="Trend/range setups chosen by market regime, gated by the 8-feature confluence score",
        )
    ]
