"""What an ib_async connect saw before it failed: the server version, a refused version, a peer that closed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable

from ib_async import IB, __version__

log = logging.getLogger("mia.ib")
VERSION_REFUSED = "version must be"  # ib_async's apiError when TWS answers below its minimum version
PEER_CLOSED = "Peer closed connection"


class StartupWatch:
    """Watches one connect attempt: what the client learned from TWS before the attempt ended.

    ib_async forgets its server version when a connect fails, so the watch polls it
    while the attempt runs and listens to the client's ``apiError`` messages.
    """

    def __init__(self, ib: IB) -> None:
        self.ib = ib
        self.server_version = 0
        self.refused_version = 0
        self.peer_closed = False

    def _on_api_error(self, message: str) -> None:
        if VERSION_REFUSED in message:
            self.refused_version = self.ib.client.serverVersion()  # still set while ib_async reports it
        elif PEER_CLOSED in message:
            self.peer_closed = True

    async def run(self, connect: Awaitable[object]) -> None:
        """Await ``connect`` while watching; its exception, if any, propagates."""
        self.ib.client.apiError += self._on_api_error

        async def poll() -> None:
            while True:
                self.server_version = self.ib.client.serverVersion() or self.server_version
                await asyncio.sleep(0.01)

        poller = asyncio.ensure_future(poll())
        try:
            await connect
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
            self.ib.client.apiError -= self._on_api_error

    def explain(self, where: str, timeout: float) -> str | None:
        """The cause of a failed attempt when the watch knows it better than the exception; else None."""
        minimum = self.ib.client.MinClientVersion
        if self.refused_version:
            return (
                f"{where} speaks TWS API server version {self.refused_version}; ib_async {__version__} needs at "
                f"least {minimum} (TWS / IB Gateway 10.x): update TWS/IB Gateway to a current release"
            )
        if self.server_version and not self.peer_closed:
            return (
                f"{where} answered the API handshake (server version {self.server_version}) but reported no "
                f"account within {timeout:g} s, and ib_async starts only once TWS names one: finish the TWS/IB "
                "Gateway login (a dialog may be waiting), and check that the user has an account (paper ids start "
                "with DU) enabled for the API"
            )
        return None
