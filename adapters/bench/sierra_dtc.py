"""``mia bench sierra`` (DTC half): market data decoded and delivered to the engine, over loopback.

The loopback DTC server, in its own process (as Sierra Chart is another program), sends
``messages`` trades, each with its bid/ask update, paced ``interval`` s apart, to a
:class:`~adapters.sierra.feed.SierraDataFeed` stream in this process. Latency is from just
before the server encodes a trade to the moment the feed yields it as a domain ``Trade``
(read from the socket, cut from the stream, decoded, mapped, queued, yielded); both stamps
come from ``perf_counter_ns`` (CLOCK_MONOTONIC, one clock for both processes). The budget
is p99 under 1 ms; on a loaded machine the tail is the scheduler's. Separately: how many
MARKET_DATA_UPDATE_TRADE_COMPACT messages per second the codec decodes from one buffer.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import AsyncGenerator
from multiprocessing.connection import Connection
from typing import cast

import attrs
import numpy as np
from rich.table import Table

from adapters.clocks import WallClock
from adapters.sierra.config import SierraFeedConfig
from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.client import DtcClient
from adapters.sierra.dtc.codec import BinaryCodec, codec_for
from adapters.sierra.feed import SierraDataFeed
from adapters.sierra.server import LoopbackDtcServer, ServerOptions
from mia_core.events import MarketEvent
from mia_core.instruments import ES
from mia_core.market import Trade

BUDGET_MS = 1.0
SYMBOL = "ESZ26"


@attrs.frozen
class DtcFigures:
    """Delivery latency percentiles (ms) of one encoding, and the codec's decode rate (messages/s)."""

    encoding: str
    messages: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    decode_per_second: float


def _decode_rate(encoding: str, count: int = 200_000) -> float:
    from adapters.sierra.dtc.codec import ENCODINGS

    writer = codec_for(ENCODINGS[encoding])
    one = writer.encode(t.MARKET_DATA_UPDATE_TRADE_COMPACT, {"Price": 5000.25, "Volume": 3, "DateTime": 1_760_000_000,
                                                             "SymbolID": 1, "AtBidOrAsk": 2})
    data = one * count
    reader = codec_for(ENCODINGS[encoding]) if encoding != "binary" else BinaryCodec()
    start = time.perf_counter()
    decoded = reader.feed(data)
    elapsed = time.perf_counter() - start
    assert len(decoded) == count
    return count / elapsed


def _serve(conn: Connection, messages: int, interval: float) -> None:
    """The server process: listen, wait for the subscription, send the trades, report when each was sent."""

    async def run() -> list[int]:
        server = LoopbackDtcServer(options=ServerOptions())
        await server.start()
        conn.send((server.port, server.historical_port))
        while not server.market.subscribers.get(SYMBOL):
            await asyncio.sleep(0.005)
        sent: list[int] = []
        for i in range(messages):
            sent.append(time.perf_counter_ns())  # CLOCK_MONOTONIC: one clock for both processes
            server.trade(SYMBOL, 5000.0 + (i % 8) * 0.25, 1.0)
            await asyncio.sleep(interval)
        await asyncio.sleep(0.5)
        await server.stop()
        return sent

    conn.send(asyncio.run(run()))


def dtc_bench(messages: int = 5_000, encoding: str = "binary", interval: float = 0.0005,
              decode_messages: int = 200_000) -> DtcFigures:
    """Run the loopback measurement (see the module docstring)."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs, messages, interval), name="dtc-bench-server")
    process.start()
    try:
        if not ours.poll(120):
            raise RuntimeError("the benchmark's DTC server process did not start within 120 s")
        port, historical_port = ours.recv()
        config = SierraFeedConfig(port=port, historical_port=historical_port, symbol=SYMBOL,
                                  encoding=encoding)  # type: ignore[arg-type]
        feed = SierraDataFeed(DtcClient(config), config, WallClock())

        async def receive() -> list[int]:
            arrived: list[int] = []
            stream = cast(AsyncGenerator[MarketEvent, None], feed.stream(ES))
            await asyncio.wait_for(_pull(stream, arrived, messages), 60 + messages * interval * 4)
            await stream.aclose()
            await feed.client.aclose()
            return arrived

        arrived = asyncio.run(receive())
        if not ours.poll(60):
            raise RuntimeError("the benchmark's DTC server process did not report its send times")
        sent: list[int] = ours.recv()
    finally:
        process.join(10)
        if process.is_alive():
            process.terminate()
            process.join(5)
    latency = (np.array(arrived[: len(sent)]) - np.array(sent[: len(arrived)])) / 1e6
    return DtcFigures(encoding, len(latency), float(np.percentile(latency, 50)), float(np.percentile(latency, 99)),
                      float(latency.max()), _decode_rate(encoding, decode_messages))


async def _pull(stream: object, arrived: list[int], count: int) -> None:
    async for event in stream:  # type: ignore[attr-defined]
        if isinstance(event, Trade):
            arrived.append(time.perf_counter_ns())
            if len(arrived) >= count:
                return


def dtc_table(figures: list[DtcFigures]) -> Table:
    """The figures as a rich table, against the 1 ms p99 budget."""
    table = Table(title="Sierra Chart DTC market data over loopback: server encode -> feed yields a Trade",
                  caption="latency includes the server's encoding, TCP loopback, framing, decoding and mapping")
    for column in ("encoding", "trades", "p50 ms", "p99 ms", "max ms", "budget", "decode msg/s"):
        table.add_column(column, justify="left" if column == "encoding" else "right", no_wrap=True)
    for f in figures:
        budget = ("ok" if f.p99_ms < BUDGET_MS else "OVER") + f" p99<{BUDGET_MS:g}"
        table.add_row(f.encoding, f"{f.messages:,}", f"{f.p50_ms:.3f}", f"{f.p99_ms:.3f}", f"{f.max_ms:.3f}", budget,
                      f"{f.decode_per_second:,.0f}")
    return table
