"""``mia ib check``: connect, show the account, the front month and a live quote; explain each failure."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math

import attrs

from adapters.clocks import WallClock
from adapters.ib.config import IbConnectionConfig
from adapters.ib.connection import REDACTOR, IbConnection
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


class UnreadMessages(logging.Filter):
    """Takes ib_async's decoder failures out of the log while the check runs; the report names them once."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but "Error handling fields: [...]", which is counted instead."""
        text = record.getMessage()
        if not text.startswith("Error handling fields"):
            return True
        self.failures.append(text.partition(":")[2].strip())
        return False

    def explain(self, server_version: int) -> str:
        """One cause for every message that could not be read."""
        first = self.failures[0]
        kinds = {"'4'": "error message (errMsg)"}
        kind = next((name for tag, name in kinds.items() if first.startswith(f"[{tag}")), "message")
        return (
            f"{len(self.failures)} message(s) from TWS/IB Gateway could not be read by ib_async, the first an {kind} "
            f"in a layout other than the one of the server version it announced ({server_version or 'unknown'}); "
            f"the first: {first[:120]}. MIA would miss what IB reports: update TWS/IB Gateway to a current release "
            "(or report the message if it is current)"
        )


async def run_check(config: IbConnectionConfig, symbol: str, quote_timeout: float = 10.0) -> CheckReport:
    """Connect with ``config``, then report the account, the front month of ``symbol`` and a quote.

    Account ids are masked everywhere in the report, IB's own texts included; messages
    ib_async cannot decode are one cause in the report, not tracebacks in the log.
    """
    unread = UnreadMessages()
    decoder = logging.getLogger("ib_async.Decoder")
    was = decoder.disabled, decoder.level
    decoder.disabled = False  # a logging setup elsewhere may have silenced it: the check must still see failures
    if not decoder.isEnabledFor(logging.ERROR):
        decoder.setLevel(logging.ERROR)
    decoder.addFilter(unread)
    try:
        report = await _run_check(config, symbol, quote_timeout, unread)
    finally:
        decoder.removeFilter(unread)
        decoder.disabled = was[0]
        decoder.setLevel(was[1])
    report.problem = REDACTOR.mask(report.problem)
    report.steps = [(step, REDACTOR.mask(text)) for step, text in report.steps]
    return report


async def _run_check(
    config: IbConnectionConfig, symbol: str, quote_timeout: float, unread: UnreadMessages
) -> CheckReport:
    report = CheckReport()
    connection = IbConnection(config, WallClock())
    ib = connection.ib
    data_errors: list[tuple[int, str]] = []
    ib.errorEvent += lambda req_id, code, message, contract=None: (
        data_errors.append((code, message)) if code in DATA_ERRORS else None
    )
    version = 0
    try:
        try:
            await connection.ensure_connected()
        except IbConnectionError as exc:
            report.problem = unread.explain(0) if unread.failures else str(exc)
            return report
        version = ib.client.serverVersion()
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
        except TimeoutError:
            report.problem = (
                f"front month of {symbol}: IB did not answer the contract details request within "
                f"{config.request_timeout:g} s (request_timeout): check that TWS/IB Gateway is logged in and its "
                "sec-def farm is connected (code 2158 at connect), or raise --timeout"
            )
            return report
        except MiaError as exc:
            report.problem = f"front month of {symbol}: {str(exc) or type(exc).__name__}"
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
        if unread.failures:  # the cause of whatever else went wrong (an error IB sent was lost), or a problem alone
            report.problem = unread.explain(version)


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
