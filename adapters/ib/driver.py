"""IbGatewayDriver: runs the Broker contract suite on IbBroker against the simulated IB Gateway.

The gateway runs on its own event loop in a background thread (as a real gateway is
another process); the broker runs on this thread's loop, which the driver turns while
it waits for IB's reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from adapters.clocks import WallClock
from adapters.ib.broker import IbBroker
from adapters.ib.config import IbBrokerConfig
from adapters.ib.connection import IbConnection
from adapters.simulated.loop_thread import LoopThread
from mia_core.events import BrokerEvent
from mia_core.instruments import ES, Instrument
from ports.broker import Broker

T = TypeVar("T")
_CLIENT_IDS = itertools.count(11)
WAIT_LIMIT = 30.0
"""Seconds any single wait of the driver may take before it gives up (connects, round trips, conditions)."""


class GatewayThread(LoopThread):
    """A :class:`~adapters.ib.gateway.SimulatedGateway` on 127.0.0.1 serving from a background thread."""

    def __init__(self, account: str = "DU1234567", port: int = 0, **options: Any) -> None:
        from adapters.ib.gateway import SimulatedGateway

        super().__init__("simulated-ib-gateway")
        self.gateway = SimulatedGateway(host="127.0.0.1", port=port, account=account, **options)
        self.call(self.gateway.start())

    @property
    def port(self) -> int:
        """The port the gateway listens on."""
        return int(self.gateway.port)

    def stop(self) -> None:
        """Stop the gateway and its thread (idempotent)."""
        self.shut(self.gateway.stop() if self.alive else None)


class IbGatewayDriver:
    """A :class:`~adapters.simulated.contract.BrokerDriver` for :class:`IbBroker` over the simulated gateway.

    Every wait is for a condition, bounded generously (CI runs on two loaded cores):
    the timeouts below are ceilings that a healthy run never comes near, not pacing.
    """

    def __init__(
        self,
        instrument: Instrument = ES,
        reference: float = 5000.0,
        *,
        gateway: GatewayThread | None = None,
        **settings: Any,
    ) -> None:
        self.gateway = gateway or GatewayThread()
        self._own_gateway = gateway is None
        self._instrument, self._reference = instrument, reference
        self.gateway.do(lambda: self.gateway.gateway.set_price(instrument.symbol, reference))
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        defaults: dict[str, Any] = dict(
            port=self.gateway.port, client_id=next(_CLIENT_IDS), account_env="", connect_timeout=WAIT_LIMIT,
            request_timeout=WAIT_LIMIT, reconnect_initial_delay=0.05, reconnect_max_delay=0.5,
            commission_wait=WAIT_LIMIT,
        )
        self.config = IbBrokerConfig(**{**defaults, **settings})
        self.clock = WallClock()
        self.connection = IbConnection(self.config, self.clock)
        self.ib_broker = IbBroker(self.connection, instrument, self.clock, self.config)
        self.events: list[BrokerEvent] = []
        self.ib_broker.subscribe(self.events.append)
        self._activity = 0
        self.connection.ib.updateEvent += self._touched
        self.run(self.ib_broker.connect())

    def _touched(self) -> None:
        self._activity += 1

    @property
    def broker(self) -> Broker:
        """The IB broker, connected."""
        return self.ib_broker

    @property
    def instrument(self) -> Instrument:
        """The instrument traded."""
        return self._instrument

    @property
    def reference_price(self) -> float:
        """Where the gateway's market starts."""
        return self._reference

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 2 * WAIT_LIMIT) -> T:
        """Run ``coro`` on the broker's loop, bounded by ``timeout``."""
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))

    def trade_at(self, price: float) -> None:
        """The market trades at ``price`` from both sides; returns once IB's reports have arrived.

        The gateway fills a buy limit when the ask reaches it and a sell limit when the bid
        does, so a trade at ``price`` is shown twice: offered at ``price`` (bid one tick
        below), then bid at ``price`` (ask one tick above).
        """
        tick, symbol, gw = self._instrument.tick_size, self._instrument.symbol, self.gateway.gateway
        self.gateway.do(lambda: gw.set_price(symbol, price, bid=price - tick, ask=price))
        self.gateway.do(lambda: gw.set_price(symbol, price, bid=price, ask=price + tick))
        self.settle()

    def settle(self, quiet: float = 0.1, limit: float = 2 * WAIT_LIMIT) -> None:
        """Turn the loop until everything asked of the gateway so far has been answered and reported.

        Waits, each within ``limit`` s in all, for: a round trip to the gateway (every
        message it sent before the answer has then arrived, as it answers in order); no
        fill still waiting for its commission report; the broker's local outbox empty;
        then ``quiet`` s without any further activity (tasks the reports started).
        """

        async def until_settled() -> None:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + limit
            if self.connection.connected:
                with contextlib.suppress(ConnectionError, TimeoutError):  # a drop while waiting ends the round trip
                    await asyncio.wait_for(self.connection.ib.reqCurrentTimeAsync(), limit)
            while loop.time() < deadline and (self.ib_broker.awaiting_commission or self.ib_broker.outbox_size):
                await asyncio.sleep(0.01)
            seen = (-1, -1)
            while loop.time() < deadline:
                await asyncio.sleep(quiet)
                now = (self._activity, len(self.events))
                if now == seen and not self.ib_broker.awaiting_commission and not self.ib_broker.outbox_size:
                    return
                seen = now

        self.loop.run_until_complete(until_settled())

    def wait_for(self, condition: Callable[[], bool], limit: float = 2 * WAIT_LIMIT) -> bool:
        """Turn the loop until ``condition()`` holds (True) or ``limit`` seconds pass (False)."""

        async def poll() -> bool:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + limit
            while loop.time() < deadline:
                if condition():
                    return True
                await asyncio.sleep(0.02)
            return condition()

        return self.loop.run_until_complete(poll())

    def close(self) -> None:
        """Disconnect, stop the gateway (if the driver started it) and close the loop."""
        with contextlib.suppress(Exception):
            self.connection.close()
        with contextlib.suppress(Exception):
            self.loop.run_until_complete(asyncio.sleep(0.01))
        if self._own_gateway:
            self.gateway.stop()
        with contextlib.suppress(Exception):
            self.loop.close()
