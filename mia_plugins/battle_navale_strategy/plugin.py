"""Registers ``battle_navale``, ``random_entry`` and ``trading_window`` (entry point ``battle_navale_strategy``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.battle_navale_strategy.random_entry import RandomEntryConfig, RandomEntryStrategy
from mia_plugins.battle_navale_strategy.strategy import BattleNavaleConfig, BattleNavaleStrategy
from mia_plugins.battle_navale_strategy.window import TradingWindowConfig, TradingWindowFilter
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _battle_navale(config: BattleNavaleConfig, context: BuildContext) -> BattleNavaleStrategy:
    return BattleNavaleStrategy(config)


def _random_entry(config: RandomEntryConfig, context: BuildContext) -> RandomEntryStrategy:
    return RandomEntryStrategy(config)


def _window(config: TradingWindowConfig, context: BuildContext) -> TradingWindowFilter:
    return TradingWindowFilter(config)


@hookimpl
def mia_register_strategies() -> Iterable[ComponentSpec]:
    """Battle Navale's regime-selected, confluence-gated strategy and its random-entry baseline."""
    return [
        ComponentSpec(
            kind=ComponentKind.STRATEGY,
            name="battle_navale",
            factory=_battle_navale,
            config_class=BattleNavaleConfig,
            summary="Trend/range setups chosen by market regime, gated by the 8-feature confluence score",
        ),
        ComponentSpec(
            kind=ComponentKind.STRATEGY,
            name="random_entry",
            factory=_random_entry,
            config_class=RandomEntryConfig,
            summary="Seeded coin-flip entries with ATR bracket exits: the baseline for Battle Navale",
        ),
    ]


@hookimpl
def mia_register_signal_filters() -> Iterable[ComponentSpec]:
    """The trading-window filter."""
    return [
        ComponentSpec(
            kind=ComponentKind.SIGNAL_FILTER,
            name="trading_window",
            factory=_window,
            config_class=TradingWindowConfig,
            summary="Neutralise entries outside a date window (warm-up bars before a walk-forward test fold)",
        )
    ]
