"""Hostile and failing DTC servers: clear errors and reconnects, never a crash, a hang or unbounded memory."""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import Awaitable, Callable

import pytest

from adapters.sierra.config import SierraBrokerConfig
from adapters.sierra.driver import ServerThread, SierraDtcDriver
from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.client import DtcClient
from adapters.sierra.errors import DtcConnectionError
from adapters.sierra.server import ServerOptions
from mia_core.events import ConnectionChanged, ConnectionState
from mia_core.orders import OrderIntent, OrderSide

from .helpers import feed_config


def states(driver: SierraDtcDriver) -> list[ConnectionState]:
    return [e.state for e in driver.events if isinstance(e, ConnectionChanged)]


def lost_then_restored(driver: SierraDtcDriver, fault: Callable[[], None]) -> str:
    """Apply ``fault`` on the server; wait for LOST then RESTORED; return the LOST detail."""
    driver.server.do(fault)
    assert driver.wait_for(lambda: ConnectionState.RESTORED in states(driver), 30)
    (lost,) = [e for e in driver.events if isinstance(e, ConnectionChanged) and e.state is ConnectionState.LOST]
    return lost.detail


@pytest.fixture
def driver() -> SierraDtcDriver:
    d = SierraDtcDriver(heartbeat=1, heartbeat_timeout=1.5, request_timeout=5.0)
    yield d  # type: ignore[misc]
    d.close()


def test_a_dropped_connection_is_reported_and_reconnected_and_trading_goes_on(driver: SierraDtcDriver) -> None:
    detail = lost_then_restored(driver, driver.server.server.drop)
    assert "closed the connection" in detail
    order = driver.broker.submit(OrderIntent(driver.instrument, OrderSide.BUY, 1))
    driver.trade_at(5000.0)
    assert driver.broker.positions()[0].quantity == 1 and order.order_id


def test_a_server_that_stops_answering_heartbeats_is_dropped_and_reconnected(driver: SierraDtcDriver) -> None:
    options = driver.server.server.options

    def silence() -> None:
        options.silent = True
        asyncio.get_running_loop().call_later(2.5, lambda: setattr(options, "silent", False))

    detail = lost_then_restored(driver, silence)
    assert "no heartbeat or message from the DTC server" in detail


@pytest.mark.parametrize("garbage, expected", [
    (struct.pack("<HH", 2, 3), "declares Size 2"),  # a size field below the header
    (struct.pack("<HH", 1, 301), "declares Size 1"),
])
def test_lying_sizes_drop_the_connection_with_the_offset(driver: SierraDtcDriver, garbage: bytes,
                                                         expected: str) -> None:
    detail = lost_then_restored(driver, lambda: driver.server.server.inject(garbage))
    assert expected in detail and "at byte" in detail


def test_unknown_types_and_oversized_tails_are_skipped_without_a_reconnect(driver: SierraDtcDriver) -> None:
    unknown = struct.pack("<HH", 20, 9999) + b"\x07" * 16
    huge = struct.pack("<HH", 65535, 9998) + b"\x00" * 65531  # the largest a 16-bit Size allows
    driver.server.do(lambda: driver.server.server.inject(unknown + huge))
    driver.settle()
    assert states(driver) == [] and driver.client.session is not None
    assert driver.client.session.codec.skipped == 2


def test_invalid_json_drops_and_reconnects() -> None:
    driver = SierraDtcDriver(heartbeat=1, heartbeat_timeout=1.5, encoding="json")
    try:
        detail = lost_then_restored(driver, lambda: driver.server.server.inject(b'{"Type":301,"Price1":\0'))
        assert "invalid JSON at byte" in detail
    finally:
        driver.close()


def test_refused_logon_explains_authentication(server: ServerThread) -> None:
    server.server.options.refuse_logon = "Sierra Chart account not authorised"
    client = DtcClient(feed_config(server))
    with pytest.raises(DtcConnectionError, match=r"refused the logon: Sierra Chart account not authorised.*password"):
        asyncio.run(client.connect())


def test_password_comes_from_the_environment_and_never_reaches_a_log(
    server: ServerThread, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "s3cret-DTC-pw"
    server.server.options.password = secret
    monkeypatch.setenv("MIA_SIERRA_PASSWORD", secret)
    caplog.set_level(logging.DEBUG)
    client = DtcClient(feed_config(server, username="trader"))

    async def cycle() -> None:
        await client.connect()
        await client.round_trip()
        server.do(server.server.drop)
        for _ in range(500):
            if client.reconnects:
                break
            await asyncio.sleep(0.02)
        await client.aclose()

    asyncio.run(cycle())
    assert client.reconnects == 1
    monkeypatch.setenv("MIA_SIERRA_PASSWORD", "wrong")
    with pytest.raises(DtcConnectionError) as refused:
        asyncio.run(DtcClient(feed_config(server, username="trader")).connect())
    assert secret not in caplog.text and secret not in str(refused.value)
    assert secret not in repr(SierraBrokerConfig(password_env="MIA_SIERRA_PASSWORD"))


async def _fake_server(answer: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]) -> int:
    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    return int(server.sockets[0].getsockname()[1])


@pytest.mark.parametrize("reply, expected", [
    (b'{"Type":7,"Encoding":2}\0' + b" " * 16, "answered in JSON"),
    (struct.pack("<HHi", 16, 2, 8) + b"\0" * 8, "not ENCODING_RESPONSE"),
    (b"", "closed the connection during the encoding request"),
])
def test_servers_that_are_not_dtc_or_use_another_encoding_are_named(reply: bytes, expected: str) -> None:
    async def run() -> None:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(16)
            writer.write(reply)
            await writer.drain()
            writer.close()

        port = await _fake_server(answer)
        config = SierraBrokerConfig(port=port, connect_timeout=5.0, request_timeout=5.0)
        await DtcClient(config).connect()

    with pytest.raises(DtcConnectionError, match=expected):
        asyncio.run(run())


