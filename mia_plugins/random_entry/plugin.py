"""Registers the ``random_entry`` strategy with MIA (entry point ``random_entry`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.random_entry.strategy import RandomEntryConfig, RandomEntryStrategy
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: RandomEntryConfig, context: BuildContext) -> RandomEntryStrategy:
    return RandomEntryStrategy(config)


@hookimpl
def mia_register_strategies() -> Iterable[ComponentSpec]:
    """The random-entry baseline."""
    return [
        ComponentSpec(
            kind=ComponentKind.STRATEGY,
            name="random_entry",
            factory=_build,
            config_class=RandomEntryConfig,
            summary="Seeded coin-flip entries with ATR bracket exits: the baseline for Battle Navale",
        )
    ]
