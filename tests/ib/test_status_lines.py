"""IB's status and error messages appear once in the log, not once from ib_async and again from MIA."""

from __future__ import annotations

import asyncio
import logging

import pytest
from ib_async import Future

from adapters.clocks import WallClock
from adapters.ib.check import run_check
from adapters.ib.config import IbConnectionConfig
from adapters.ib.connection import IbConnection
from adapters.ib.gateway import SimulatedGateway


def _lines(caplog: pytest.LogCaptureFixture, needle: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if needle in r.getMessage()]


def test_mia_ib_check_prints_each_farm_status_line_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)

    async def scenario() -> bool:
        async with SimulatedGateway(port=0) as gw:
            config = IbConnectionConfig(port=gw.port, client_id=57, connect_timeout=3, request_timeout=5)
            return (await run_check(config, "ES", 3.0)).ok

    assert asyncio.run(scenario())
    for code in ("2104", "2106", "2158"):
        lines = _lines(caplog, code)
        assert len(lines) == 1, lines  # was 2: ib_async's "Warning 2104, reqId -1: ..." and MIA's explanation
        assert "What to do" in lines[0]


def test_a_request_error_is_logged_once_naming_the_contract(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)

    async def scenario() -> None:
        async with SimulatedGateway(port=0) as gw:
            config = IbConnectionConfig(port=gw.port, client_id=58, connect_timeout=3, request_timeout=5)
            connection = IbConnection(config, WallClock())
            await connection.ensure_connected()
            try:
                await connection.ib.reqContractDetailsAsync(Future("ZZ", "202612", exchange="CME"))
            finally:
                connection.close()

    asyncio.run(scenario())
    lines = _lines(caplog, "200")
    lines = [line for line in lines if "security definition" in line.lower()]
    assert len(lines) == 1, lines
    assert "ZZ" in lines[0]