def test_nothing_listening_says_how_to_enable_the_dtc_server() -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DtcConnectionError, match="Enable DTC Protocol Server"):
        asyncio.run(DtcClient(SierraBrokerConfig(port=port, connect_timeout=5.0)).connect())


def test_logon_answer_that_never_comes_is_bounded() -> None:
    async def run() -> None:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(16)
            writer.write(bytes.fromhex("10000700080000000000000044544300"))
            await asyncio.sleep(10)

        port = await _fake_server(answer)
        await DtcClient(SierraBrokerConfig(port=port, connect_timeout=5.0, request_timeout=0.5)).connect()

    with pytest.raises(DtcConnectionError, match="no logon answer"):
        asyncio.run(run())


def test_trading_not_allowed_is_a_reason_on_the_order() -> None:
    driver = SierraDtcDriver(server=ServerThread(ServerOptions(trading=False)))
    try:
        order = driver.broker.submit(OrderIntent(driver.instrument, OrderSide.BUY, 1))
        driver.settle()
        assert "Allow Trading" in [e for e in driver.events if getattr(e, "order", None)][-1].order.reject_reason
        assert order.order_id
    finally:
        driver.close()
        driver.server.stop()


def test_message_types_are_constants_of_the_header() -> None:
    assert (t.LOGOFF, t.ENCODING_REQUEST, t.ORDER_UPDATE, t.POSITION_UPDATE) == (5, 6, 301, 306)


def test_slow_server_heartbeats_count_as_silence(driver: SierraDtcDriver) -> None:
    server = driver.server.server

    def slow() -> None:
        server.heartbeat_scale = 4.0  # the next heartbeat comes after 4 s; the client gives up after 1.5 s

    assert driver.server.do(lambda: all(s.heartbeats is not None for s in server.sessions if s.logged_on))
    detail = lost_then_restored(driver, slow)
    assert "no heartbeat" in detail


def test_logoff_with_do_not_reconnect_is_obeyed(driver: SierraDtcDriver) -> None:
    from adapters.sierra.dtc.codec import BinaryCodec

    logoff = BinaryCodec().encode(t.LOGOFF, {"Reason": "server shutting down", "DoNotReconnect": 1})
    driver.server.do(lambda: driver.server.server.inject(logoff))
    assert driver.wait_for(lambda: ConnectionState.LOST in states(driver), 30)
    driver.wait_for(lambda: False, 0.5)
    assert ConnectionState.RESTORED not in states(driver) and not driver.client.connected
    (lost,) = [e for e in driver.events if isinstance(e, ConnectionChanged)]
    assert "logged MIA off: server shutting down" in lost.detail


def test_server_accepts_a_json_client_that_skips_the_encoding_request(server: ServerThread) -> None:
    async def run() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.server.port)
        writer.write(b'{"Type":1,"ProtocolVersion":8,"HeartbeatIntervalInSeconds":10,"ClientName":"x"}\0')
        data = await asyncio.wait_for(reader.readuntil(b"\0"), 10)
        writer.close()
        return data

    answer = asyncio.run(run())
    assert answer.startswith(b'{"Type":2,') and b'"Result":1' in answer


def test_the_demo_walk_trades_on_the_grid(server: ServerThread) -> None:
    async def walk_a_little() -> None:
        task = asyncio.ensure_future(server.server.walk("ESZ26", 5000.0, 0.001))
        await asyncio.sleep(0.05)
        task.cancel()

    server.call(walk_a_little())
    quote = server.do(lambda: server.server.market.quotes["ESZ26"])
    assert quote.volume > 0 and (quote.price / 0.25).is_integer()


def test_the_client_sends_heartbeats_at_its_interval(driver: SierraDtcDriver) -> None:
    server = driver.server.server

    def beats() -> int:
        return sum(k == t.HEARTBEAT for s in list(server.sessions) for k, _ in s.received)

    assert driver.wait_for(lambda: driver.server.do(beats) >= 1, 10)
    (logon,) = [m for s in server.sessions for k, m in s.received if k == t.LOGON_REQUEST]
    assert logon["HeartbeatIntervalInSeconds"] == 1 and logon["ClientName"] == "MIA"


def test_an_order_filled_while_disconnected_is_caught_up_after_the_reconnect(driver: SierraDtcDriver) -> None:
    from mia_core.events import FillReceived, OrderUpdated
    from mia_core.orders import OrderStatus, OrderType

    server = driver.server.server
    order = driver.broker.submit(OrderIntent(driver.instrument, OrderSide.BUY, 1, OrderType.LIMIT, limit_price=4999.0))
    driver.settle()

    def outage() -> None:
        server.options.refuse_logon = "maintenance"
        server.drop()

    driver.server.do(outage)
    assert driver.wait_for(lambda: ConnectionState.LOST in states(driver), 30)
    driver.server.do(lambda: server.trade("ESZ26", 4999.0))  # fills at the server; MIA hears nothing
    driver.server.do(lambda: setattr(server.options, "refuse_logon", ""))
    assert driver.wait_for(lambda: ConnectionState.RESTORED in states(driver), 30)
    driver.settle()
    (fill,) = [e.fill for e in driver.events if isinstance(e, FillReceived)]
    assert (fill.order_id, fill.quantity, fill.price) == (order.order_id, 1, 4999.0)
    last = [e.order for e in driver.events if isinstance(e, OrderUpdated) and e.order.order_id == order.order_id][-1]
    assert last.status is OrderStatus.FILLED and driver.broker.positions()[0].quantity == 1
