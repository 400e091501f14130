"""Registers the ``delta_divergence`` technique with MIA (entry point ``delta_divergence`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.delta_divergence.technique import DeltaDivergence, DeltaDivergenceConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: DeltaDivergenceConfig, context: BuildContext) -> DeltaDivergence:
    return DeltaDivergence(config)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """The ``delta_divergence`` technique."""
    return [
        ComponentSpec(
            kind=ComponentKind.TECHNIQUE,
            name="delta_divergence",
            factory=_build,
            config_class=DeltaDivergenceConfig,
            summary="Price's place in its range against cumulative delta's (estimated without bid/ask volume)",
        )
    ]
