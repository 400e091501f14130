"""``mia sierra check``: log on, list accounts, positions and balance, try market data; explain each failure."""

from __future__ import annotations

import asyncio

import attrs

from adapters.sierra.config import SierraConnectionConfig
from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.client import DtcClient, reply_to
from adapters.sierra.errors import DtcConnectionError
from mia_core.errors import MiaError


@attrs.define
class CheckReport:
    """What the check found: passed steps, notes (expected limits such as refused CME data) and a problem."""

    steps: list[tuple[str, str]] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when logon, accounts, positions and balance worked (refused market data is a note)."""
        return not self.problem


async def run_check(config: SierraConnectionConfig, symbol: str, timeout: float) -> CheckReport:
    """Every step against the server at ``config``; never raises for a server-side failure."""
    report = CheckReport()
    client = DtcClient(config)
    try:
        await client.connect()
    except MiaError as exc:
        report.problem = str(exc)
        return report
    try:
        logon = client.logon
        report.steps.append(("logon", f"{logon['ServerName'] or 'DTC server'}: {logon['ResultText'] or 'ok'} "
                                      f"(encoding {config.encoding})"))
        rid = client.next_id()
        accounts = await client.request(t.TRADE_ACCOUNTS_REQUEST, {"RequestID": rid},
                                        *reply_to(t.TRADE_ACCOUNT_RESPONSE, rid, "TotalNumberMessages"))
        names = [m["TradeAccount"] for _, m in accounts if m["TradeAccount"]]
        report.steps.append(("trade accounts", ", ".join(names) or "none"))
        if not logon["TradingIsSupported"] or any(m["TradingIsDisabled"] for _, m in accounts):
            report.notes.append("trading is not allowed: in Sierra Chart set DTC Protocol Server >> Allow Trading = "
                                "Yes (and enable trading on the account)")
        account = config.trade_account or (names[0] if names else "")
        rid = client.next_id()
        positions = await client.request(t.CURRENT_POSITIONS_REQUEST, {"RequestID": rid, "TradeAccount": account},
                                         *reply_to(t.POSITION_UPDATE, rid, "TotalNumberMessages"))
        held = [f"{m['Symbol']} {m['Quantity']:+g} @ {m['AveragePrice']}" for _, m in positions if not m["NoPositions"]]
        report.steps.append(("positions", "; ".join(held) or "flat"))
        rid = client.next_id()
        (kind, balance), *_ = await client.request(
            t.ACCOUNT_BALANCE_REQUEST, {"RequestID": rid, "TradeAccount": account},
            lambda k, m: k in (t.ACCOUNT_BALANCE_UPDATE, t.ACCOUNT_BALANCE_REJECT) and m["RequestID"] == rid,
            lambda k, m: True)
        if kind == t.ACCOUNT_BALANCE_REJECT:
            report.notes.append(f"account balance refused: {balance['RejectText']}")
        else:
            report.steps.append(("balance", f"{balance['CashBalance']} {balance['AccountCurrency']} cash, open P&L "
                                            f"{balance['OpenPositionsProfitLoss']}"))
        await _market_data(client, config.dtc_symbol(symbol), timeout, report)
    except DtcConnectionError as exc:
        report.problem = str(exc)
    finally:
        await client.aclose()
    return report


async def _market_data(client: DtcClient, symbol: str, timeout: float, report: CheckReport) -> None:
    sid = client.next_id()
    try:
        (kind, m), *_ = await client.request(
            t.MARKET_DATA_REQUEST, {"RequestAction": t.SUBSCRIBE, "SymbolID": sid, "Symbol": symbol},
            lambda k, m: k in (t.MARKET_DATA_SNAPSHOT, t.MARKET_DATA_REJECT) and m["SymbolID"] == sid,
            lambda k, m: True, timeout=timeout)
    except DtcConnectionError:
        report.notes.append(f"no answer to the market data request for {symbol} within {timeout:.0f} s: check the "
                            "symbol (File >> Find Symbol in Sierra Chart)")
        return
    if kind == t.MARKET_DATA_REJECT:
        report.notes.append(
            f"market data for {symbol} refused: {m['RejectText']!r}. Expected for CME futures: Sierra Chart's DTC "
            "server does not relay CME data. MIA reads the .scid/.depth files instead (sierra_feed scid_path); orders "
            "and accounts over DTC are unaffected")
        return
    client.send(t.MARKET_DATA_REQUEST, {"RequestAction": t.UNSUBSCRIBE, "SymbolID": sid})
    report.steps.append(("market data", f"{symbol}: bid {m['BidPrice']} ask {m['AskPrice']} last "
                                        f"{m['LastTradePrice']}"))


def check_blocking(config: SierraConnectionConfig, symbol: str, timeout: float) -> CheckReport:
    """:func:`run_check` from synchronous code."""
    return asyncio.run(run_check(config, symbol, timeout))
