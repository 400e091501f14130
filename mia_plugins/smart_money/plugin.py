"""Registers the ``smart_money`` technique with MIA (entry point ``smart_money`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.smart_money.technique import SmartMoney, SmartMoneyConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: SmartMoneyConfig, context: BuildContext) -> SmartMoney:
    return SmartMoney(config)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """The ``smart_money`` technique."""
    return [
        ComponentSpec(
            kind=ComponentKind.TECHNIQUE,
            name="smart_money",
            factory=_build,
            config_class=SmartMoneyConfig,
            summary="Large-lot bars (volume spikes) and absorption (heavy volume that does not move price)",
        )
    ]
