"""The loopback server's market data: snapshot-then-updates, depth, refusals for restricted symbols."""

from __future__ import annotations

import time
from typing import Any

import attrs

from adapters.sierra.dtc import types as t
from adapters.sierra.server.options import RESTRICTED_TEXT, ServerOptions
from adapters.sierra.server.peers import Subscriber
from adapters.sierra.server.venue import instrument_of


@attrs.define
class Quote:
    """The last trade and best bid/ask of one symbol, and its session figures."""

    price: float = 0.0
    bid: float = 0.0
    ask: float = 0.0
    bid_size: float = 10.0
    ask_size: float = 10.0
    volume: float = 0.0
    high: float = 0.0
    low: float = 0.0
    open: float = 0.0
    last_size: float = 0.0
    ts: float = 0.0


class Market:
    """Who is subscribed to what, per session and SymbolID, and the messages each market move sends."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.quotes: dict[str, Quote] = {}
        self.subscribers: dict[str, dict[Subscriber, int]] = {}
        self.depth: dict[str, dict[Subscriber, int]] = {}

    def subscribe(self, session: Subscriber, m: dict[str, Any]) -> None:
        """MARKET_DATA_REQUEST: refuse, unsubscribe, or send the snapshot and keep sending updates."""
        sid, symbol = m["SymbolID"], m["Symbol"]
        if m["RequestAction"] == t.UNSUBSCRIBE:
            for subs in self.subscribers.values():
                if subs.get(session) == sid:
                    del subs[session]
            return
        if self.options.is_restricted(symbol) or instrument_of(symbol) is None:
            text = RESTRICTED_TEXT.format(symbol=symbol) if instrument_of(symbol) else f"unknown symbol {symbol!r}"
            session.send(t.MARKET_DATA_REJECT, {"SymbolID": sid, "RejectText": text[:95]})
            return
        self.subscribers.setdefault(symbol, {})[session] = sid
        q = self.quotes.get(symbol)
        snapshot: dict[str, Any] = {"SymbolID": sid}
        if q is not None:
            snapshot.update(BidPrice=q.bid, AskPrice=q.ask, BidQuantity=q.bid_size, AskQuantity=q.ask_size,
                            LastTradePrice=q.price, LastTradeVolume=q.last_size, LastTradeDateTime=q.ts,
                            SessionOpenPrice=q.open, SessionHighPrice=q.high, SessionLowPrice=q.low,
                            SessionVolume=q.volume, BidAskDateTime=q.ts)
        session.send(t.MARKET_DATA_SNAPSHOT, snapshot)

    def subscribe_depth(self, session: Subscriber, m: dict[str, Any]) -> None:
        """MARKET_DEPTH_REQUEST: refuse, or send the book as a batch of snapshot levels, then updates."""
        sid, symbol = m["SymbolID"], m["Symbol"]
        if m["RequestAction"] == t.UNSUBSCRIBE:
            for subs in self.depth.values():
                subs.pop(session, None)
            return
        if self.options.is_restricted(symbol) or instrument_of(symbol) is None:
            session.send(t.MARKET_DEPTH_REJECT, {"SymbolID": sid,
                                                 "RejectText": RESTRICTED_TEXT.format(symbol=symbol)[:95]})
            return
        self.depth.setdefault(symbol, {})[session] = sid
        levels = self._levels(symbol)
        if not levels:
            session.send(t.MARKET_DEPTH_SNAPSHOT_LEVEL, {"SymbolID": sid, "IsFirstMessageInBatch": 1,
                                                         "IsLastMessageInBatch": 1})
        for i, (side, level, price, size) in enumerate(levels):
            session.send(t.MARKET_DEPTH_SNAPSHOT_LEVEL, {
                "SymbolID": sid, "Side": side, "Price": price, "Quantity": size, "Level": level,
                "IsFirstMessageInBatch": int(i == 0), "IsLastMessageInBatch": int(i == len(levels) - 1),
                "DateTime": time.time(), "NumOrders": 1})

    def _levels(self, symbol: str) -> list[tuple[int, int, float, float]]:
        q = self.quotes.get(symbol)
        instrument = instrument_of(symbol)
        if q is None or instrument is None:
            return []
        tick, n = instrument.tick_size, self.options.depth_levels
        bids = [(t.AT_BID, i + 1, q.bid - i * tick, q.bid_size + i) for i in range(n)]
        asks = [(t.AT_ASK, i + 1, q.ask + i * tick, q.ask_size + i) for i in range(n)]
        return bids + asks

    def move(self, symbol: str, price: float, size: float, bid: float, ask: float, aggressor: int) -> None:
        """A trade and a new best bid/ask: update the quote and send every subscriber its messages."""
        now = time.time()
        q = self.quotes.setdefault(symbol, Quote(open=price, high=price, low=price))
        q.price, q.bid, q.ask, q.last_size, q.ts = price, bid, ask, size, now
        q.volume += size
        q.high, q.low = max(q.high, price), min(q.low, price)
        for session, sid in list(self.subscribers.get(symbol, {}).items()):
            session.send_trade(sid, price, size, aggressor, now)
            session.send_bid_ask(sid, q.bid, q.bid_size, q.ask, q.ask_size, now)
        for session, sid in list(self.depth.get(symbol, {}).items()):
            for side, level, p, s in self._levels(symbol)[:: max(1, self.options.depth_levels)]:
                session.send_depth(sid, side, level, p, s, now)

    def forget(self, session: Subscriber) -> None:
        """Drop every subscription of a closed session."""
        for table in (self.subscribers, self.depth):
            for subs in table.values():
                subs.pop(session, None)
