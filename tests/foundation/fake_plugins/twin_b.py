"""Registers strategy ``twin`` (so does twin_a)."""

from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

from .kit import KitConfig, KitStrategy


@hookimpl
def mia_register_strategies() -> list[ComponentSpec]:
    return [ComponentSpec(ComponentKind.STRATEGY, "twin", lambda c, ctx: KitStrategy(c), KitConfig, "second twin")]
