"""Order entry, order updates, positions, trade accounts and balances (layouts from DTCProtocol.h, 2025)."""

from __future__ import annotations

from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.layout import Layout

_ORDER_UPDATE_UNSET = (
    "Price1 Price2 OrderQuantity FilledQuantity RemainingQuantity AverageFillPrice LastFillPrice LastFillQuantity"
)
_REJECT = "RequestID RejectText"

LAYOUTS = [
    Layout(
        t.SUBMIT_NEW_SINGLE_ORDER, "SUBMIT_NEW_SINGLE_ORDER", "<HH64s16s32s32sii4xdddi4xqBB48s2xid16s16sd",
        "Symbol Exchange TradeAccount ClientOrderID OrderType BuySell Price1 Price2 Quantity TimeInForce "
        "GoodTillDateTime IsAutomatedOrder IsParentOrder FreeFormText OpenOrClose MaxShowQuantity Price1AsString "
        "Price2AsString IntendedPositionQuantity",
    ),
    Layout(
        t.SUBMIT_NEW_OCO_ORDER, "SUBMIT_NEW_OCO_ORDER",
        "<HH64s16s32sii4xddd32siidddi4xq32sB32s48s3xibB6xddB16s16s16s16s7x",
        "Symbol Exchange ClientOrderID_1 OrderType_1 BuySell_1 Price1_1 Price2_1 Quantity_1 ClientOrderID_2 "
        "OrderType_2 BuySell_2 Price1_2 Price2_2 Quantity_2 TimeInForce GoodTillDateTime TradeAccount "
        "IsAutomatedOrder ParentTriggerClientOrderID FreeFormText OpenOrClose PartialFillHandling UseOffsets "
        "OffsetFromParent1 OffsetFromParent2 MaintainSamePricesOnParentFill Price1_1AsString Price2_1AsString "
        "Price1_2AsString Price2_2AsString",
    ),
    Layout(t.CANCEL_ORDER, "CANCEL_ORDER", "<HH32s32s32s", "ServerOrderID ClientOrderID TradeAccount"),
    Layout(
        t.CANCEL_REPLACE_ORDER, "CANCEL_REPLACE_ORDER", "<HH32s32s4xdddBB2xii4xqB32s16s16s7x",
        "ServerOrderID ClientOrderID Price1 Price2 Quantity Price1IsSet Price2IsSet Unused TimeInForce "
        "GoodTillDateTime UpdatePrice1OffsetToParent TradeAccount Price1AsString Price2AsString",
        defaults={"Price1IsSet": 1, "Price2IsSet": 1},
    ),
    Layout(t.OPEN_ORDERS_REQUEST, "OPEN_ORDERS_REQUEST", "<HHii32s32s",
           "RequestID RequestAllOrders ServerOrderID TradeAccount", defaults={"RequestAllOrders": 1}),
    Layout(t.OPEN_ORDERS_REJECT, "OPEN_ORDERS_REJECT", "<HHi96s", _REJECT),
    Layout(
        t.ORDER_UPDATE, "ORDER_UPDATE", "<HHiii64s16s32s32s32s32siiiiddi4xqdddddqd64s32s96sB32s32s3xi32s48sqd32s",
        "RequestID TotalNumMessages MessageNumber Symbol Exchange PreviousServerOrderID ServerOrderID ClientOrderID "
        "ExchangeOrderID OrderStatus OrderUpdateReason OrderType BuySell Price1 Price2 TimeInForce GoodTillDateTime "
        "OrderQuantity FilledQuantity RemainingQuantity AverageFillPrice LastFillPrice LastFillDateTime "
        "LastFillQuantity LastFillExecutionID TradeAccount InfoText NoOrders ParentServerOrderID "
        "OCOLinkedOrderServerOrderID OpenOrClose PreviousClientOrderID FreeFormText OrderReceivedDateTime "
        "LatestTransactionDateTime Username",
        unset=_ORDER_UPDATE_UNSET,
    ),
    Layout(t.CURRENT_POSITIONS_REQUEST, "CURRENT_POSITIONS_REQUEST", "<HHi32s", "RequestID TradeAccount"),
    Layout(t.CURRENT_POSITIONS_REJECT, "CURRENT_POSITIONS_REJECT", "<HHi96s", _REJECT),
    Layout(
        t.POSITION_UPDATE, "POSITION_UPDATE", "<HHiii64s16sdd32s32sBB6xdI4xddddd",
        "RequestID TotalNumberMessages MessageNumber Symbol Exchange Quantity AveragePrice PositionIdentifier "
        "TradeAccount NoPositions Unsolicited MarginRequirement EntryDateTime OpenProfitLoss HighPriceDuringPosition "
        "LowPriceDuringPosition QuantityLimit MaxPotentialPostionQuantity",
        unset="AveragePrice MarginRequirement OpenProfitLoss HighPriceDuringPosition LowPriceDuringPosition "
              "QuantityLimit MaxPotentialPostionQuantity",
    ),
    Layout(t.TRADE_ACCOUNTS_REQUEST, "TRADE_ACCOUNTS_REQUEST", "<HHi", "RequestID"),
    Layout(t.TRADE_ACCOUNT_RESPONSE, "TRADE_ACCOUNT_RESPONSE", "<HHii32sii",
           "TotalNumberMessages MessageNumber TradeAccount RequestID TradingIsDisabled"),
    Layout(t.ACCOUNT_BALANCE_REQUEST, "ACCOUNT_BALANCE_REQUEST", "<HHi32s", "RequestID TradeAccount"),
    Layout(t.ACCOUNT_BALANCE_REJECT, "ACCOUNT_BALANCE_REJECT", "<HHi96s", _REJECT),
    Layout(
        t.ACCOUNT_BALANCE_UPDATE, "ACCOUNT_BALANCE_UPDATE", "<HHidd8s32sddiiBB6xdd96sQddBBBB96sB3xqddd32sdq",
        "RequestID CashBalance BalanceAvailableForNewPositions AccountCurrency TradeAccount SecuritiesValue "
        "MarginRequirement TotalNumberMessages MessageNumber NoAccountBalances Unsolicited OpenPositionsProfitLoss "
        "DailyProfitLoss InfoText TransactionIdentifier DailyNetLossLimit TrailingAccountValueToLimitPositions "
        "DailyNetLossLimitReached IsUnderRequiredMargin ClosePositionsAtEndOfDay TradingIsDisabled Description "
        "IsUnderRequiredAccountValue TransactionDateTime MarginRequirementFull MarginRequirementFullPositionsOnly "
        "PeakMarginRequirement IntroducingBroker OpenPositionsProfitLossBasedOnSettlementPrice "
        "LastOrderActivityDateTime",
        unset="CashBalance BalanceAvailableForNewPositions SecuritiesValue MarginRequirement OpenPositionsProfitLoss "
              "DailyProfitLoss",
    ),
]
