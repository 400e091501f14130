"""A registration hook that returns one ComponentSpec instead of a list of them."""

from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

from .kit import KitConfig, KitStrategy


@hookimpl
def mia_register_strategies() -> ComponentSpec:
    return ComponentSpec(ComponentKind.STRATEGY, "lonely", lambda c, ctx: KitStrategy(c), KitConfig, "a bare spec")
