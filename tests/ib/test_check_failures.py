"""`mia ib check` explains what is wrong when TWS/IB Gateway cannot be reached (real loopback sockets)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.ib.check import mask, run_check
from adapters.ib.config import IbConnectionConfig


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_nothing_listening_is_explained_as_gateway_not_running() -> None:
    port = _closed_port()
    report = asyncio.run(run_check(IbConnectionConfig(port=port, connect_timeout=2), "ES", 1))
    assert not report.ok and report.steps == []
    assert "connection refused" in report.problem and "not running" in report.problem
    assert "4002" in report.problem and "7497" in report.problem


def test_a_port_that_accepts_but_never_answers_is_explained_as_api_not_enabled() -> None:
    async def scenario() -> str:
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(100)  # swallow the API handshake, answer nothing (API disabled, prompt pending)
            await asyncio.sleep(5)
            writer.close()

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            report = await run_check(IbConnectionConfig(port=port, connect_timeout=0.5), "ES", 1)
        return report.problem

    problem = asyncio.run(scenario())
    assert "handshake timed out" in problem and "ActiveX and Socket Clients" in problem and "client id" in problem


def test_the_command_exits_non_zero_with_the_explanation() -> None:
    result = CliRunner().invoke(app, ["ib", "check", "--port", str(_closed_port()), "--timeout", "2"])
    assert result.exit_code == 1
    assert "connection refused" in result.output or "connection refused" in (result.stderr or "")
    assert "IB check" not in result.output  # no empty table when not one step passed


def test_account_ids_are_masked() -> None:
    assert mask("DU1234567") == "DU*****67"
    assert mask("abc") == "***"


def test_mia_ib_gateway_serves_until_stopped() -> None:
    port = _closed_port()
    command = [sys.executable, "-m", "adapters.bootstrap.cli", "ib", "gateway", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        report = None
        while time.monotonic() < deadline:
            report = asyncio.run(run_check(IbConnectionConfig(port=port, client_id=5, connect_timeout=2), "ES", 3))
            if report.ok or "connection refused" not in report.problem:
                break
            time.sleep(0.2)
        assert report is not None and report.ok, report and report.problem
    finally:
        os.kill(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=10)
    assert f"listening on 127.0.0.1:{port}" in output


def test_a_client_id_refused_once_does_not_explain_a_later_refused_connection() -> None:
    from adapters.clocks import WallClock
    from adapters.ib.connection import IbConnection
    from adapters.ib.driver import GatewayThread
    from adapters.ib.errors import IbConnectionError

    gateway = GatewayThread()
    gateway.do(lambda: gateway.gateway.refuse_client_id(77))
    config = IbConnectionConfig(port=gateway.port, client_id=77, account_env="", connect_timeout=3)
    connection = IbConnection(config, WallClock())

    async def two_attempts() -> list[str]:
        problems = []
        for attempt in range(2):
            try:
                await connection.ensure_connected()
            except IbConnectionError as exc:
                problems.append(str(exc))
            if attempt == 0:
                gateway.stop()  # nothing listens any more: the next attempt is refused
        return problems

    try:
        in_use, refused = asyncio.run(two_attempts())
    finally:
        gateway.stop()
    assert "326" in in_use and "client id already in use" in in_use
    assert "connection refused" in refused and "326" not in refused
