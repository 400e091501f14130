"""Serving the dashboard from the session's own event loop (uvicorn), refusing an open bind without a token."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Generator

import uvicorn
from starlette.applications import Starlette

from adapters.bootstrap.errors import ConfigError
from adapters.monitor.config import DashboardConfig


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves the process' signal handlers to the trading session."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def check_bind(config: DashboardConfig, source: str = "system") -> str | None:
    """The token to require, after refusing a bind beyond loopback without one (a ConfigError naming the fix)."""
    token = config.token()
    if not config.loopback and token is None:
        raise ConfigError(
            source, "dashboard.host", f"{config.host!r} is not a loopback address; set a token in the environment "
            f"variable {config.token_env} (dashboard.token_env) or bind to 127.0.0.1"
        )
    return token


class DashboardServer:
    """The app on ``host:port`` (port 0 picks a free one; ``port`` tells which), served on the running loop."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        self.app = app
        self._socket = socket.create_server((host, port), reuse_port=False)
        self.host, self.port = self._socket.getsockname()[:2]
        self._server = _QuietServer(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))

    @property
    def url(self) -> str:
        """Where the page is."""
        return f"http://{self.host}:{self.port}/"

    async def serve(self) -> None:
        """Serve until ``stop``."""
        await self._server.serve(sockets=[self._socket])

    def stop(self) -> None:
        """Ask the server to finish (open streams are closed)."""
        self._server.should_exit = True
        self._server.force_exit = True
