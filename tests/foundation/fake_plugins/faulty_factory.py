"""Registers strategy ``exploding``, whose factory raises when the system is built."""

from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

from .kit import KitConfig


def explode(config: KitConfig, context: object) -> object:
    raise FileNotFoundError("model weights not found: weights.bin")


@hookimpl
def mia_register_strategies() -> list[ComponentSpec]:
    return [ComponentSpec(ComponentKind.STRATEGY, "exploding", explode, KitConfig, "fails to build")]
