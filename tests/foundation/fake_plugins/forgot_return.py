"""A registration hook that builds its spec but forgets to return it (returns None)."""

from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

from .kit import KitConfig, KitStrategy


@hookimpl
def mia_register_strategies() -> None:
    ComponentSpec(ComponentKind.STRATEGY, "forgotten", lambda c, ctx: KitStrategy(c), KitConfig, "never returned")
