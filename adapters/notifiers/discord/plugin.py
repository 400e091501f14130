"""Registers the ``discord`` notifier with MIA."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.notifiers.discord.notifier import DiscordNotifier, DiscordNotifierConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: DiscordNotifierConfig, context: BuildContext) -> DiscordNotifier:
    return context.shared(f"notifier:discord:{id(config)}", lambda: DiscordNotifier(config))


@hookimpl
def mia_register_notifiers() -> Iterable[ComponentSpec]:
    """The ``discord`` notifier."""
    return [
        ComponentSpec(
            kind=ComponentKind.NOTIFIER,
            name="discord",
            factory=_build,
            config_class=DiscordNotifierConfig,
            summary="Post trades, alerts, daily summaries and advice to a Discord webhook",
        )
    ]
