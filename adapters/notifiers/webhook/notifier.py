"""A generic webhook notifier: one JSON object per notification (``text`` for Slack-style receivers)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from adapters.notifiers.http import post, secret_from_env
from adapters.notifiers.levels import at_least
from adapters.notifiers.outbox import DeliveryConfig, Outbox
from mia_core.commands import AlertLevel
from mia_core.journal import Notification
from mia_core.timeutil import ns_to_datetime

if TYPE_CHECKING:
    import httpx


@attrs.frozen
class WebhookNotifierConfig:
    """Settings of ``webhook``: the variable holding the URL, level, whether charts are sent, delivery."""

    url_env: str = "MIA_WEBHOOK_URL"
    min_level: AlertLevel = AlertLevel.INFO
    include_image: bool = False
    delivery: DeliveryConfig = attrs.Factory(DeliveryConfig)


def webhook_payload(note: Notification, include_image: bool) -> dict[str, Any]:
    """``text`` (title and body, what Slack, Mattermost and Teams-style hooks show) and the fields."""
    payload: dict[str, Any] = {
        "text": f"{note.title}\n{note.body}".strip(),
        "title": note.title,
        "body": note.body,
        "level": note.level.value,
        "time": ns_to_datetime(note.ts).isoformat(),
    }
    if include_image and note.image_png:
        payload["image_png_base64"] = base64.b64encode(note.image_png).decode("ascii")
    return payload


class WebhookNotifier:
    """POSTs each notification as JSON from a sender thread; ``notify`` only queues."""

    def __init__(self, config: WebhookNotifierConfig, name: str = "webhook",
                 environ: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.wants_images = config.include_image
        self.config = config
        self._url = secret_from_env(name, config.url_env, environ)
        self._client: httpx.Client | None = None
        self.outbox: Outbox[Notification] = Outbox(name, self._send, config.delivery)

    def __repr__(self) -> str:
        return f"WebhookNotifier(name={self.name!r}, url_env={self.config.url_env!r})"

    async def notify(self, notification: Notification) -> None:
        """Queue ``notification`` if it is at or above ``min_level``."""
        if at_least(notification.level, self.config.min_level):
            self.outbox.put(notification)

    def _send(self, note: Notification) -> None:
        if self._client is None:
            import httpx  # here: discovering the notifier needs no HTTP client

            self._client = httpx.Client(timeout=self.config.delivery.timeout_seconds)
        post(self._client, self._url, json=webhook_payload(note, self.config.include_image))

    def unsent(self) -> list[tuple[Notification, str]]:
        """What could not be delivered, each with why (the session journals them at its end)."""
        return self.outbox.unsent()

    def close(self) -> None:
        """Send what is queued, then stop the sender thread."""
        self.outbox.close()
        if self._client is not None:
            self._client.close()
