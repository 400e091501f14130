"""Registers the ``email`` notifier with MIA."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.notifiers.email.notifier import EmailNotifier, EmailNotifierConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: EmailNotifierConfig, context: BuildContext) -> EmailNotifier:
    return context.shared(f"notifier:email:{id(config)}", lambda: EmailNotifier(config))


@hookimpl
def mia_register_notifiers() -> Iterable[ComponentSpec]:
    """The ``email`` notifier."""
    return [
        ComponentSpec(
            kind=ComponentKind.NOTIFIER,
            name="email",
            factory=_build,
            config_class=EmailNotifierConfig,
            summary="Send notifications by e-mail (SMTP)",
        )
    ]
