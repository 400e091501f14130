"""The pre-flight checks of ``mia start``, each a small function returning what it found."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import time
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from adapters.live.health import disk_free_pct
from adapters.risk.store import read_latch
from mia_core.timeutil import ns_to_datetime

MIN_DISK_PCT = 10.0
MAX_SKEW_S = 2.0


class Verdict(enum.Enum):
    """How a check came out: a failure stops the start, a warning does not."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@attrs.frozen
class CheckResult:
    """One line of the checklist."""

    name: str
    verdict: Verdict
    detail: str


def market_hours(now_ns: int) -> CheckResult:
    """Whether CME Globex is open now (a warning when closed, with the next open)."""
    from adapters.calendars.cme import cme_calendar  # pandas-market-calendars (8 MB): only when this check runs

    calendar = cme_calendar()
    i = int(np.searchsorted(calendar.close, now_ns, side="right"))
    if i >= len(calendar.open):
        return CheckResult("market hours", Verdict.WARN, "beyond the calendar's last day")
    opens = int(calendar.open[i])
    if opens <= now_ns:
        closes = ns_to_datetime(int(calendar.close[i]))
        return CheckResult("market hours", Verdict.PASS, f"CME Globex open until {closes:%Y-%m-%d %H:%M} UTC")
    return CheckResult("market hours", Verdict.WARN,
                       f"CME Globex closed; next open {ns_to_datetime(opens):%Y-%m-%d %H:%M} UTC "
                       "(the session waits for data)")


def risk_state(state_file: Path) -> CheckResult:
    """The catastrophe latch must not be set (re-arm first)."""
    latch = read_latch(state_file)
    if latch is not None and latch.latched:
        return CheckResult("risk state", Verdict.FAIL,
                           f"latched by {latch.trigger} ({latch.detail}) in {state_file}; `mia risk rearm` first")
    return CheckResult("risk state", Verdict.PASS, f"armed ({state_file})")


def disk(path: Path) -> CheckResult:
    """At least 10% free on the journal's disk."""
    free = disk_free_pct(path)
    if free is None:
        return CheckResult("disk", Verdict.WARN, f"free space of {path} unreadable")
    verdict = Verdict.PASS if free >= MIN_DISK_PCT else Verdict.FAIL
    return CheckResult("disk", verdict, f"{free:.1f}% free where the journal goes ({path})")


async def broker(component: Any, timeout_s: float) -> tuple[CheckResult, CheckResult]:
    """Connect, read the account and positions, and the clock skew against the broker's time; disconnect.

    The skew needs a broker with an async ``server_time_ns()`` (IB's reqCurrentTime);
    others are reported as not measured.
    """
    name = getattr(component, "name", type(component).__name__)
    try:
        await asyncio.wait_for(component.connect(), timeout_s)
    except Exception as exc:  # any failure to connect is the finding
        return (CheckResult("broker", Verdict.FAIL, f"{name}: could not connect: {type(exc).__name__}: {exc}"),
                CheckResult("clock skew", Verdict.WARN, "not measured (no connection)"))
    try:
        account = component.account()
        held = {p.instrument.symbol: p.quantity for p in component.positions() if p.quantity}
        where = f" (account {account.account_id})" if account.account_id else ""
        found = CheckResult("broker", Verdict.PASS, f"{name}{where}: equity ${account.equity_cents / 100:,.2f}; "
                            f"positions {held or 'none'}; {len(component.open_orders())} open orders")
        skew = await _skew(component, timeout_s)
    finally:
        await component.disconnect()
    return found, skew


async def _skew(component: Any, timeout_s: float) -> CheckResult:
    server_time = getattr(component, "server_time_ns", None)
    if not callable(server_time):
        return CheckResult("clock skew", Verdict.PASS, "not measured (the broker reports no time; simulated)")
    asked = time.time_ns()
    theirs = await asyncio.wait_for(server_time(), timeout_s)
    mine = (asked + time.time_ns()) // 2
    skew = (mine - theirs) / 1e9
    verdict = Verdict.PASS if abs(skew) <= MAX_SKEW_S else Verdict.FAIL
    return CheckResult("clock skew", verdict, f"{skew:+.2f} s against the broker (limit {MAX_SKEW_S:.0f} s)")


def now_ns() -> int:
    """The wall clock, UTC ns."""
    return int(dt.datetime.now(dt.UTC).timestamp() * 1e9)
