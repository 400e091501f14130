"""Every market data variant Sierra Chart sends maps to the domain (float32 prices snapped, units told apart)."""

from __future__ import annotations

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.codec import BinaryCodec
from adapters.sierra.dtc.times import epoch_ns
from adapters.sierra.market import MarketMapper
from mia_core.instruments import ES
from mia_core.market import Aggressor, BookSide, DepthAction, DepthUpdate, Quote, Trade

SECOND = 1_760_000_000


def through_the_wire(type_id: int, values: dict[str, object]) -> dict[str, object]:
    codec = BinaryCodec()
    ((kind, decoded),) = codec.feed(codec.encode(type_id, values))
    assert kind == type_id
    return decoded


def mapper() -> MarketMapper:
    return MarketMapper(ES, lambda: 7)


def test_time_units_are_told_apart_by_magnitude() -> None:
    ns = SECOND * 10**9
    assert epoch_ns(SECOND) == epoch_ns(SECOND * 1000) == epoch_ns(SECOND * 10**6) == epoch_ns(ns) == ns
    assert epoch_ns(SECOND + 0.25) == ns + 250_000_000 and epoch_ns(0) == epoch_ns(None) == 0


def test_trade_variants_give_the_same_trade() -> None:
    variants = [
        (t.MARKET_DATA_UPDATE_TRADE_COMPACT, {"Price": 5000.25, "Volume": 3, "DateTime": SECOND, "SymbolID": 1,
                                              "AtBidOrAsk": t.AT_ASK}),
        (t.MARKET_DATA_UPDATE_TRADE, {"SymbolID": 1, "AtBidOrAsk": t.AT_ASK, "Price": 5000.25, "Volume": 3,
                                      "DateTime": float(SECOND)}),
        (t.MARKET_DATA_UPDATE_TRADE_WITH_UNBUNDLED_INDICATOR, {"SymbolID": 1, "AtBidOrAsk": t.AT_ASK,
                                                               "Price": 5000.25, "Volume": 3,
                                                               "DateTime": float(SECOND)}),
        (t.MARKET_DATA_UPDATE_TRADE_WITH_UNBUNDLED_INDICATOR_2, {"SymbolID": 1, "Price": 5000.25, "Volume": 3,
                                                                 "DateTime": SECOND * 10**6, "AtBidOrAsk": t.AT_ASK}),
    ]
    for type_id, values in variants:
        event = mapper().event(type_id, through_the_wire(type_id, values))
        assert event == Trade(ES, SECOND * 10**9, 5000.25, 3.0, Aggressor.BUYER), type_id


def test_float32_prices_are_snapped_to_the_grid() -> None:
    m = through_the_wire(t.MARKET_DATA_UPDATE_BID_ASK_COMPACT, {"BidPrice": 6123.75, "BidQuantity": 4,
                                                                "AskPrice": 6124.0, "AskQuantity": 5,
                                                                "DateTime": SECOND, "SymbolID": 1})
    quote = mapper().event(t.MARKET_DATA_UPDATE_BID_ASK_COMPACT, m)
    assert quote == Quote(ES, SECOND * 10**9, 6123.75, 6124.0, 4.0, 5.0)


def test_one_sided_bid_ask_keeps_the_other_side() -> None:
    mm = mapper()
    mm.event(t.MARKET_DATA_UPDATE_BID_ASK_FLOAT_WITH_MICROSECONDS,
             through_the_wire(t.MARKET_DATA_UPDATE_BID_ASK_FLOAT_WITH_MICROSECONDS,
                              {"SymbolID": 1, "BidPrice": 5000.0, "BidQuantity": 2, "AskPrice": 5000.25,
                               "AskQuantity": 3, "DateTime": SECOND * 10**6}))
    unset_ask = through_the_wire(t.MARKET_DATA_UPDATE_BID_ASK_COMPACT, {"BidPrice": 4999.75, "BidQuantity": 6,
                                                                         "AskPrice": None, "AskQuantity": None,
                                                                         "DateTime": SECOND, "SymbolID": 1})
    assert unset_ask["AskPrice"] is None  # FLT_MAX on the wire
    quote = mm.event(t.MARKET_DATA_UPDATE_BID_ASK_COMPACT, unset_ask)
    assert isinstance(quote, Quote) and (quote.bid, quote.ask, quote.ask_size) == (4999.75, 5000.25, 3.0)


def test_depth_variants_map_levels_sides_and_deletes() -> None:
    update = mapper().event(t.MARKET_DEPTH_UPDATE_LEVEL_FLOAT_WITH_MILLISECONDS, through_the_wire(
        t.MARKET_DEPTH_UPDATE_LEVEL_FLOAT_WITH_MILLISECONDS,
        {"SymbolID": 1, "DateTime": SECOND * 1000, "Price": 5000.5, "Quantity": 9, "Side": t.AT_ASK,
         "UpdateType": t.DEPTH_INSERT_UPDATE, "NumOrders": 2, "FinalUpdateInBatch": 1, "Level": 3}))
    assert update == DepthUpdate(ES, SECOND * 10**9, BookSide.ASK, 2, DepthAction.UPDATE, 5000.5, 9.0)
    delete = mapper().event(t.MARKET_DEPTH_UPDATE_LEVEL, through_the_wire(
        t.MARKET_DEPTH_UPDATE_LEVEL, {"SymbolID": 1, "Side": t.AT_BID, "Price": 4999.0, "Quantity": 0,
                                      "UpdateType": t.DEPTH_DELETE, "DateTime": float(SECOND), "Level": 1}))
    assert isinstance(delete, DepthUpdate) and delete.action is DepthAction.DELETE and delete.side is BookSide.BID
    snapshot = mapper().event(t.MARKET_DEPTH_SNAPSHOT_LEVEL_FLOAT, through_the_wire(
        t.MARKET_DEPTH_SNAPSHOT_LEVEL_FLOAT, {"SymbolID": 1, "Price": 5000.0, "Quantity": 4, "Level": 1,
                                              "Side": t.AT_BID}))
    assert isinstance(snapshot, DepthUpdate) and snapshot.level == 0 and snapshot.ts == 7


def test_unusable_values_are_not_market_data() -> None:
    assert mapper().event(t.MARKET_DATA_UPDATE_TRADE_COMPACT, {"Price": -1.0, "Volume": 1.0, "DateTime": SECOND,
                                                               "SymbolID": 1, "AtBidOrAsk": 0}) is None
    assert mapper().event(t.MARKET_DEPTH_SNAPSHOT_LEVEL, {"Side": 0, "Price": 0.0, "Level": 0}) is None
