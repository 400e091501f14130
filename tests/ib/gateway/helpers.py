"""Helpers: run a coroutine against a started gateway and a connected, unmodified ib_async client."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from ib_async import IB

from adapters.ib.gateway import SimulatedGateway

FIXED_NOW = dt.datetime(2025, 11, 24, 15, 0, tzinfo=dt.UTC)  # a Monday
TEST_TIMEOUT = 30.0

Scenario = Callable[[SimulatedGateway, IB], Awaitable[Any]]


async def connected(gw: SimulatedGateway, client_id: int = 7) -> IB:
    """A fresh ib_async IB connected to ``gw`` with bounded timeouts."""
    ib = IB()
    ib.RequestTimeout = 10
    await ib.connectAsync("127.0.0.1", gw.port, clientId=client_id, timeout=5)
    return ib


def run_with_gateway(scenario: Scenario, **gateway_kwargs: Any) -> Any:
    """Start a gateway on a free loopback port, connect a client, run ``scenario``, clean up (bounded)."""

    async def main() -> Any:
        gateway_kwargs.setdefault("clock", lambda: FIXED_NOW)
        gw = SimulatedGateway(host="127.0.0.1", port=0, **gateway_kwargs)
        await gw.start()
        ib: IB | None = None
        try:
            ib = await connected(gw)
            return await asyncio.wait_for(scenario(gw, ib), TEST_TIMEOUT)
        finally:
            if ib is not None:
                ib.disconnect()
            await gw.stop()

    return asyncio.run(main())


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll (bounded) until ``predicate()``; fail the test with the timeout otherwise."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        await asyncio.sleep(0.01)
