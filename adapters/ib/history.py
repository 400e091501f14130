"""Historical bars from IB, requested in chunks through the pacing governor, stamped at bar close."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
from ib_async import IB, BarData, Contract

from adapters.ib.pacing import HistoricalRequest, PacingGovernor
from mia_core.errors import MiaError
from mia_core.instruments import Instrument
from mia_core.series import BarSeries

log = logging.getLogger("mia.ib")
CHICAGO = ZoneInfo("America/Chicago")

# bar size -> (bar seconds, duration per request, seconds that duration covers)
BAR_SIZES: dict[str, tuple[int, str, int]] = {
    "5 secs": (5, "3600 S", 3600),
    "15 secs": (15, "14400 S", 14400),
    "30 secs": (30, "28800 S", 28800),
    "1 min": (60, "1 D", 86400),
    "5 mins": (300, "1 W", 7 * 86400),
    "15 mins": (900, "2 W", 14 * 86400),
    "1 hour": (3600, "1 M", 30 * 86400),
    "1 day": (86400, "1 Y", 365 * 86400),
}


class HistoryError(MiaError):
    """IB could not deliver the history asked for; says what to change."""


def bar_close_ns(bar: BarData, seconds: int) -> int:
    """The close time of an IB bar (IB stamps bars at their start; daily bars at 16:00 Chicago)."""
    when = bar.date
    if isinstance(when, dt.datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return int(when.timestamp()) * 1_000_000_000 + seconds * 1_000_000_000
    close = dt.datetime.combine(when, dt.time(16, 0), CHICAGO)
    return int(close.timestamp()) * 1_000_000_000


def to_series(instrument: Instrument, bars: Sequence[BarData], seconds: int) -> BarSeries:
    """IB bars (any order, duplicates allowed) to a validated BarSeries."""
    rows = sorted({bar_close_ns(b, seconds): b for b in bars}.items())
    ts = [t for t, _ in rows]
    col = [[float(getattr(b, name)) for _, b in rows] for name in ("open", "high", "low", "close", "volume")]
    volume = np.maximum(np.array(col[4], dtype=float), 0.0)  # IB sends -1 when it has no volume
    return BarSeries(instrument, ts, col[0], col[1], col[2], col[3], volume)


class PacedHistory:
    """Sends historical requests only when the governor allows; everything waiting is in ``governor.queue``."""

    def __init__(self, ib: IB, governor: PacingGovernor | None = None, timeout: float = 60.0) -> None:
        self.ib = ib
        self.governor = governor or PacingGovernor()
        self.timeout = timeout

    async def _turn(self, request: HistoricalRequest) -> None:
        ticket = object()
        self.governor.enqueue(request, ticket)
        try:
            while True:
                released = {id(item.ticket) for item in self.governor.release()}
                if id(ticket) in released:
                    return
                if not any(item.ticket is ticket for item in self.governor.queue):
                    return  # released by another waiter's call to release()
                wait = self.governor.wait_ns() or 0
                await asyncio.sleep(max(wait / 1e9, 0.01))
        except BaseException:  # cancelled or timed out while waiting: never counted as sent, never left queued
            self.governor.withdraw(ticket)
            raise

    async def bars(
        self,
        contract: Contract,
        end: dt.datetime | None,
        bar_size: str,
        what: str = "TRADES",
        use_rth: bool = False,
    ) -> list[BarData]:
        """One request's bars ending at ``end`` (None: now), spanning IB's chunk for ``bar_size``."""
        if bar_size not in BAR_SIZES:
            raise HistoryError(f"bar size {bar_size!r}: IB sizes MIA knows are {', '.join(BAR_SIZES)}")
        duration = BAR_SIZES[bar_size][1]
        end_text = "" if end is None else end.astimezone(dt.UTC).strftime("%Y%m%d %H:%M:%S UTC")
        key = HistoricalRequest(
            str(contract.conId or contract.localSymbol or contract.symbol),
            what,
            end_text,
            duration,
            bar_size,
            use_rth,
            contract.exchange,
        )
        await self._turn(key)
        return list(
            await self.ib.reqHistoricalDataAsync(
                contract, end_text, duration, bar_size, what, use_rth, formatDate=2, timeout=self.timeout
            )
        )

    async def series(
        self,
        instrument: Instrument,
        contract: Contract,
        start: dt.datetime,
        end: dt.datetime,
        bar_size: str,
        what: str = "TRADES",
        use_rth: bool = False,
    ) -> BarSeries:
        """Every bar of ``contract`` between ``start`` and ``end``, walking back one chunk per request."""
        seconds = BAR_SIZES.get(bar_size, (0, "", 0))[0]
        if not seconds:
            raise HistoryError(f"bar size {bar_size!r}: IB sizes MIA knows are {', '.join(BAR_SIZES)}")
        collected: list[BarData] = []
        cursor: dt.datetime = end
        for _ in range(10_000):
            chunk = await self.bars(contract, cursor, bar_size, what, use_rth)
            collected += chunk
            if not chunk:
                break
            first = chunk[0].date
            first_dt = first if isinstance(first, dt.datetime) else dt.datetime.combine(first, dt.time(), CHICAGO)
            if first_dt.tzinfo is None:
                first_dt = first_dt.replace(tzinfo=dt.UTC)
            if first_dt <= start or first_dt >= cursor:
                break
            cursor = first_dt
        series = to_series(instrument, collected, seconds)
        lo = int(start.timestamp() * 1e9)
        hi = int(end.timestamp() * 1e9)
        return series.between(lo, hi)
