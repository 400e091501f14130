"""Registers strategy ``half``: an object with ``on_bar`` not callable and no ``reset`` (not a Strategy)."""

from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

from .kit import KitConfig


class HalfStrategy:
    name = "half"
    on_bar = "buy low, sell high"


@hookimpl
def mia_register_strategies() -> list[ComponentSpec]:
    return [ComponentSpec(ComponentKind.STRATEGY, "half", lambda c, ctx: HalfStrategy(), KitConfig, "half a strategy")]
