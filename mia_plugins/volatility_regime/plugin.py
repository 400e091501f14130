"""Registers the ``volatility_regime`` technique with MIA (entry point ``volatility_regime`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.volatility_regime.technique import VolatilityRegime, VolatilityRegimeConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: VolatilityRegimeConfig, context: BuildContext) -> VolatilityRegime:
    return VolatilityRegime(config)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """The ``volatility_regime`` technique."""
    return [
        ComponentSpec(
            kind=ComponentKind.TECHNIQUE,
            name="volatility_regime",
            factory=_build,
            config_class=VolatilityRegimeConfig,
            summary="Short against long ATR, classified low / normal / high volatility",
        )
    ]
