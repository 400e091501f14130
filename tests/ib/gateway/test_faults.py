"""Scripted faults as the unmodified ib_async client reports them, and malformed input on a raw socket."""

from __future__ import annotations

import asyncio
import contextlib
import struct

from ib_async import IB, Future, MarketOrder

from adapters.ib.gateway import SimulatedGateway
from adapters.ib.gateway.codec import decode_payload, encode

from .helpers import connected, run_with_gateway, until


def _errors(ib: IB) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    ib.errorEvent += lambda req_id, code, text, contract: seen.append((req_id, code))
    return seen


def test_drop_is_a_disconnect_and_a_reconnect_finds_the_working_order() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        order_id = ib.placeOrder(es, MarketOrder("BUY", 1)).order.orderId
        gw.faults.trading_allowed = False  # keep it working (as during an outage)
        await until(lambda: len(gw.orders) == 1)
        dropped: list[bool] = []
        ib.disconnectedEvent += lambda: dropped.append(True)
        await gw.drop_connections()
        await until(lambda: dropped == [True] and not ib.isConnected())
        again = await connected(gw, client_id=7)
        try:
            trades = await again.reqOpenOrdersAsync()
            assert [t.order.orderId for t in trades] == [order_id]
            assert again.client.getReqId() > order_id  # next ids never reuse the old one
        finally:
            again.disconnect()

    run_with_gateway(scenario)


def test_connectivity_lost_pauses_fills_until_restored() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        errors = _errors(ib)
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        ticker = ib.reqMktData(es)
        await until(lambda: ticker.last == 6000.0)
        await gw.connectivity_lost()
        trade = ib.placeOrder(es, MarketOrder("BUY", 1))
        gw.set_price("ES", 6001.0)
        await asyncio.sleep(0.05)
        assert trade.orderStatus.status == "Submitted" and ticker.last == 6000.0
        await gw.connectivity_restored()
        await until(trade.isDone)
        assert trade.orderStatus.avgFillPrice == 6001.25
        await gw.connectivity_restored(data_lost=True)
        await until(lambda: [c for _, c in errors] == [1100, 1102, 1101])
        assert not any(s.subscriptions for s in gw.sessions)  # 1101: subscriptions must be made again

    run_with_gateway(scenario)


def test_competing_session_not_subscribed_and_farm_messages() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        errors = _errors(ib)
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        ticker = ib.reqMktData(es)
        await until(lambda: ticker.last == 6000.0)
        req_id = next(iter(gw.sessions[0].subscriptions))
        await gw.competing_session()
        await until(lambda: (req_id, 10197) in errors)
        await gw.competing_session(active=False)
        gw.not_subscribed("NQ")
        (nq,) = await ib.qualifyContractsAsync(Future("NQ", "202512", "CME"))
        ib.reqMktData(nq)
        await until(lambda: any(code == 354 for _, code in errors))
        await gw.send_error(2103)
        await gw.send_error(2104)
        await until(lambda: [c for _, c in errors][-2:] == [2103, 2104])

    run_with_gateway(scenario)


def test_historical_pacing_violations_scripted_and_by_ib_rules() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        errors = _errors(ib)
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))

        async def ask() -> list:
            return await ib.reqHistoricalDataAsync(es, "20251124 15:00:00 UTC", "1800 S", "1 min", "TRADES", False,
                                                   1, timeout=5)

        gw.fail_next_historical()
        assert len(await ask()) == 0  # BarDataList compares by identity, so compare lengths
        assert errors[-1][1] == 162
        assert len(await ask()) == 30
        assert len(await ask()) == 0  # identical request within 15 s
        assert [c for _, c in errors] == [162, 162]

    run_with_gateway(scenario)


def test_client_id_in_use_is_refused_with_326() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        second = IB()
        errors = _errors(second)
        with contextlib.suppress(TimeoutError, ConnectionError):
            await second.connectAsync("127.0.0.1", gw.port, clientId=7, timeout=2)
        assert (-1, 326) in errors and not second.isConnected()
        assert ib.isConnected() and [s.client_id for s in gw.sessions] == [7]
        gw.refuse_client_id(8)
        third = IB()
        third_errors = _errors(third)
        with contextlib.suppress(TimeoutError, ConnectionError):
            await third.connectAsync("127.0.0.1", gw.port, clientId=8, timeout=2)
        assert (-1, 326) in third_errors

    run_with_gateway(scenario)


def test_restart_drops_clients_and_listens_again_on_the_same_port() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        port = gw.port
        await gw.restart(downtime=0.2)
        await until(lambda: not ib.isConnected())
        assert gw.port == port
        again = await connected(gw, client_id=7)
        assert again.isConnected()
        again.disconnect()

    run_with_gateway(scenario)


async def _raw_client(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"API\0" + struct.pack(">I", 9) + b"v157..178")
    writer.write(encode([71, 2, 55, ""]))
    await writer.drain()
    return reader, writer


async def _read(reader: asyncio.StreamReader) -> list[str]:
    (length,) = struct.unpack(">I", await asyncio.wait_for(reader.readexactly(4), 5))
    return decode_payload(await asyncio.wait_for(reader.readexactly(length), 5))


def test_malformed_messages_get_errors_and_the_gateway_carries_on() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        reader, writer = await _raw_client(gw.port)
        assert (await _read(reader))[0] == "178"
        while (message := await _read(reader))[0] != "4" or message[3] != "2158":
            pass  # managedAccounts, nextValidId, farm messages
        writer.write(encode([9, 8, "x"]))  # reqContractDetails with a non-numeric reqId
        writer.write(encode([1, 11, 5, 0, "ES"]))  # reqMktData cut short
        writer.write(encode(["abc"]))  # not a message id
        writer.write(encode([4242, 1]))  # unknown message
        writer.write(encode([49, 1]))  # then a good request
        replies = [await _read(reader) for _ in range(5)]
        assert [(r[0], r[3]) for r in replies[:4]] == [("4", "321"), ("4", "321"), ("4", "320"), ("4", "321")]
        assert replies[1][2] == "5"  # the error names the request id it could read
        assert "reqContractDetails" in replies[0][4] and "reqId" in replies[0][4]
        assert replies[4][0] == "49"
        writer.write(b"\xff\xff\xff\xff")  # an absurd frame length: the gateway closes this socket only
        await writer.drain()
        rest = await asyncio.wait_for(reader.read(), 5)
        assert b"320" in rest
        writer.close()
        # a client that is not a TWS API client at all
        r2, w2 = await asyncio.open_connection("127.0.0.1", gw.port)
        w2.write(b"GET / HTTP/1.1\r\n\r\n")
        assert await asyncio.wait_for(r2.read(), 5) == b""
        w2.close()
        assert ib.isConnected() and (await ib.reqCurrentTimeAsync()).year == 2025

    run_with_gateway(scenario)
