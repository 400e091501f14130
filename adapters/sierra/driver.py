"""SierraDtcDriver: runs the Broker contract suite on SierraBroker against the loopback DTC server.

The server runs on its own event loop in a background thread (as Sierra Chart is another
process); the broker runs on this thread's loop, which the driver turns while it waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from adapters.clocks import WallClock
from adapters.sierra.broker import SierraBroker
from adapters.sierra.config import SierraBrokerConfig
from adapters.sierra.dtc.client import DtcClient
from adapters.sierra.server import LoopbackDtcServer, ServerOptions
from adapters.simulated.loop_thread import LoopThread
from mia_core.events import BrokerEvent
from mia_core.instruments import ES, Instrument
from ports.broker import Broker

T = TypeVar("T")
WAIT_LIMIT = 30.0
"""Seconds any single wait may take before the driver gives up (a ceiling, never pacing)."""


class ServerThread(LoopThread):
    """A :class:`LoopbackDtcServer` on 127.0.0.1 serving from a background thread."""

    def __init__(self, options: ServerOptions | None = None) -> None:
        super().__init__("loopback-dtc-server")
        self.server = LoopbackDtcServer(options=options)
        self.call(self.server.start())

    def stop(self) -> None:
        """Stop the server and its thread (idempotent)."""
        self.shut(self.server.stop() if self.alive else None)


class SierraDtcDriver:
    """A :class:`~adapters.simulated.contract.BrokerDriver` for :class:`SierraBroker` over the loopback server."""

    def __init__(self, instrument: Instrument = ES, reference: float = 5000.0, *, server: ServerThread | None = None,
                 **settings: Any) -> None:
        self.server = server or ServerThread()
        self._own_server = server is None
        self._instrument, self._reference = instrument, reference
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        dtc = self.server.server
        defaults: dict[str, Any] = dict(port=dtc.port, historical_port=dtc.historical_port,
                                        connect_timeout=WAIT_LIMIT, request_timeout=WAIT_LIMIT,
                                        reconnect_initial_delay=0.05, reconnect_max_delay=0.5, symbol="ESZ26")
        self.config = SierraBrokerConfig(**{**defaults, **settings})
        self.clock = WallClock()
        self.client = DtcClient(self.config)
        self.sierra_broker = SierraBroker(self.client, instrument, self.clock, self.config)
        self.events: list[BrokerEvent] = []
        self.sierra_broker.subscribe(self.events.append)
        self.run(self.sierra_broker.connect())

    @property
    def broker(self) -> Broker:
        """The Sierra broker, connected."""
        return self.sierra_broker

    @property
    def instrument(self) -> Instrument:
        """The instrument traded."""
        return self._instrument

    @property
    def reference_price(self) -> float:
        """Where the market starts."""
        return self._reference

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 2 * WAIT_LIMIT) -> T:
        """Run ``coro`` on the broker's loop, bounded by ``timeout``."""
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))

    def trade_at(self, price: float) -> None:
        """Every request so far reaches the server; the market trades at ``price``; its reports arrive."""
        self.settle()
        symbol = self.config.symbol
        self.server.do(lambda: self.server.server.trade(symbol, price))
        self.settle()

    def settle(self) -> None:
        """Return once the server has answered everything sent so far and its reports were delivered."""

        async def until_settled() -> None:
            if self.client.connected:
                with contextlib.suppress(ConnectionError):
                    await self.client.round_trip()
            await asyncio.sleep(0)
            while self.sierra_broker.outbox_size:
                await asyncio.sleep(0.001)

        self.run(until_settled())

    def wait_for(self, condition: Callable[[], bool], limit: float = 2 * WAIT_LIMIT) -> bool:
        """Turn the loop until ``condition()`` holds (True) or ``limit`` seconds pass (False)."""

        async def poll() -> bool:
            deadline = self.loop.time() + limit
            while self.loop.time() < deadline:
                if condition():
                    return True
                await asyncio.sleep(0.02)
            return condition()

        return self.loop.run_until_complete(poll())

    def close(self) -> None:
        """Disconnect, stop the server (if the driver started it) and close the loop."""
        with contextlib.suppress(Exception):
            self.run(self.client.aclose(), 10.0)
        if self._own_server:
            self.server.stop()
        with contextlib.suppress(Exception):
            self.loop.close()
