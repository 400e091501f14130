"""IB error and status codes turned into clear messages with what to do."""

from __future__ import annotations

import enum

import attrs

from mia_core.errors import MiaError


class Severity(enum.Enum):
    """How much a code matters to a running session."""

    INFO = "info"  # status report, nothing to do
    WARNING = "warning"  # degraded; MIA carries on
    ERROR = "error"  # a request failed
    CONNECTION = "connection"  # the link to IB changed


@attrs.frozen
class IbCode:
    """One IB message code: what it means and what the trader should do."""

    code: int
    meaning: str
    action: str
    severity: Severity


_TABLE = [
    IbCode(
        162,
        "historical data request failed (often a pacing violation or no data for that period)",
        "MIA's pacing governor spaces requests; if this repeats, check the market data subscription and the "
        "requested period (IB keeps about 2 years of intraday futures bars, expired contracts need includeExpired)",
        Severity.ERROR,
    ),
    IbCode(
        200,
        "no security definition found for the contract",
        "check the symbol, exchange (CME for ES/NQ, CBOE for VIX/SPX, NASDAQ for NDX) and contract month",
        Severity.ERROR,
    ),
    IbCode(
        201,
        "order rejected by IB",
        "read the reason in the message (margin, permissions, price limits)",
        Severity.ERROR,
    ),
    IbCode(202, "order cancelled", "nothing: confirmation of a cancel", Severity.INFO),
    IbCode(
        326,
        "client id already in use",
        "another program (or a second MIA) uses this client id: give each connection its own `client_id`",
        Severity.CONNECTION,
    ),
    IbCode(
        354,
        "market data not subscribed",
        "subscribe to CME Real-Time (NP,L1) for ES/NQ (and CBOE/OPRA for VIX/SPX options) in Client Portal → "
        "Settings → Market Data Subscriptions; the paper account shares the live account's subscriptions once "
        "enabled; or set `market_data_type: delayed`",
        Severity.ERROR,
    ),
    IbCode(
        502,
        "could not connect to TWS/Gateway",
        "start TWS or IB Gateway, enable 'ActiveX and Socket Clients' (Configure → API → Settings), check the "
        "port (TWS 7497 paper / 7496 live, Gateway 4002 paper / 4001 live) and 'Trusted IPs'",
        Severity.CONNECTION,
    ),
    IbCode(
        504,
        "not connected",
        "MIA reconnects on its own; if it persists, check that TWS/Gateway is running",
        Severity.CONNECTION,
    ),
    IbCode(
        1100,
        "connectivity between TWS/Gateway and IB servers lost",
        "nothing to do at once: TWS reconnects to IB; MIA holds new orders and reports if it lasts",
        Severity.CONNECTION,
    ),
    IbCode(
        1101,
        "connectivity restored, market data lost",
        "MIA resubscribes market data and reconciles orders, positions and executions",
        Severity.CONNECTION,
    ),
    IbCode(
        1102,
        "connectivity restored, data maintained",
        "MIA reconciles orders, positions and executions",
        Severity.CONNECTION,
    ),
    IbCode(
        2104, "market data farm connection is OK", "nothing: a status report IB sends at every connect", Severity.INFO
    ),
    IbCode(
        2106,
        "historical data farm connection is OK",
        "nothing: a status report IB sends at every connect",
        Severity.INFO,
    ),
    IbCode(
        2158,
        "security definition server connection is OK",
        "nothing: a status report IB sends at every connect",
        Severity.INFO,
    ),
    IbCode(
        2103,
        "market data farm connection is broken",
        "wait; IB restores it (usually within a minute)",
        Severity.WARNING,
    ),
    IbCode(
        2105,
        "historical data farm connection is broken",
        "wait; history requests will fail meanwhile",
        Severity.WARNING,
    ),
    IbCode(
        2107, "historical data farm connection is inactive", "nothing: it wakes up on the next request", Severity.INFO
    ),
    IbCode(2108, "market data farm connection is inactive", "nothing: it wakes up on the next request", Severity.INFO),
    IbCode(10147, "order to cancel not found", "nothing: the order already finished", Severity.ERROR),
    IbCode(
        10167,
        "showing delayed market data",
        "subscribe to real-time data for live trading (see code 354)",
        Severity.WARNING,
    ),
    IbCode(
        10197,
        "no market data during competing live session",
        "the same IB user is logged in elsewhere (TWS, mobile, web) with market data: log out there, or take "
        "data on this session only",
        Severity.ERROR,
    ),
]
CODES: dict[int, IbCode] = {entry.code: entry for entry in _TABLE}

CONNECTIVITY_LOST = frozenset({1100})
CONNECTIVITY_RESTORED = frozenset({1101, 1102})
RESUBSCRIBE = frozenset({1101})


def describe(code: int, message: str = "") -> str:
    """One line: the code, what it means and what to do (IB's own text appended when given)."""
    entry = CODES.get(code)
    if entry is None:
        tail = f": {message}" if message else ""
        return f"IB {code}{tail} (see https://www.interactivebrokers.com/campus/ibkr-api-page/tws-api-error-codes/)"
    said = f' (IB: "{message}")' if message else ""
    return f"IB {code}: {entry.meaning}{said}. What to do: {entry.action}"


def severity(code: int) -> Severity:
    """The severity of ``code``; unknown codes in IB's 2100-2199 band are warnings, others errors."""
    entry = CODES.get(code)
    if entry is not None:
        return entry.severity
    return Severity.WARNING if 2100 <= code <= 2199 else Severity.ERROR


class IbConnectionError(MiaError):
    """MIA could not reach or keep TWS/IB Gateway; the message says why and what to do."""


def explain_connect_failure(exc: BaseException, host: str, port: int, client_id: int) -> str:
    """What a failed ``connectAsync`` most likely means, for a person."""
    where = f"{host}:{port}"
    if isinstance(exc, ConnectionRefusedError):
        return (
            f"connection refused at {where}: TWS/IB Gateway is not running or listens on another port. "
            "Start it and check the port: TWS 7497 (paper) / 7496 (live), IB Gateway 4002 (paper) / 4001 (live)."
        )
    if isinstance(exc, TimeoutError):
        return (
            f"{where} accepted the connection but the API handshake timed out: enable 'ActiveX and Socket "
            "Clients' in TWS (Configure → API → Settings), add 127.0.0.1 to 'Trusted IPs', accept the "
            f"connection prompt, or client id {client_id} is already in use (IB code 326): pick another."
        )
    if isinstance(exc, OSError):
        return f"cannot reach {where}: {exc}. Check the host name and that nothing blocks the port."
    return f"connecting to {where} failed: {type(exc).__name__}: {exc}"
