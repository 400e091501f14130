"""Session messages: encoding negotiation, logon, heartbeat, logoff (layouts from DTCProtocol.h, 2025)."""

from __future__ import annotations

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.layout import Layout

LAYOUTS = [
    Layout(t.ENCODING_REQUEST, "ENCODING_REQUEST", "<HHii4s", "ProtocolVersion Encoding ProtocolType",
           defaults={"ProtocolVersion": t.PROTOCOL_VERSION, "ProtocolType": "DTC"}),
    Layout(t.ENCODING_RESPONSE, "ENCODING_RESPONSE", "<HHii4s", "ProtocolVersion Encoding ProtocolType",
           defaults={"ProtocolVersion": t.PROTOCOL_VERSION, "ProtocolType": "DTC"}),
    Layout(
        t.LOGON_REQUEST, "LOGON_REQUEST", "<HHi32s32s64siiii32s64s32si",
        "ProtocolVersion Username Password GeneralTextData Integer_1 Integer_2 HeartbeatIntervalInSeconds Unused1 "
        "TradeAccount HardwareIdentifier ClientName MarketDataTransmissionInterval",
        defaults={"ProtocolVersion": t.PROTOCOL_VERSION},
    ),
    Layout(
        t.LOGON_RESPONSE, "LOGON_RESPONSE", "<HHii96s64si60sBBBB4sBBBBBBBBB3x",
        "ProtocolVersion Result ResultText ReconnectAddress Integer_1 ServerName MarketDepthUpdatesBestBidAndAsk "
        "TradingIsSupported OCOOrdersSupported OrderCancelReplaceSupported SymbolExchangeDelimiter "
        "SecurityDefinitionsSupported HistoricalPriceDataSupported ResubscribeWhenMarketDataFeedAvailable "
        "MarketDepthIsSupported OneHistoricalPriceDataRequestPerConnection BracketOrdersSupported Unused_1 "
        "UsesMultiplePositionsPerSymbolAndTradeAccount MarketDataSupported",
        defaults={"ProtocolVersion": t.PROTOCOL_VERSION, "OrderCancelReplaceSupported": 1,
                  "MarketDepthIsSupported": 1, "MarketDataSupported": 1},
    ),
    Layout(t.HEARTBEAT, "HEARTBEAT", "<HHIq", "NumDroppedMessages CurrentDateTime", compact=True),
    Layout(t.LOGOFF, "LOGOFF", "<HH96sB1x", "Reason DoNotReconnect"),
]
