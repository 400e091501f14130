"""A notifier that writes to the log (and so to the terminal)."""

from __future__ import annotations

import logging

import attrs

from mia_core.commands import AlertLevel
from mia_core.journal import Notification

_LEVELS = {AlertLevel.INFO: logging.INFO, AlertLevel.WARNING: logging.WARNING, AlertLevel.CRITICAL: logging.CRITICAL}


@attrs.frozen
class ConsoleNotifierConfig:
    """Settings of ``console``: the lowest level that is shown."""

    min_level: AlertLevel = AlertLevel.INFO


class ConsoleNotifier:
    """Logs notifications under the ``mia.notify`` logger."""

    def __init__(self, config: ConsoleNotifierConfig, name: str = "console") -> None:
        self.name = name
        self._min = _LEVELS[config.min_level]
        self._log = logging.getLogger("mia.notify")
        self.sent: list[Notification] = []

    async def notify(self, notification: Notification) -> None:
        """Log the notification if it is at or above ``min_level``."""
        level = _LEVELS[notification.level]
        if level >= self._min:
            self.sent.append(notification)
            self._log.log(level, "%s %s", notification.title, notification.body)
