"""The Discord webhook notifier: messages (and a chart PNG) queued, sent by a thread, 429s honoured."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from adapters.notifiers.http import post, secret_from_env
from adapters.notifiers.levels import at_least
from adapters.notifiers.outbox import DeliveryConfig, Outbox
from mia_core.commands import AlertLevel
from mia_core.journal import Notification

if TYPE_CHECKING:
    import httpx

LIMIT = 2000  # Discord's longest message content
_COLOURS = {AlertLevel.INFO: 0x2E86DE, AlertLevel.WARNING: 0xF39C12, AlertLevel.CRITICAL: 0xC0392B}


@attrs.frozen
class DiscordNotifierConfig:
    """Settings of ``discord``: the variable holding the webhook URL (never the URL), level, delivery."""

    url_env: str = "MIA_DISCORD_WEBHOOK_URL"
    min_level: AlertLevel = AlertLevel.INFO
    username: str = "MIA"
    delivery: DeliveryConfig = attrs.Factory(DeliveryConfig)


def discord_content(note: Notification) -> str:
    """The message: a bold title, the body in a code block when it has several lines (whatever its length)."""
    body = f"```\n{note.body}\n```" if "\n" in note.body else note.body
    return f"**{note.title}**\n{body}".strip()


def discord_payload(note: Notification, username: str) -> dict[str, Any]:
    """The webhook's JSON: :func:`discord_content`, cut at Discord's limit (:func:`discord_parts` avoids that)."""
    content = discord_content(note)
    if len(content) > LIMIT:
        content = content[: LIMIT - 1] + "…"
    return {"username": username, "content": content, "allowed_mentions": {"parse": []}}


def discord_parts(note: Notification) -> list[Notification]:
    """``note`` as one message, or, when too long for one, as ``title (i/n)`` messages of whole lines.

    The chart goes with the first; a line longer than a message is cut into pieces.
    """
    if len(discord_content(note)) <= LIMIT:
        return [note]
    room = LIMIT - len(f"**{note.title} (999/999)**\n```\n\n```")
    chunks, current = [], ""
    for whole in note.body.split("\n"):
        pieces = [whole[i:i + room] for i in range(0, len(whole), room)] or [""]
        for line in pieces:
            if current and len(current) + 1 + len(line) > room:
                chunks.append(current)
                current = line
            else:
                current = f"{current}\n{line}" if current else line
    chunks.append(current)
    n = len(chunks)
    return [attrs.evolve(note, title=f"{note.title} ({i}/{n})", body=chunk, image_png=note.image_png if i == 1 else b"")
            for i, chunk in enumerate(chunks, 1)]


class DiscordNotifier:
    """Posts notifications to a Discord webhook from a sender thread; ``notify`` only queues."""

    def __init__(self, config: DiscordNotifierConfig, name: str = "discord",
                 environ: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.wants_images = True  # the daily summary's chart is sent
        self.config = config
        self._url = secret_from_env(name, config.url_env, environ)
        self._client: httpx.Client | None = None
        self.outbox: Outbox[Notification] = Outbox(name, self._send, config.delivery)

    def __repr__(self) -> str:  # the URL stays out of every representation
        return f"DiscordNotifier(name={self.name!r}, url_env={self.config.url_env!r})"

    async def notify(self, notification: Notification) -> None:
        """Queue ``notification`` (in parts when long) if at or above ``min_level``; never waits for the network."""
        if at_least(notification.level, self.config.min_level):
            for part in discord_parts(notification):  # each its own try: a retry never posts a part twice
                self.outbox.put(part)

    def _send(self, note: Notification) -> None:
        if self._client is None:
            import httpx  # here: discovering the notifier needs no HTTP client

            self._client = httpx.Client(timeout=self.config.delivery.timeout_seconds)
        payload = discord_payload(note, self.config.username)
        if note.image_png:
            payload["attachments"] = [{"id": 0, "filename": "chart.png"}]
            files = {"files[0]": ("chart.png", note.image_png, "image/png")}
            post(self._client, self._url, data={"payload_json": json.dumps(payload)}, files=files)
        else:
            post(self._client, self._url, json=payload)

    def unsent(self) -> list[tuple[Notification, str]]:
        """What could not be delivered, each with why (the session journals them at its end)."""
        return self.outbox.unsent()

    def close(self) -> None:
        """Send what is queued, then stop the sender thread and close the connection."""
        self.outbox.close()
        if self._client is not None:
            self._client.close()
