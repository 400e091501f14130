"""Registers the simulated broker (the in-memory broker over the simulated exchange) with MIA."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.simulated.broker import InMemoryBroker
from mia_core.exchange import ExchangeConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def build_simulated_broker(config: ExchangeConfig, context: BuildContext) -> InMemoryBroker:
    """The ``simulated`` broker for the system's instrument and clock."""
    return InMemoryBroker(context.instrument, config, context.clock)


@hookimpl
def mia_register_brokers() -> Iterable[ComponentSpec]:
    """The simulated exchange."""
    return [
        ComponentSpec(
            kind=ComponentKind.BROKER,
            name="simulated",
            factory=build_simulated_broker,
            config_class=ExchangeConfig,
            summary="Simulated exchange: bar/trade fill model with slippage, commission, latency and brackets",
        )
    ]
