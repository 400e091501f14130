"""Registers ``example_breakout`` with MIA (entry point ``example_breakout`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_example_strategy.strategy import BreakoutConfig, BreakoutStrategy
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def build(config: BreakoutConfig, context: BuildContext) -> BreakoutStrategy:
    """The factory MIA calls with the validated YAML settings and the system's context."""
    return BreakoutStrategy(config, tick_size=context.instrument.tick_size)


@hookimpl
def mia_register_strategies() -> Iterable[ComponentSpec]:
    """One strategy: the N-bar breakout."""
    return [
        ComponentSpec(
            kind=ComponentKind.STRATEGY,
            name="example_breakout",
            factory=build,
            config_class=BreakoutConfig,
            summary="Go long above the highest high of the last N bars, short below the lowest low",
        )
    ]
