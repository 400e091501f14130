"""DTC market data messages to domain events: trades, quotes, depth (every variant Sierra Chart sends)."""

from __future__ import annotations

from typing import Any

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.times import epoch_ns
from mia_core.errors import DomainValueError
from mia_core.instruments import Instrument
from mia_core.market import Aggressor, BookSide, DepthAction, DepthUpdate, Quote, Trade

TRADES = {t.MARKET_DATA_UPDATE_TRADE, t.MARKET_DATA_UPDATE_TRADE_COMPACT,
          t.MARKET_DATA_UPDATE_TRADE_WITH_UNBUNDLED_INDICATOR, t.MARKET_DATA_UPDATE_TRADE_WITH_UNBUNDLED_INDICATOR_2}
QUOTES = {t.MARKET_DATA_UPDATE_BID_ASK, t.MARKET_DATA_UPDATE_BID_ASK_COMPACT,
          t.MARKET_DATA_UPDATE_BID_ASK_FLOAT_WITH_MICROSECONDS}
DEPTH = {t.MARKET_DEPTH_UPDATE_LEVEL, t.MARKET_DEPTH_UPDATE_LEVEL_FLOAT_WITH_MILLISECONDS,
         t.MARKET_DEPTH_SNAPSHOT_LEVEL, t.MARKET_DEPTH_SNAPSHOT_LEVEL_FLOAT}
_AGGRESSOR = {t.AT_ASK: Aggressor.BUYER, t.AT_BID: Aggressor.SELLER}
_SIDE = {t.AT_BID: BookSide.BID, t.AT_ASK: BookSide.ASK}


class MarketMapper:
    """Turns one symbol's DTC market data into domain events; prices are snapped to the tick grid.

    Sierra Chart sends float32 prices in its compact messages (exact for ES/NQ after rounding
    to the tick); quotes carry the last known other side when a message updates only one.
    """

    def __init__(self, instrument: Instrument, now_ns: Any) -> None:
        self.instrument, self._now = instrument, now_ns
        self.bid = self.ask = 0.0
        self.bid_size = self.ask_size = 0.0
        self.last_ts = 0

    def _price(self, value: float) -> float:
        tick = self.instrument.tick_size
        return round(round(value / tick) * tick, 10)

    def _ts(self, value: Any) -> int:
        ts = epoch_ns(value) or self._now()
        self.last_ts = ts = max(ts, self.last_ts)
        return ts

    def event(self, type_id: int, m: dict[str, Any]) -> Trade | Quote | DepthUpdate | None:
        """The domain event for one message, or None (snapshot fields, empty books, unusable values)."""
        try:
            if type_id in TRADES:
                if not m["Price"] or not m["Volume"]:
                    return None
                return Trade(self.instrument, self._ts(m["DateTime"]), self._price(m["Price"]), float(m["Volume"]),
                             _AGGRESSOR.get(m["AtBidOrAsk"], Aggressor.UNKNOWN))
            if type_id in QUOTES:
                if m["BidPrice"]:
                    self.bid, self.bid_size = self._price(m["BidPrice"]), float(m["BidQuantity"] or 0)
                if m["AskPrice"]:
                    self.ask, self.ask_size = self._price(m["AskPrice"]), float(m["AskQuantity"] or 0)
                if not (self.bid and self.ask):
                    return None
                return Quote(self.instrument, self._ts(m["DateTime"]), self.bid, self.ask, self.bid_size, self.ask_size)
            if type_id in DEPTH:
                side = _SIDE.get(m["Side"])
                if side is None or not m["Price"]:
                    return None
                delete = m.get("UpdateType") == t.DEPTH_DELETE
                return DepthUpdate(self.instrument, self._ts(m.get("DateTime")), side, max(int(m["Level"]) - 1, 0),
                                   DepthAction.DELETE if delete else DepthAction.UPDATE, self._price(m["Price"]),
                                   0.0 if delete else float(m["Quantity"] or 0))
        except DomainValueError:
            return None  # a value the domain refuses (e.g. a non-positive price) is not market data
        return None
