"""Registers the ``trading_window`` signal filter with MIA (entry point ``trading_window`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.trading_window.filter import TradingWindowConfig, TradingWindowFilter
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: TradingWindowConfig, context: BuildContext) -> TradingWindowFilter:
    return TradingWindowFilter(config)


@hookimpl
def mia_register_signal_filters() -> Iterable[ComponentSpec]:
    """The trading-window filter."""
    return [
        ComponentSpec(
            kind=ComponentKind.SIGNAL_FILTER,
            name="trading_window",
            factory=_build,
            config_class=TradingWindowConfig,
            summary="Neutralise entries outside a date window (warm-up bars before a walk-forward test fold)",
        )
    ]
