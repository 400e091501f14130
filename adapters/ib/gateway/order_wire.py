"""Order messages at server version 178: openOrder (5), orderStatus (3), execDetails (11), commissionReport (59).

Layouts follow ib_async 2.1's decoder field for field (see ``shared/reference/ibapi_wire.md``
§5.4-5.7); the tests feed these encodings to ``ib_async.decoder.Decoder`` itself.
"""

from __future__ import annotations

import datetime as dt

import attrs

from adapters.ib.gateway.codec import UNSET_DOUBLE_TEXT, Field
from adapters.ib.gateway.order_book import SimOrder


@attrs.frozen
class Execution:
    """One fill as IB reports it."""

    exec_id: str
    order: SimOrder
    time: dt.datetime
    shares: float
    price: float
    cum_qty: float
    avg_price: float
    commission: float
    realized_pnl: float | None

    @property
    def side(self) -> str:
        """BOT or SLD."""
        return "BOT" if self.order.action == "BUY" else "SLD"


def _price(value: float | None) -> Field:
    return "" if value is None else value


def open_order_fields(o: SimOrder, status: str | None = None, margins: tuple[float, float, float] | None = None,
                      commission: float | None = None) -> list[Field]:
    """openOrder (5): 127 fields for a plain order; ``margins`` (init, maint, equity) only for what-if answers."""
    init, maint, equity = margins if margins else (None, None, None)
    margin_fields: list[Field] = (["", "", "", init, maint, equity, init, maint, equity] if margins
                                  else [""] * 9)
    head: list[Field] = [5, o.order_id, *o.spec.fields11(), o.action, o.quantity, o.order_type, _price(o.lmt_price),
                         _price(o.aux_price), o.tif, o.oca_group, o.account, "O", 0, o.order_ref, o.client_id,
                         o.perm_id, int(o.outside_rth), 0, 0, "", "", "", "", ""]  # ... goodAfterTime, _, fa x3
    # modelCode, goodTillDate, rule80A, percentOffset, settlingFirm, shortSaleSlot, designatedLocation, exemptCode,
    # auctionStrategy, startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper, displaySize,
    # blockOrder, sweepToFill, allOrNone, minQty, ocaType, eTradeOnly, firmQuoteOnly, nbboPriceCap, parentId,
    # triggerMethod, volatility, volatilityType, deltaNeutralOrderType, deltaNeutralAuxPrice
    middle: list[Field] = ["", "", "", "", "", 0, "", "", 0, "", "", "", "", "", "", 0, 0, 0, "", 0, 0, 0, "",
                           o.parent_id, 0, "", 0, "", ""]
    # continuousUpdate, referencePriceType, trailStopPrice, trailingPercent, basisPoints, basisPointsType,
    # comboLegsDescrip, 3 counts, scale x3, hedgeType, optOut, clearingAccount, clearingIntent, notHeld, dnc flag,
    # algoStrategy, solicited, whatIf
    tail: list[Field] = [0, 0, "", "", "", "", "", 0, 0, 0, "", "", "", "", 0, "", "", 0, 0, "", 0, int(o.what_if)]
    state: list[Field] = [status or o.status, *margin_fields, "" if commission is None else commission, "", "",
                          "USD" if commission is not None else "", ""]
    # randomizeSize, randomizePrice, conditions count, adjustedOrderType ... usePriceMgmtAlgo (16), duration,
    # postToAts, autoCancelParent, minTradeQty ... midOffsetAtHalf (5)
    rest: list[Field] = [0, 0, 0, "None", "", "", "", "", "", "", 0, "", "", "", "", 0, 0, 0, 0, "", "", "",
                         "", "", "", "", ""]
    return head + middle + tail + state + rest


def order_status_fields(o: SimOrder) -> list[Field]:
    """orderStatus (3): id, status, filled, remaining, avgFillPrice, permId, parentId, lastFillPrice, clientId ..."""
    return [3, o.order_id, o.status, o.filled, o.remaining, o.avg_fill_price, o.perm_id, o.parent_id,
            o.last_fill_price, o.client_id, "", ""]


def exec_details_fields(req_id: int, ex: Execution, account: str) -> list[Field]:
    """execDetails (11) at 178: reqId (-1 live), orderId, contract, execution (with pendingPriceRevision)."""
    o = ex.order
    return [11, req_id, o.order_id, *o.spec.fields11(), ex.exec_id,
            ex.time.astimezone(dt.UTC).strftime("%Y%m%d %H:%M:%S UTC"), account, o.spec.exchange, ex.side,
            ex.shares, ex.price, o.perm_id, o.client_id, 0, ex.cum_qty, ex.avg_price, o.order_ref, "", "", "",
            1 if o.order_type == "LMT" else 2, 0]


def commission_report_fields(ex: Execution) -> list[Field]:
    """commissionReport (59): exactly 8 fields; an opening fill's realized P&L is IB's 'unset' double."""
    realized: Field = UNSET_DOUBLE_TEXT if ex.realized_pnl is None else round(ex.realized_pnl, 2)
    return [59, 1, ex.exec_id, ex.commission, "USD", realized, UNSET_DOUBLE_TEXT, ""]
