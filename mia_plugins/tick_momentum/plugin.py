"""Registers the ``tick_momentum`` technique with MIA (entry point ``tick_momentum`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.tick_momentum.technique import TickMomentum, TickMomentumConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: TickMomentumConfig, context: BuildContext) -> TickMomentum:
    return TickMomentum(context.instrument.tick_size, config)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """The ``tick_momentum`` technique."""
    return [
        ComponentSpec(
            kind=ComponentKind.TECHNIQUE,
            name="tick_momentum",
            factory=_build,
            config_class=TickMomentumConfig,
            summary="Net ticks over a window, how directly they were travelled, and the share of up-moves",
        )
    ]
