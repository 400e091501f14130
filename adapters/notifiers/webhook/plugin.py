"""Registers the ``webhook`` notifier with MIA."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.notifiers.webhook.notifier import WebhookNotifier, WebhookNotifierConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: WebhookNotifierConfig, context: BuildContext) -> WebhookNotifier:
    return context.shared(f"notifier:webhook:{id(config)}", lambda: WebhookNotifier(config))


@hookimpl
def mia_register_notifiers() -> Iterable[ComponentSpec]:
    """The ``webhook`` notifier."""
    return [
        ComponentSpec(
            kind=ComponentKind.NOTIFIER,
            name="webhook",
            factory=_build,
            config_class=WebhookNotifierConfig,
            summary="POST notifications as JSON to a webhook (Slack-style text)",
        )
    ]
