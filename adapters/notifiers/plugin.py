"""Registers the built-in notifiers with MIA."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.notifiers.console import ConsoleNotifier, ConsoleNotifierConfig
from ports.components import ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


@hookimpl
def mia_register_notifiers() -> Iterable[ComponentSpec]:
    """The console notifier."""
    return [
        ComponentSpec(
            kind=ComponentKind.NOTIFIER,
            name="console",
            factory=lambda config, context: ConsoleNotifier(config),
            config_class=ConsoleNotifierConfig,
            summary="Write notifications to the terminal log",
        )
    ]
