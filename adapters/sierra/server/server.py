"""LoopbackDtcServer: the main (trading, market data) and historical listeners on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from typing import Any

from adapters.sierra.dtc import types as t
from adapters.sierra.server.market import Market
from adapters.sierra.server.options import RESTRICTED_TEXT, ServerOptions
from adapters.sierra.server.session import ServerSession
from adapters.sierra.server.venue import Venue, instrument_of
from mia_core.market import Aggressor

_AGGRESSOR = {Aggressor.BUYER: t.AT_ASK, Aggressor.SELLER: t.AT_BID}


class LoopbackDtcServer:
    """A DTC server like Sierra Chart's, over the simulated exchange (see the package docstring)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, historical_port: int = 0,
                 options: ServerOptions | None = None) -> None:
        self.host, self._port, self._historical_port = host, port, historical_port
        self.options = options or ServerOptions()
        self.venue = Venue(self.options)
        self._market = Market(self.options)
        self.sessions: set[ServerSession] = set()
        self.heartbeat_scale = 1.0  # fault: > 1 slows the server's heartbeats
        self.history_requests: list[dict[str, Any]] = []
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def market(self) -> Market:
        """Market data subscriptions and quotes."""
        return self._market

    @property
    def port(self) -> int:
        """The main (Listening) port."""
        return int(self._servers[0].sockets[0].getsockname()[1])

    @property
    def historical_port(self) -> int:
        """The Historical Data Port."""
        return int(self._servers[1].sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Listen on both ports."""
        main = await asyncio.start_server(lambda r, w: self._serve(r, w, False), self.host, self._port)
        history = await asyncio.start_server(lambda r, w: self._serve(r, w, True), self.host, self._historical_port)
        self._servers = [main, history]

    async def stop(self) -> None:
        """Close the listeners and every connection."""
        for server in self._servers:
            server.close()
        self.drop()
        for task in list(self._tasks):
            task.cancel()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2.0)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, historical: bool) -> None:
        session = ServerSession(self, reader, writer, historical)
        self.sessions.add(session)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await session.run()
        except asyncio.CancelledError:
            pass  # stopped: the session already closed its socket
        finally:
            self.sessions.discard(session)
            if task is not None:
                self._tasks.discard(task)

    def forget(self, session: ServerSession) -> None:
        """A session ended."""
        self.sessions.discard(session)
        self.market.forget(session)

    # --- the market and trading -------------------------------------------------------------

    def trade(self, symbol: str, price: float, size: float = 100.0, *, bid: float | None = None,
              ask: float | None = None, aggressor: Aggressor = Aggressor.UNKNOWN) -> None:
        """The market trades ``size`` at ``price``: subscribers get the print and bid/ask; orders fill."""
        instrument = instrument_of(symbol)
        tick = instrument.tick_size if instrument else 0.25
        bid = price - tick if bid is None else bid
        ask = price if ask is None else ask
        self.market.move(symbol, price, size, bid, ask, _AGGRESSOR.get(aggressor, 0))
        self.broadcast(self.venue.trade(symbol, price, size, aggressor))

    def trading(self, type_id: int, m: dict[str, Any]) -> None:
        """An order request from any session: its reports go to every logged-on session (one user)."""
        venue = self.venue
        handler = {t.SUBMIT_NEW_SINGLE_ORDER: venue.submit, t.SUBMIT_NEW_OCO_ORDER: venue.submit_oco,
                   t.CANCEL_ORDER: venue.cancel, t.CANCEL_REPLACE_ORDER: venue.replace}[type_id]
        self.broadcast(handler(m))

    def broadcast(self, messages: list[tuple[int, dict[str, Any]]]) -> None:
        """Send trading reports to every logged-on main-port session."""
        for session in list(self.sessions):
            if session.logged_on and not session.historical:
                session.send_all(messages)

    async def walk(self, symbol: str, price: float, interval: float, seed: int = 1) -> None:
        """Trade ``symbol`` every ``interval`` s on a seeded random walk of whole ticks (demos), until cancelled."""
        instrument = instrument_of(symbol)
        tick = instrument.tick_size if instrument else 0.25
        rng = random.Random(seed)
        while True:
            price = max(tick, price + rng.choice((-1, 0, 1)) * tick)
            side = rng.choice((Aggressor.BUYER, Aggressor.SELLER))
            self.trade(symbol, price, float(rng.randint(1, 20)), aggressor=side)
            await asyncio.sleep(interval)

    # --- faults -----------------------------------------------------------------------------

    def drop(self) -> None:
        """Close every connection at once (the listeners stay open)."""
        for session in list(self.sessions):
            session.close()

    def inject(self, data: bytes) -> None:
        """Send raw bytes to every logged-on main-port session (hostile input)."""
        for session in list(self.sessions):
            if session.logged_on and not session.historical:
                session.send_raw(data)

    # --- history ------------------------------------------------------------------------------

    async def serve_history(self, session: ServerSession, m: dict[str, Any]) -> None:
        """One HISTORICAL_PRICE_DATA_REQUEST: a reject, or header + records (oldest first) + final record."""
        self.history_requests.append(m)
        rid, symbol, interval = m["RequestID"], m["Symbol"], m["RecordInterval"] or 60
        if self.options.is_restricted(symbol) or instrument_of(symbol) is None:
            text = RESTRICTED_TEXT.format(symbol=symbol) if instrument_of(symbol) else f"unknown symbol {symbol!r}"
            session.send(t.HISTORICAL_PRICE_DATA_REJECT, {"RequestID": rid, "RejectText": text[:95],
                                                          "RejectReasonCode": t.HIST_DO_NOT_RETRY})
        else:
            session.send(t.HISTORICAL_PRICE_DATA_RESPONSE_HEADER, {"RequestID": rid, "RecordInterval": interval})
            for record in self.history_bars(symbol, interval, m["StartDateTime"], m["EndDateTime"]):
                session.send(t.HISTORICAL_PRICE_DATA_RECORD_RESPONSE, {"RequestID": rid, **record})
            session.send(t.HISTORICAL_PRICE_DATA_RECORD_RESPONSE, {"RequestID": rid, "IsFinalRecord": 1})
        with contextlib.suppress(Exception):
            await asyncio.wait_for(session.writer.drain(), 10.0)

    def history_bars(self, symbol: str, interval: int, start: int, end: int) -> list[dict[str, Any]]:
        """Synthetic bars starting from ``start`` to ``end`` (UNIX s; 0 = now), µs stamps; each bar depends only on
        its own time, so overlapping requests agree."""
        instrument = instrument_of(symbol)
        assert instrument is not None
        tick = instrument.tick_size
        end = end or int(time.time())
        start = start or end - 100 * interval
        first = math.ceil(start / interval) * interval

        def level(ts: int) -> float:
            return 5000.0 + tick * round(20 * math.sin(ts / 5400) + 6 * math.sin(ts / 777))

        out = []
        for ts in range(first, end + 1, interval)[:20_000]:
            rng = random.Random(f"{symbol}:{ts}")
            open_, close = level(ts), level(ts + interval)
            high, low = max(open_, close) + rng.randint(0, 2) * tick, min(open_, close) - rng.randint(0, 2) * tick
            bid_volume, ask_volume = rng.randint(50, 500), rng.randint(50, 500)
            out.append({"StartDateTime": ts * 1_000_000, "OpenPrice": open_, "HighPrice": high, "LowPrice": low,
                        "LastPrice": close, "Volume": bid_volume + ask_volume, "NumTrades": rng.randint(10, 90),
                        "BidVolume": bid_volume, "AskVolume": ask_volume})
        return out
