"""Historical bars from IB, requested in chunks through the pacing governor, stamped at bar close."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from zoneinfo import ZoneInfo

import attrs
import numpy as np
from ib_async import IB, BarData, Contract

from adapters.ib.errors import describe
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


Sleep = Callable[[float], Awaitable[None]]
NO_DATA = ("returned no data", "no data returned")  # IB's 162 for a period without bars (a weekend, a holiday)


@attrs.frozen
class ChunkAnswer:
    """What one historical request got: its bars, or IB's error (code, text), or ``timed_out``."""

    bars: list[BarData]
    error: tuple[int, str] | None = None
    timed_out: bool = False

    @property
    def empty_period(self) -> bool:
        """No bars and nothing wrong: IB has no bars in that period (or said so with a 162 "no data")."""
        if self.error is None:
            return not self.timed_out
        return self.error[0] == 162 and any(text in self.error[1].lower() for text in NO_DATA)

    @property
    def retryable(self) -> bool:
        """A pacing violation or no answer in time: worth asking again within the pacing rules."""
        if self.timed_out:
            return True
        return self.error is not None and self.error[0] in (162, 420) and "pacing" in self.error[1].lower()

    def reason(self, timeout: float) -> str:
        """Why no bars came, for a person."""
        if self.timed_out:
            return f"no answer within {timeout:g} s (request_timeout)"
        assert self.error is not None
        return describe(*self.error)


class PacedHistory:
    """Sends historical requests only when the governor allows; everything waiting is in ``governor.queue``.

    A chunk refused for pacing (IB 162 "pacing violation") or not answered in time is
    asked again, through the governor, up to ``retries`` times; ``sleep`` is how waits
    for the governor pass (a test passes a fake that moves the governor's clock).
    """

    def __init__(
        self,
        ib: IB,
        governor: PacingGovernor | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"PacedHistory retries = {retries!r}: must be a whole number of at least 0")
        self.ib = ib
        self.governor = governor or PacingGovernor()
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep

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
                await self.sleep(max(wait / 1e9, 0.01))
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
        return (await self.chunk(contract, end, bar_size, what, use_rth)).bars

    async def chunk(
        self,
        contract: Contract,
        end: dt.datetime | None,
        bar_size: str,
        what: str = "TRADES",
        use_rth: bool = False,
    ) -> ChunkAnswer:
        """One request (sent when the governor allows) and what IB answered to it."""
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
        errors: dict[int, tuple[int, str]] = {}

        def on_error(req_id: int, code: int, message: str, _contract: object = None) -> None:
            if 2100 <= code <= 2199:
                return  # farm status notices, not an answer to a request
            errors.setdefault(req_id, (code, message))

        loop = asyncio.get_running_loop()
        started = loop.time()
        self.ib.errorEvent += on_error
        try:
            got = await self.ib.reqHistoricalDataAsync(
                contract, end_text, duration, bar_size, what, use_rth, formatDate=2, timeout=self.timeout
            )
        finally:
            self.ib.errorEvent -= on_error
        error = errors.get(got.reqId)
        timed_out = not got and error is None and self.timeout > 0 and loop.time() - started >= self.timeout
        return ChunkAnswer(list(got), error, timed_out)

    async def series(
        self,
        instrument: Instrument,
        contract: Contract,
        start: dt.datetime,
        end: dt.datetime,
        bar_size: str,
        what: str = "TRADES",
        use_rth: bool = False,
        *,
        allow_empty: bool = False,
    ) -> BarSeries:
        """Every bar of ``contract`` between ``start`` and ``end``, walking back one chunk per request.

        A period without bars (a weekend, a holiday) is stepped over; a chunk that cannot
        be had after the retries raises :class:`HistoryError` naming the missing period.
        A period with no bars at all is an error too, unless ``allow_empty`` (a download
        in pieces, where one piece may be a weekend): then the series is empty.
        """
        seconds, _, span = BAR_SIZES.get(bar_size, (0, "", 0))
        if not seconds:
            raise HistoryError(f"bar size {bar_size!r}: IB sizes MIA knows are {', '.join(BAR_SIZES)}")
        collected: list[BarData] = []
        cursor: dt.datetime = end
        while cursor > start:
            answer = await self.chunk(contract, cursor, bar_size, what, use_rth)
            attempts = 1
            while not answer.bars and answer.retryable and attempts <= self.retries:
                log.warning("history of %s up to %s: %s; asking again", _name(contract), cursor,
                            answer.reason(self.timeout))
                answer = await self.chunk(contract, cursor, bar_size, what, use_rth)
                attempts += 1
            if not answer.bars and not answer.empty_period:
                raise HistoryError(_gap(contract, what, bar_size, start, cursor, attempts, answer.reason(self.timeout),
                                        collected, seconds))
            if not answer.bars:
                cursor -= dt.timedelta(seconds=span)  # nothing in this period: go on before it
                continue
            collected += answer.bars
            first_dt = _start_of(answer.bars[0])
            if first_dt >= cursor:
                break  # IB answered bars from after the end asked for: nothing earlier to be had this way
            cursor = first_dt
        series = to_series(instrument, collected, seconds) if collected else None
        lo = int(start.timestamp() * 1e9)
        hi = int(end.timestamp() * 1e9)
        kept = series.between(lo, hi) if series is not None else None
        if allow_empty and (kept is None or not len(kept)):
            return BarSeries(instrument, [], [], [], [], [], [])
        if kept is None or not len(kept):
            raise HistoryError(f"IB has no {bar_size} {what} bars of {_name(contract)} between {_utc(start)} and "
                               f"{_utc(end)} UTC: check the period (IB keeps about two years of intraday futures "
                               "bars) and the market data subscription")
        return kept


def _start_of(bar: BarData) -> dt.datetime:
    first = bar.date
    first_dt = first if isinstance(first, dt.datetime) else dt.datetime.combine(first, dt.time(), CHICAGO)
    return first_dt.replace(tzinfo=dt.UTC) if first_dt.tzinfo is None else first_dt


def _name(contract: Contract) -> str:
    return str(contract.localSymbol or contract.symbol or contract.conId)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


def _gap(contract: Contract, what: str, bar_size: str, start: dt.datetime, cursor: dt.datetime, attempts: int,
         reason: str, collected: list[BarData], seconds: int) -> str:
    """The message of a history that cannot be completed: what is missing, why, and what was had."""
    had = ""
    if collected:
        stamps = sorted(bar_close_ns(b, seconds) for b in collected)
        lo, hi = (dt.datetime.fromtimestamp(t / 1e9, dt.UTC) for t in (stamps[0], stamps[-1]))
        had = f"; {len(stamps):,} bars were had, for {_utc(lo)}..{_utc(hi)} UTC"
    tries = f"{attempts} attempt" + ("s" if attempts != 1 else "")
    return (f"IB history of {_name(contract)} ({what}, {bar_size}) is incomplete: {_utc(start)}..{_utc(cursor)} UTC "
            f"is missing after {tries}: {reason}{had}. MIA does not go on with part of a history: try again in a "
            "few minutes (IB's pacing) or narrow the period")
