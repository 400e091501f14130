"""The gateway's encodings, fed to ib_async's own Decoder at server version 178 (field counts are strict)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ib_async.decoder import Decoder

from adapters.ib.gateway.account import Holding, Ledger, portfolio_fields, position_fields
from adapters.ib.gateway.catalog import Catalog, details_fields, third_friday
from adapters.ib.gateway.codec import decode_payload, encode
from adapters.ib.gateway.order_book import SimOrder
from adapters.ib.gateway.order_wire import (
    Execution,
    commission_report_fields,
    exec_details_fields,
    open_order_fields,
    order_status_fields,
)
from adapters.ib.gateway.quotes import Quotes


class Recorder:
    """A wrapper stand-in that records what the decoder calls (ib_async's Decoder is the thing checked)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.defaultTimezone = dt.UTC

        class _IB:
            TimezoneTWS = None

        self.ib = _IB()

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any) -> None:
            self.calls.append((name, args))
        return record


def decode(fields: list[Any]) -> list[tuple[str, tuple[Any, ...]]]:
    recorder = Recorder()
    decoder = Decoder(recorder, 178)  # type: ignore[arg-type]
    decoder.logger.disabled = True
    decoder.interpret(decode_payload(encode(fields)[4:]))
    return recorder.calls


TODAY = dt.date(2025, 11, 24)
CATALOG = Catalog(TODAY, {"SPX": 5990.0, "NDX": 20950.0})
ESZ5 = CATALOG.futures["ES"][0]


def _order() -> SimOrder:
    return SimOrder(7, 12, 1000005, ESZ5, "BUY", 2.0, "LMT", 6000.25, None, account="DU1", order_ref="r-1",
                    parent_id=11, status="Submitted")


def test_framing_is_length_prefixed_nul_terminated_text() -> None:
    assert encode([9, 1, 42]) == b"\x00\x00\x00\x079\x001\x0042\x00"
    assert encode([True, None, 2.5, 3.0]) == b"\x00\x00\x00\x091\x00\x002.5\x003\x00"  # 2 + 1 + 4 + 2 bytes


def test_es_front_month_is_the_december_contract_expiring_on_the_third_friday() -> None:
    assert ESZ5.local_symbol == "ESZ5"
    assert ESZ5.last_trade == "20251219"  # 19 Dec 2025 is the third Friday (calendar)
    assert third_friday(2026, 3) == dt.date(2026, 3, 20)
    assert [s.local_symbol for s in CATALOG.futures["NQ"]] == ["NQZ5", "NQH6", "NQM6", "NQU6"]


def test_contract_details_decode_with_every_field_in_place() -> None:
    ((name, (req_id, cd)),) = decode(details_fields(4, ESZ5, TODAY))
    assert (name, req_id) == ("contractDetails", 4)
    c = cd.contract
    assert (c.symbol, c.secType, c.lastTradeDateOrContractMonth, c.multiplier, c.localSymbol, c.conId) == (
        "ES", "FUT", "20251219", "50", "ESZ5", ESZ5.con_id)
    assert (cd.minTick, cd.contractMonth, cd.timeZoneId, cd.realExpirationDate, cd.underSymbol) == (
        0.25, "202512", "US/Central", "20251219", "ES")


def test_open_order_and_status_decode_to_the_order_sent() -> None:
    ((name, (order_id, contract, order, state)),) = decode(open_order_fields(_order()))
    assert name == "openOrder"
    assert (order_id, order.clientId, order.permId, order.parentId, order.orderRef) == (12, 7, 1000005, 11, "r-1")
    assert (order.action, order.totalQuantity, order.orderType, order.lmtPrice, order.account) == (
        "BUY", 2.0, "LMT", 6000.25, "DU1")
    assert (state.status, contract.localSymbol, order.whatIf) == ("Submitted", "ESZ5", False)
    ((name, args),) = decode(order_status_fields(_order()))
    assert name == "orderStatus"
    assert args[:9] == (12, "Submitted", 0.0, 2.0, 0.0, 1000005, 11, 0.0, 7)


def test_execution_and_commission_decode() -> None:
    ex = Execution("0000e0d5.1.01.01", _order(), dt.datetime(2025, 11, 24, 15, tzinfo=dt.UTC), 2.0, 6000.25, 2.0,
                   6000.25, 4.5, None)
    ((name, (req_id, contract, execution)),) = decode(exec_details_fields(-1, ex, "DU1"))
    assert (name, req_id, contract.localSymbol) == ("execDetails", -1, "ESZ5")
    assert (execution.execId, execution.side, execution.shares, execution.price, execution.permId) == (
        "0000e0d5.1.01.01", "BOT", 2.0, 6000.25, 1000005)
    assert execution.time == dt.datetime(2025, 11, 24, 15, tzinfo=dt.UTC)
    ((name, (report,)),) = decode(commission_report_fields(ex))
    assert (name, report.execId, report.commission, report.currency, report.realizedPNL) == (
        "commissionReport", "0000e0d5.1.01.01", 4.5, "USD", 1.7976931348623157e308)  # IB's unset; ib_async shows 0


def test_position_and_portfolio_decode() -> None:
    ledger = Ledger("DU1", 1_000_000.0, Quotes({"ES": 6010.0}))
    h = Holding(ESZ5, 2.0, 6000.0)
    ledger.holdings[ESZ5.con_id] = h
    ((name, (account, contract, position, avg_cost)),) = decode(position_fields("DU1", h))
    assert (name, account, contract.conId, position, avg_cost) == ("position", "DU1", ESZ5.con_id, 2.0, 300_000.0)
    ((name, args),) = decode(portfolio_fields(ledger, h))
    # market value 6010 x 2 x 50; unrealized (6010 - 6000) x 2 x 50
    assert (name, args[1], args[2], args[3], args[5]) == ("updatePortfolio", 2.0, 6010.0, 601_000.0, 1000.0)
