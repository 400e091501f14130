"""The Notifier port: tells the trader (Discord, console, ...)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mia_core.journal import Notification


@runtime_checkable
class Notifier(Protocol):
    """Delivers notifications; a failure to deliver is logged, never fatal to trading.

    A notifier that sends images (the daily summary's chart, ``Notification.image_png``)
    sets ``wants_images = True``; sessions draw the chart only when one does. One that
    queues may offer ``unsent() -> list[tuple[Notification, str]]``: what it could not
    deliver, each with why; after closing the notifiers a session journals each as an
    ``undelivered`` entry, so nothing is lost with the process.
    """

    name: str

    async def notify(self, notification: Notification) -> None:
        """Deliver ``notification``; called by the shell, off the per-bar path.

        Must not raise: report delivery failures through logging. Secrets (webhook
        URLs) come from the environment and must not appear in messages or logs.
        """
        ...
