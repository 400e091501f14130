"""One client connection: handshake, then a read loop dispatching each request to its handler.

A malformed or unknown request is answered with an error message (code 320 "error reading
request" / 321 "error validating request") naming the request and field; the session and
the gateway carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Protocol

from adapters.ib.gateway import handshake
from adapters.ib.gateway.account import Ledger
from adapters.ib.gateway.catalog import Catalog
from adapters.ib.gateway.codec import Field, Fields, ProtocolError, decode_payload, encode, read_frame
from adapters.ib.gateway.faults import FaultState
from adapters.ib.gateway.pacing import PacingMonitor
from adapters.ib.gateway.quotes import Book, Quotes

log = logging.getLogger(__name__)
Handler = Callable[["ClientSession", Fields], Any]
HANDSHAKE_TIMEOUT = 10.0
MAX_BUFFERED = 8 * 1024 * 1024

REQUEST_NAMES = {
    1: "reqMktData", 2: "cancelMktData", 3: "placeOrder", 4: "cancelOrder", 5: "reqOpenOrders",
    6: "reqAccountUpdates", 7: "reqExecutions", 8: "reqIds", 9: "reqContractDetails", 10: "reqMktDepth",
    11: "cancelMktDepth", 15: "reqAutoOpenOrders", 16: "reqAllOpenOrders", 17: "reqManagedAccts",
    20: "reqHistoricalData", 25: "cancelHistoricalData", 49: "reqCurrentTime", 50: "reqRealTimeBars",
    51: "cancelRealTimeBars", 58: "reqGlobalCancel", 59: "reqMarketDataType", 61: "reqPositions",
    62: "reqAccountSummary", 63: "cancelAccountSummary", 64: "cancelPositions", 71: "startApi",
    76: "reqAccountUpdatesMulti", 77: "cancelAccountUpdatesMulti", 78: "reqSecDefOptParams", 92: "reqPnL",
    93: "cancelPnL", 94: "reqPnLSingle", 95: "cancelPnLSingle", 97: "reqTickByTickData",
    98: "cancelTickByTickData", 99: "reqCompletedOrders",
}


class Gateway(Protocol):
    """The gateway as its sessions and request handlers see it (``SimulatedGateway`` is the one).

    Handlers read and change this shared state (quotes, ledger, faults, pacing) from the
    event loop's one thread; a session adds itself to ``sessions`` and is forgotten when it ends.
    """

    account: str
    server_version: int
    catalog: Catalog
    quotes: Quotes
    ledger: Ledger
    faults: FaultState
    pacing: PacingMonitor
    enforce_pacing: bool
    minute_bars: dict[str, str]
    bar_interval: float
    farms_ok: bool
    refused_client_ids: set[int]
    sessions: list[ClientSession]
    handlers: dict[int, Handler]

    @property
    def now(self) -> Callable[[], dt.datetime]:
        """The gateway's clock: aware UTC "now" (dates fills, bars and listings)."""
        ...

    def monotonic(self) -> float:
        """The event loop's clock (pacing windows)."""
        ...

    def next_order_id(self, client_id: int) -> int:
        """The next valid order id for a client: above every order id it used."""
        ...

    def set_price(self, root: str, price: float, size: int = 1, bid: float | None = None,
                  ask: float | None = None) -> Book:
        """A trade of ``size`` at ``price`` on ``root``: ticks out, orders worked."""
        ...

    def _forget(self, session: ClientSession) -> None:
        """Drop a session that ended."""
        ...


