"""Historical price data messages, served on Sierra Chart's separate historical port (DTCProtocol.h, 2025)."""

from __future__ import annotations

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.layout import Layout

LAYOUTS = [
    Layout(
        t.HISTORICAL_PRICE_DATA_REQUEST, "HISTORICAL_PRICE_DATA_REQUEST", "<HHi64s16si4xqqIBBHB7x",
        "RequestID Symbol Exchange RecordInterval StartDateTime EndDateTime MaxDaysToReturn UseZLibCompression "
        "RequestDividendAdjustedStockData Integer_1 UseZLibNGCompression",
    ),
    Layout(t.HISTORICAL_PRICE_DATA_RESPONSE_HEADER, "HISTORICAL_PRICE_DATA_RESPONSE_HEADER", "<HHiiBB2xfB3x",
           "RequestID RecordInterval UseZLibCompression NoRecordsToReturn IntToFloatPriceDivisor "
           "UseZLibNGCompression"),
    Layout(t.HISTORICAL_PRICE_DATA_REJECT, "HISTORICAL_PRICE_DATA_REJECT", "<HHi96shH",
           "RequestID RejectText RejectReasonCode RetryTimeInSeconds"),
    Layout(
        t.HISTORICAL_PRICE_DATA_RECORD_RESPONSE, "HISTORICAL_PRICE_DATA_RECORD_RESPONSE", "<HHiqdddddI4xddB7x",
        "RequestID StartDateTime OpenPrice HighPrice LowPrice LastPrice Volume NumTrades BidVolume AskVolume "
        "IsFinalRecord",
        compact=True,
    ),
    Layout(t.HISTORICAL_PRICE_DATA_RESPONSE_TRAILER, "HISTORICAL_PRICE_DATA_RESPONSE_TRAILER", "<HHiq",
           "RequestID FinalRecordLastDateTime"),
]
