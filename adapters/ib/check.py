"""``mia ib check``: connect, show the account, the front month and a live quote; explain each failure."""

from __future__ import annotations

import asyncio
import datetime as dt
import math

import attrs

from adapters.clocks import WallClock
from adapters.ib.config import IbConnectionConfig
from adapters.ib.connection import IbConnection
from adapters.ib.connection import mask_account as mask
from adapters.ib.contracts import resolve_front
from adapters.ib.errors import IbConnectionError, describe
from mia_core.errors import MiaError

DATA_ERRORS = (354, 10197, 10167, 10168, 200, 162, 321)


@attrs.define
class CheckReport:
    """What the check found; ``problem`` is empty when everything worked."""

    steps: list[tuple[str, str]] = attrs.Factory(list)
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when every step passed."""
        return not self.problem


async def run_check(config: IbConnectionConfig, symbol: str, quote_timeout: float = 10.0) -> CheckReport:
    """Connect with ``config``, then report the account, the front month of ``symbol`` and a quote."""
    report = CheckReport()
    connection = IbConnection(config, WallClock())
    ib = connection.ib
    data_errors: list[tuple[int, str]] = []
    ib.errorEvent += lambda req_id, code, message, contract=None: (
        data_errors.append((code, message)) if code in DATA_ERRORS else None
    )
    try:
        try:
            await connection.ensure_connected()
        except IbConnectionError as exc:
            report.problem = str(exc)
            return report
        report.steps.append(
            (
                "connection",
                f"{config.host}:{config.port} client id {config.client_id}, server version {ib.client.serverVersion()}",
            )
        )
        accounts = ib.managedAccounts()
        values = {v.tag: v for v in ib.accountValues() if v.currency in ("USD", "BASE")}
        net = values.get("NetLiquidation")
        shown = ", ".join(mask(a) for a in accounts) or "(none reported)"
        report.steps.append(("account", shown + (f", net liquidation {net.value} {net.currency}" if net else "")))
        try:
            contract = await asyncio.wait_for(
                resolve_front(ib, symbol, dt.datetime.now(dt.UTC).date(), config.roll_rule), config.request_timeout
            )
        except (MiaError, TimeoutError) as exc:
            report.problem = f"front month of {symbol}: {exc or 'timed out'}"
            return report
        report.steps.append(
            (
                "front month",
                f"{contract.localSymbol} (last trade {contract.lastTradeDateOrContractMonth}, conId {contract.conId})",
            )
        )
        report.problem = await _quote(connection, contract, quote_timeout, data_errors, report)
        return report
    finally:
        connection.close()


async def _quote(
    connection: IbConnection, contract: object, timeout: float, data_errors: list[tuple[int, str]], report: CheckReport
) -> str:
    ib = connection.ib
    ticker = ib.reqMktData(contract, "", False, False)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if data_errors:
            code, message = data_errors[0]
            return "market data: " + describe(code, message)
        prices = (ticker.bid, ticker.ask, ticker.last)
        if any(p is not None and math.isfinite(p) and p > 0 for p in prices):
            report.steps.append(
                (
                    "quote",
                    f"bid {ticker.bid} x {ticker.bidSize}, ask {ticker.ask} x {ticker.askSize}, last {ticker.last}",
                )
            )
            ib.cancelMktData(contract)  # type: ignore[arg-type]
            return ""
        await asyncio.sleep(0.05)
    return (
        f"no quote within {timeout:.0f} s and no error from IB: the market may be closed (CME equity futures "
        "trade Sunday 17:00 to Friday 16:00 Chicago, with a daily 16:00-17:00 break), or the account lacks the "
        "CME real-time subscription (set market_data_type: delayed to try delayed data)"
    )