class ClientSession:
    """The server side of one API client: its id, version, subscriptions and outgoing messages."""

    def __init__(self, gateway: Gateway, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.gateway, self.reader, self.writer = gateway, reader, writer
        self.client_id: int | None = None
        self.server_version = 0
        self.ready = False
        self.closed = False
        self.market_data_type = 1
        self.subscriptions: dict[int, Any] = {}  # reqId -> stream object (market data, bars, depth, pnl ...)
        self.positions_subscribed = False
        self.account_updates_subscribed = False
        self.pnl_subscriptions: dict[int, int | None] = {}  # reqId -> conId (None: account P&L)
        self.messages_in = 0
        self.messages_out = 0
        self.errors_sent: list[tuple[int, int, str]] = []

    # ---- output -------------------------------------------------------------------------------------------
    def send(self, fields: list[Field]) -> None:
        """Queue one message to the client (dropped silently once the connection is closed)."""
        if self.closed or self.writer.is_closing():
            return
        if fields[0] == 4 and len(fields) == 6 and self.gateway.faults.legacy_error_layout:
            fields = fields[:-1]  # errMsg without advancedOrderRejectJson, as servers before version 166 send it
        self.writer.write(encode(fields))
        self.messages_out += 1
        if self.writer.transport.get_write_buffer_size() > MAX_BUFFERED:
            log.warning("client %s reads too slowly (over %d bytes buffered): closing", self.client_id, MAX_BUFFERED)
            self.close()

    def send_error(self, req_id: int, code: int, text: str, advanced: str = "") -> None:
        """An errMsg (4) to this client (the text scripted for ``code`` in ``faults.texts`` if any)."""
        faults = self.gateway.faults
        text = faults.texts.get(code, text)
        self.errors_sent.append((req_id, code, text))
        self.send(handshake.error_fields(req_id, code, text, advanced))

    def close(self) -> None:
        """Close the socket at once (the client sees the peer close)."""
        if self.closed:
            return
        self.closed = True
        for stream in self.subscriptions.values():
            cancel = getattr(stream, "cancel", None)
            if cancel:
                cancel()
        self.subscriptions.clear()
        with contextlib.suppress(Exception):
            self.writer.close()

    # ---- input --------------------------------------------------------------------------------------------
    async def run(self) -> None:
        """Handshake, then serve requests until EOF, an unrecoverable framing error or close()."""
        try:
            if not await self._handshake():
                return
            while not self.closed:
                payload = await read_frame(self.reader)
                self.messages_in += 1
                self.dispatch(decode_payload(payload))
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            pass
        except ProtocolError as exc:
            log.warning("client %s: %s; closing", self.client_id, exc)
            self.send_error(-1, 320, f"Error reading request: {exc}")
        except Exception:  # a gateway bug ends this session only
            log.exception("client %s: session failed", self.client_id)
        finally:
            self.close()
            self.gateway._forget(self)

    async def _handshake(self) -> bool:
        gw = self.gateway
        try:
            low, high, _options = await handshake.read_greeting(self.reader, HANDSHAKE_TIMEOUT)
            self.server_version = handshake.negotiate(low, high, gw.server_version)
            if gw.faults.handshake_version is not None:
                self.server_version = gw.faults.handshake_version
        except ProtocolError as exc:
            log.warning("refusing a client: %s", exc)
            return False
        self.send(handshake.handshake_reply(self.server_version, gw.now()))
        fields = decode_payload(await asyncio.wait_for(read_frame(self.reader), HANDSHAKE_TIMEOUT))
        try:
            client_id = handshake.start_api_client_id(fields)
        except ProtocolError as exc:
            self.send_error(-1, 320, f"Error reading request: {exc}")
            return False
        if any(s.client_id == client_id and s.ready and not s.closed for s in gw.sessions if s is not self):
            self.send_error(-1, 326, "Unable to connect as the client id is already in use. "
                                     "Retry with a unique client id.")
            await self._flush()
            return False
        if client_id in gw.refused_client_ids:
            self.send_error(-1, 326, "Unable to connect as the client id is already in use. "
                                     "Retry with a unique client id.")
            await self._flush()
            return False
        self.client_id = client_id
        self.ready = True
        accounts = [gw.account] if gw.faults.managed_accounts is None else gw.faults.managed_accounts
        for message in handshake.startup_messages(accounts, gw.next_order_id(client_id)):
            if message[0] == 4 and not gw.farms_ok:
                continue
            self.send(message)
        return True

    async def _flush(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.drain(), 2.0)

    def dispatch(self, fields: list[str]) -> None:
        """Run the handler of one request; answer any error in it with an error message."""
        if not fields:
            self.send_error(-1, 320, "Error reading request: empty message")
            return
        try:
            msg_id = int(fields[0])
        except ValueError:
            self.send_error(-1, 320, f"Error reading request: message id {fields[0]!r} is not a number")
            return
        name = REQUEST_NAMES.get(msg_id, f"message {msg_id}")
        if msg_id in self.gateway.faults.silent:
            log.info("client %s: %s left unanswered (scripted fault)", self.client_id, name)
            return
        handler = self.gateway.handlers.get(msg_id)
        if handler is None:
            log.info("client %s: %s not supported by the simulated gateway", self.client_id, name)
            self.send_error(-1, 321, f"Error validating request: {name} is not supported by the simulated gateway")
            return
        try:
            handler(self, Fields(name, fields))
        except ProtocolError as exc:
            req_id = _req_id_guess(fields)
            self.send_error(req_id, 321, f"Error validating request: {exc}")
        except Exception as exc:  # a bug in a handler must not take the session down
            log.exception("client %s: %s failed", self.client_id, name)
            self.send_error(_req_id_guess(fields), 321, f"Error validating request: {name}: {exc!r}")


# where each request carries its request (or order) id
REQ_ID_INDEX = {1: 2, 2: 2, 3: 1, 4: 2, 7: 2, 9: 2, 10: 2, 11: 2, 20: 1, 25: 2, 50: 2, 51: 2, 62: 2, 63: 2, 76: 2,
                77: 2, 78: 1, 92: 1, 93: 1, 94: 1, 95: 1, 97: 1, 98: 1}


def _req_id_guess(fields: list[str]) -> int:
    """The request id of a malformed request where it can be read, else -1."""
    with contextlib.suppress(ValueError, IndexError):
        return int(fields[REQ_ID_INDEX[int(fields[0])]])
    return -1
