"""The ``dashboard:`` settings of a system: where the session serves its page, metrics and health."""

from __future__ import annotations

import ipaddress
import os

import attrs

from mia_core.validation import within


@attrs.frozen
class DashboardConfig:
    """Serve the dashboard, ``/metrics`` and ``/health`` from ``mia run`` (off by default).

    It binds to ``127.0.0.1``; any other ``host`` needs a token, read from the
    environment variable named by ``token_env`` (never from the file). The control
    actions (halt, flatten, re-arm) always need the token, and ``controls: false``
    turns them off even with one.
    """

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = attrs.field(default=8765, validator=within(0, 65535))
    token_env: str = "MIA_DASHBOARD_TOKEN"
    controls: bool = True
    refresh_seconds: float = attrs.field(default=1.0, validator=within(0.05, 60))

    @property
    def loopback(self) -> bool:
        """Whether ``host`` is a loopback address (or ``localhost``)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def token(self) -> str | None:
        """The token from the environment, if set and not empty."""
        return os.environ.get(self.token_env) or None
