"""Registers ``sma_cross`` with MIA (entry point ``sma_cross`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.sma_cross.strategy import SmaCrossConfig, SmaCrossStrategy
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: SmaCrossConfig, context: BuildContext) -> SmaCrossStrategy:
    return SmaCrossStrategy(config)


@hookimpl
def mia_register_strategies() -> Iterable[ComponentSpec]:
    """The reference moving-average crossover strategy."""
    return [
        ComponentSpec(
            kind=ComponentKind.STRATEGY,
            name="sma_cross",
            factory=_build,
            config_class=SmaCrossConfig,
            summary="Reverse to long/short on a crossing of fast and slow simple moving averages of close",
        )
    ]
