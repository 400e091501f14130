"""Registers the elite techniques with MIA (entry point ``elite_techniques`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_core.features.delta_divergence import DeltaDivergence, DeltaDivergenceConfig
from mia_core.features.order_book import OrderBookImbalanceConfig
from mia_core.features.session_optimizer import SessionOptimizer, SessionOptimizerConfig
from mia_core.features.smart_money import SmartMoney, SmartMoneyConfig
from mia_core.features.tick_momentum import TickMomentum, TickMomentumConfig
from mia_core.features.volatility_regime import VolatilityRegime, VolatilityRegimeConfig
from mia_plugins.battle_navale.plugin import plain, technique
from mia_plugins.elite.order_book import OrderBookImbalanceAnalyzer
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _tick_momentum(config: TickMomentumConfig, context: BuildContext) -> TickMomentum:
    return TickMomentum(context.instrument.tick_size, config)


def _order_book(config: OrderBookImbalanceConfig, context: BuildContext) -> OrderBookImbalanceAnalyzer:
    return OrderBookImbalanceAnalyzer(config)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """The elite bar techniques."""
    return [
        technique("tick_momentum", _tick_momentum, TickMomentumConfig,
                  "Net ticks over a window, how directly they were travelled, and the share of up-moves"),
        technique("delta_divergence", plain(DeltaDivergence), DeltaDivergenceConfig,
                  "Price's place in its range against cumulative delta's (estimated without bid/ask volume)"),
        technique("volatility_regime", plain(VolatilityRegime), VolatilityRegimeConfig,
                  "Short against long ATR, classified low / normal / high volatility"),
        technique("session_optimizer", plain(SessionOptimizer), SessionOptimizerConfig,
                  "Weights of the Chicago hour and session by recent activity, and whether to trade now"),
        technique("smart_money", plain(SmartMoney), SmartMoneyConfig,
                  "Large-lot bars (volume spikes) and absorption (heavy volume that does not move price)"),
    ]


@hookimpl
def mia_register_analyzers() -> Iterable[ComponentSpec]:
    """The depth-based elite technique (depth reaches analyzers, not techniques)."""
    return [
        ComponentSpec(kind=ComponentKind.ANALYZER, name="order_book_imbalance", factory=_order_book,
                      config_class=OrderBookImbalanceConfig,
                      summary="Bid against ask size of the best depth levels; a flagged bar estimate without depth"),
    ]
