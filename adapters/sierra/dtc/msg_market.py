"""Market data and depth messages (layouts from DTCProtocol.h, 2025; pack(1) ones have no padding)."""

from __future__ import annotations

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.layout import Layout

_SNAPSHOT_UNSET = (
    "SessionSettlementPrice SessionOpenPrice SessionHighPrice SessionLowPrice SessionVolume SessionNumTrades "
    "OpenInterest BidPrice AskPrice AskQuantity BidQuantity LastTradePrice LastTradeVolume LastTradeDateTime "
    "BidAskDateTime SessionSettlementDateTime TradingSessionDate MarketDepthUpdateDateTime"
)
_SESSION_PRICE = "SymbolID Price TradingSessionDate"

LAYOUTS = [
    Layout(t.MARKET_DATA_FEED_STATUS, "MARKET_DATA_FEED_STATUS", "<HHi", "Status"),
    Layout(t.MARKET_DATA_FEED_SYMBOL_STATUS, "MARKET_DATA_FEED_SYMBOL_STATUS", "<HHIi", "SymbolID Status"),
    Layout(t.MARKET_DATA_REQUEST, "MARKET_DATA_REQUEST", "<HHiI64s16sI",
           "RequestAction SymbolID Symbol Exchange IntervalForSnapshotUpdatesInMilliseconds"),
    Layout(t.MARKET_DATA_REJECT, "MARKET_DATA_REJECT", "<HHI96s", "SymbolID RejectText"),
    Layout(
        t.MARKET_DATA_SNAPSHOT, "MARKET_DATA_SNAPSHOT", "<HHIdddddIIddddddddIIb7xd",
        "SymbolID SessionSettlementPrice SessionOpenPrice SessionHighPrice SessionLowPrice SessionVolume "
        "SessionNumTrades OpenInterest BidPrice AskPrice AskQuantity BidQuantity LastTradePrice LastTradeVolume "
        "LastTradeDateTime BidAskDateTime SessionSettlementDateTime TradingSessionDate TradingStatus "
        "MarketDepthUpdateDateTime",
        compact=True, unset=_SNAPSHOT_UNSET,
    ),
    Layout(t.MARKET_DATA_UPDATE_TRADE, "MARKET_DATA_UPDATE_TRADE", "<HHIH6xddd",
           "SymbolID AtBidOrAsk Price Volume DateTime", compact=True),
    Layout(t.MARKET_DATA_UPDATE_TRADE_COMPACT, "MARKET_DATA_UPDATE_TRADE_COMPACT", "<HHffIIH2x",
           "Price Volume DateTime SymbolID AtBidOrAsk", compact=True),
    Layout(t.MARKET_DATA_UPDATE_TRADE_WITH_UNBUNDLED_INDICATOR, "MARKET_DATA_UPDATE_TRADE_WITH_UNBUNDLED_INDICATOR",
           "<HHIBbBBIdIId",
           "SymbolID AtBidOrAsk UnbundledTradeIndicator TradeCondition Reserve_1 Reserve_2 Price Volume Reserve_3 "
           "DateTime", compact=True),
    Layout(t.MARKET_DATA_UPDATE_TRADE_WITH_UNBUNDLED_INDICATOR_2,
           "MARKET_DATA_UPDATE_TRADE_WITH_UNBUNDLED_INDICATOR_2", "<HHIfIqBbb",
           "SymbolID Price Volume DateTime AtBidOrAsk UnbundledTradeIndicator TradeCondition", compact=True),
    Layout(t.MARKET_DATA_UPDATE_LAST_TRADE_SNAPSHOT, "MARKET_DATA_UPDATE_LAST_TRADE_SNAPSHOT", "<HHIddd",
           "SymbolID LastTradePrice LastTradeVolume LastTradeDateTime", compact=True),
    Layout(t.MARKET_DATA_UPDATE_BID_ASK, "MARKET_DATA_UPDATE_BID_ASK", "<HHIdf4xdfI",
           "SymbolID BidPrice BidQuantity AskPrice AskQuantity DateTime", compact=True,
           unset="BidPrice BidQuantity AskPrice AskQuantity"),
    Layout(t.MARKET_DATA_UPDATE_BID_ASK_COMPACT, "MARKET_DATA_UPDATE_BID_ASK_COMPACT", "<HHffffII",
           "BidPrice BidQuantity AskPrice AskQuantity DateTime SymbolID", compact=True,
           unset="BidPrice BidQuantity AskPrice AskQuantity"),
    Layout(t.MARKET_DATA_UPDATE_BID_ASK_FLOAT_WITH_MICROSECONDS, "MARKET_DATA_UPDATE_BID_ASK_FLOAT_WITH_MICROSECONDS",
           "<HHIffffq", "SymbolID BidPrice BidQuantity AskPrice AskQuantity DateTime", compact=True,
           unset="BidPrice BidQuantity AskPrice AskQuantity"),
    Layout(t.MARKET_DATA_UPDATE_SESSION_VOLUME, "MARKET_DATA_UPDATE_SESSION_VOLUME", "<HHIdIB3x",
           "SymbolID Volume TradingSessionDate IsFinalSessionVolume", compact=True),
    Layout(t.MARKET_DATA_UPDATE_SESSION_HIGH, "MARKET_DATA_UPDATE_SESSION_HIGH", "<HHIdI4x", _SESSION_PRICE,
           compact=True),
    Layout(t.MARKET_DATA_UPDATE_SESSION_LOW, "MARKET_DATA_UPDATE_SESSION_LOW", "<HHIdI4x", _SESSION_PRICE,
           compact=True),
    Layout(t.MARKET_DATA_UPDATE_SESSION_OPEN, "MARKET_DATA_UPDATE_SESSION_OPEN", "<HHIdI4x", _SESSION_PRICE,
           compact=True),
    Layout(t.MARKET_DATA_UPDATE_SESSION_SETTLEMENT, "MARKET_DATA_UPDATE_SESSION_SETTLEMENT", "<HHIdI4x",
           "SymbolID Price DateTime", compact=True),
    Layout(t.MARKET_DATA_UPDATE_OPEN_INTEREST, "MARKET_DATA_UPDATE_OPEN_INTEREST", "<HHIII",
           "SymbolID OpenInterest TradingSessionDate", compact=True),
    Layout(t.MARKET_DEPTH_REQUEST, "MARKET_DEPTH_REQUEST", "<HHiI64s16si",
           "RequestAction SymbolID Symbol Exchange NumLevels"),
    Layout(t.MARKET_DEPTH_REJECT, "MARKET_DEPTH_REJECT", "<HHI96s", "SymbolID RejectText"),
    Layout(t.MARKET_DEPTH_SNAPSHOT_LEVEL, "MARKET_DEPTH_SNAPSHOT_LEVEL", "<HHIH6xddHBB4xdI4x",
           "SymbolID Side Price Quantity Level IsFirstMessageInBatch IsLastMessageInBatch DateTime NumOrders",
           compact=True),
    Layout(t.MARKET_DEPTH_SNAPSHOT_LEVEL_FLOAT, "MARKET_DEPTH_SNAPSHOT_LEVEL_FLOAT", "<HHIffIHBB",
           "SymbolID Price Quantity NumOrders Level Side FinalUpdateInBatch", compact=True),
    Layout(t.MARKET_DEPTH_UPDATE_LEVEL, "MARKET_DEPTH_UPDATE_LEVEL", "<HHIH6xddB7xdIB1xH",
           "SymbolID Side Price Quantity UpdateType DateTime NumOrders FinalUpdateInBatch Level", compact=True),
    Layout(t.MARKET_DEPTH_UPDATE_LEVEL_FLOAT_WITH_MILLISECONDS, "MARKET_DEPTH_UPDATE_LEVEL_FLOAT_WITH_MILLISECONDS",
           "<HHIqffBBHBH", "SymbolID DateTime Price Quantity Side UpdateType NumOrders FinalUpdateInBatch Level",
           compact=True),
]
