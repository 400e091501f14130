"""Registers the ``order_flow`` tick strategy with MIA (entry point ``order_flow`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.order_flow.strategy import OrderFlowConfig, OrderFlowStrategy
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: OrderFlowConfig, context: BuildContext) -> OrderFlowStrategy:
    return OrderFlowStrategy(config, context.instrument.tick_size)


@hookimpl
def mia_register_strategies() -> Iterable[ComponentSpec]:
    """The order-flow tick strategy."""
    return [
        ComponentSpec(
            kind=ComponentKind.STRATEGY,
            name="order_flow",
            factory=_build,
            config_class=OrderFlowConfig,
            summary="A tick strategy: trades with the decayed signed volume of the last trades, with a bracket",
        )
    ]
