"""One client connection to the loopback DTC server: negotiation, logon, heartbeats, request dispatch."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from typing import Any

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.codec import BinaryCodec, Codec, codec_for
from adapters.sierra.errors import DtcProtocolError
from adapters.sierra.server.peers import Host

_TRADING = (t.SUBMIT_NEW_SINGLE_ORDER, t.SUBMIT_NEW_OCO_ORDER, t.CANCEL_ORDER, t.CANCEL_REPLACE_ORDER)


class ServerSession:
    """Serves one connection until the client leaves, a fault drops it, or (historical) one request is served."""

    def __init__(self, server: Host, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 historical: bool) -> None:
        self.server, self.reader, self.writer, self.historical = server, reader, writer, historical
        self.codec: Codec = BinaryCodec()
        self.logged_on = False
        self.flags = 0
        self.heartbeats: asyncio.Task[None] | None = None
        self.received: deque[tuple[int, dict[str, Any]]] = deque(maxlen=10_000)  # the latest, for tests

    def send(self, type_id: int, values: dict[str, Any]) -> None:
        """Write one message in the session's encoding (nothing while the server is silent)."""
        if self.server.options.silent or self.writer.is_closing():
            return
        self.writer.write(self.codec.encode(type_id, values))

    def send_raw(self, data: bytes) -> None:
        """Write bytes as they are (fault injection)."""
        self.writer.write(data)

    async def run(self) -> None:
        """Read and answer until the connection ends."""
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    return
                if not self.logged_on and not self.received and data[:1] == b"{":
                    self.codec = codec_for(t.JSON)  # a JSON client that skipped the encoding request
                for type_id, values in self.codec.feed(data):
                    self.received.append((type_id, values))
                    if not await self.handle(type_id, values):
                        return
        except (DtcProtocolError, ConnectionError, OSError):
            return
        finally:
            self.close()

    def close(self) -> None:
        """Close the socket and forget the session's subscriptions."""
        if self.heartbeats is not None:
            self.heartbeats.cancel()
        self.server.forget(self)
        with contextlib.suppress(Exception):
            self.writer.close()

    async def handle(self, type_id: int, m: dict[str, Any]) -> bool:
        """Answer one message; False ends the session."""
        if type_id == t.ENCODING_REQUEST:
            wanted = m["Encoding"]
            use = wanted if wanted in self.server.options.encodings else t.BINARY
            self.send(t.ENCODING_RESPONSE, {"Encoding": use})
            self.codec = codec_for(use)
            return True
        if type_id == t.LOGON_REQUEST:
            return self.logon(m)
        if not self.logged_on or type_id == t.HEARTBEAT:
            return True
        if type_id == t.LOGOFF:
            return False
        server = self.server
        if type_id == t.HISTORICAL_PRICE_DATA_REQUEST and self.historical:
            await server.serve_history(self, m)
            return False
        if type_id == t.MARKET_DATA_REQUEST:
            server.market.subscribe(self, m)
        elif type_id == t.MARKET_DEPTH_REQUEST:
            server.market.subscribe_depth(self, m)
        elif type_id in _TRADING:
            server.trading(type_id, m)
        elif type_id == t.OPEN_ORDERS_REQUEST:
            one = "" if m["RequestAllOrders"] else m["ServerOrderID"]
            self.send_all(server.venue.open_orders(m["RequestID"], one))
        elif type_id == t.CURRENT_POSITIONS_REQUEST:
            self.send_all(server.venue.positions(m["RequestID"]))
        elif type_id == t.ACCOUNT_BALANCE_REQUEST:
            self.send(t.ACCOUNT_BALANCE_UPDATE, server.venue.balance(m["RequestID"]))
        elif type_id == t.TRADE_ACCOUNTS_REQUEST:
            accounts = server.options.accounts
            for i, account in enumerate(accounts):
                self.send(t.TRADE_ACCOUNT_RESPONSE, {"TotalNumberMessages": len(accounts), "MessageNumber": i + 1,
                                                     "TradeAccount": account, "RequestID": m["RequestID"],
                                                     "TradingIsDisabled": int(not server.options.trading)})
        return True

    def send_all(self, messages: list[tuple[int, dict[str, Any]]]) -> None:
        """Send several messages in order."""
        for type_id, values in messages:
            self.send(type_id, values)

    def logon(self, m: dict[str, Any]) -> bool:
        """LOGON_REQUEST: refuse (fault or wrong password) or answer with the capability bytes."""
        options = self.server.options
        problem = options.refuse_logon or (
            "wrong username or password" if options.password and m["Password"] != options.password else "")
        if problem:
            self.send(t.LOGON_RESPONSE, {"Result": t.LOGON_ERROR, "ResultText": problem[:95]})
            return False
        self.logged_on, self.flags = True, m["Integer_1"]
        self.send(t.LOGON_RESPONSE, {
            "Result": t.LOGON_SUCCESS, "ResultText": "Logon successful (MIA loopback DTC server)",
            "ServerName": "MIA loopback DTC server", "TradingIsSupported": int(options.trading),
            "OCOOrdersSupported": 1, "OrderCancelReplaceSupported": 1, "SecurityDefinitionsSupported": 0,
            "HistoricalPriceDataSupported": int(self.historical), "MarketDepthIsSupported": 1,
            "OneHistoricalPriceDataRequestPerConnection": int(self.historical), "BracketOrdersSupported": 1,
            "MarketDataSupported": 1, "SymbolExchangeDelimiter": "-",
        })
        interval = m["HeartbeatIntervalInSeconds"]
        if interval > 0 and not self.historical:
            self.heartbeats = asyncio.get_running_loop().create_task(self._beat(interval))
        return True

    async def _beat(self, interval: int) -> None:
        while True:
            await asyncio.sleep(interval * self.server.heartbeat_scale)
            self.send(t.HEARTBEAT, {"NumDroppedMessages": 0, "CurrentDateTime": int(time.time())})

    # --- market data in the encoding and message variant the client's logon flags ask for ---

    def send_trade(self, sid: int, price: float, size: float, aggressor: int, now: float) -> None:
        """A trade in the variant the logon flags chose (146 with microseconds, else 112)."""
        if self.flags & t.FLAG_TRADE_UNBUNDLED_2:
            self.send(t.MARKET_DATA_UPDATE_TRADE_WITH_UNBUNDLED_INDICATOR_2, {
                "SymbolID": sid, "Price": price, "Volume": int(size), "DateTime": int(now * 1e6),
                "AtBidOrAsk": aggressor})
        else:
            self.send(t.MARKET_DATA_UPDATE_TRADE_COMPACT, {"Price": price, "Volume": size, "DateTime": int(now),
                                                           "SymbolID": sid, "AtBidOrAsk": aggressor})

    def send_bid_ask(self, sid: int, bid: float, bid_size: float, ask: float, ask_size: float, now: float) -> None:
        """Best bid/ask (144 with microseconds, else 117)."""
        values = {"SymbolID": sid, "BidPrice": bid, "BidQuantity": bid_size, "AskPrice": ask, "AskQuantity": ask_size}
        if self.flags & t.FLAG_BID_ASK_MICROSECONDS:
            self.send(t.MARKET_DATA_UPDATE_BID_ASK_FLOAT_WITH_MICROSECONDS, {**values, "DateTime": int(now * 1e6)})
        else:
            self.send(t.MARKET_DATA_UPDATE_BID_ASK_COMPACT, {**values, "DateTime": int(now)})

    def send_depth(self, sid: int, side: int, level: int, price: float, size: float, now: float) -> None:
        """One depth level insert/update (140 with milliseconds, else 106)."""
        values = {"SymbolID": sid, "Side": side, "Price": price, "Quantity": size, "Level": level,
                  "UpdateType": t.DEPTH_INSERT_UPDATE, "NumOrders": 1, "FinalUpdateInBatch": 1}
        if self.flags & t.FLAG_DEPTH_FLOAT_MS:
            self.send(t.MARKET_DEPTH_UPDATE_LEVEL_FLOAT_WITH_MILLISECONDS, {**values, "DateTime": int(now * 1000)})
        else:
            self.send(t.MARKET_DEPTH_UPDATE_LEVEL, {**values, "DateTime": now})
