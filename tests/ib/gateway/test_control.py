"""The gateway's control port (faults at run time from another process) and the `mia ib gateway` fault flags."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from adapters.ib.driver import GatewayThread
from adapters.ib.gateway.control import ControlServer, control
from adapters.ib.gateway.serve import GatewayOptions


def test_the_control_port_sets_faults_restarts_and_reports_the_ledger() -> None:
    thread = GatewayThread()
    server = ControlServer(thread.gateway)
    try:
        thread.call(server.start())
        gw = thread.gateway
        control(server.port, "delay_fills", ms=250)
        control(server.port, "drop_next_order", moment="after_ack")
        assert (gw.faults.fill_delay, gw.faults.drop_next_order) == (0.25, "after_ack")
        assert control(server.port, "set_price", root="ES", price=5000.0)["last"] == 5000.0
        assert control(server.port, "restart", downtime=0.05, rollback=True)["restarts"] == 1
        control(server.port, "walk", interval=0.01, seed=3)
        deadline = time.monotonic() + 30
        while control(server.port, "ledger")["prices"]["ES"] == 5000.0 and time.monotonic() < deadline:
            time.sleep(0.02)
        book = control(server.port, "ledger")
        assert book["prices"]["ES"] != 5000.0 and book["port"] == thread.port and book["restarts"] == 1
        assert (book["orders"], book["executions"], book["cash"]) == ([], [], 1_000_000.0)
        assert (book["clients"], book["subscribed"]) == ([], [])
        with pytest.raises(RuntimeError, match="unknown op 'explode'; known: cancel_orders, delay_fills, drop"):
            control(server.port, "explode")
        with pytest.raises(RuntimeError, match="before_ack, after_ack"):
            control(server.port, "drop_next_order", moment="never")
    finally:
        thread.call(server.stop())
        thread.stop()


def test_control_listens_on_loopback_only() -> None:
    thread = GatewayThread()
    try:
        with pytest.raises(ValueError, match="loopback"):
            ControlServer(thread.gateway, host="0.0.0.0")
        with pytest.raises(ValueError, match="before_ack, after_ack"):
            GatewayOptions(drop_next_order="soon")
    finally:
        thread.stop()


def test_mia_ib_gateway_walks_prices_from_a_seed_and_takes_faults_from_flags() -> None:
    command = [sys.executable, "-c", "from adapters.bootstrap.cli import main; main()", "ib", "gateway",
               "--port", "0", "--control-port", "0", "--seed", "11", "--walk", "0.02", "--fill-delay-ms", "40",
               "--drop-next-order", "before_ack", "--lifetime", "60"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.search(r"127\.0\.0\.1:(\d+) .*control on 127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        port, control_port = int(match.group(1)), int(match.group(2))
        first = control(control_port, "ledger")
        assert first["port"] == port
        assert first["faults"] == {"fill_delay_ms": 40.0, "drop_next_order": "before_ack"}
        deadline = time.monotonic() + 30
        while control(control_port, "ledger")["prices"] == first["prices"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert control(control_port, "ledger")["prices"]["ES"] != first["prices"]["ES"] or \
            control(control_port, "ledger")["prices"]["NQ"] != first["prices"]["NQ"]
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_ledger_names_connected_clients_and_those_taking_market_data() -> None:
    from ib_async import IB, Future

    from adapters.ib.gateway import SimulatedGateway
    from adapters.ib.gateway.control import ledger

    from .helpers import run_with_gateway, until

    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        assert (ledger(gw)["clients"], ledger(gw)["subscribed"]) == ([7], [])
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        ib.reqMktData(es)
        await until(lambda: ledger(gw)["subscribed"] == [7])

    run_with_gateway(scenario)
