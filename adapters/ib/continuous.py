"""Continuous futures history from IB: each month's bars while it was the front, stitched by the roll rule."""

from __future__ import annotations

import datetime as dt
import logging

from ib_async import IB, Contract, Future

from adapters.ib.contracts import FUTURES_EXCHANGE, months_of
from adapters.ib.history import HistoryError, PacedHistory
from mia_core.instruments import Instrument
from mia_core.rolls import FuturesContract, RollMethod, RollRule, roll_day, stitch
from mia_core.series import BarSeries

log = logging.getLogger("mia.ib")
OVERLAP = dt.timedelta(days=3)  # bars of the next month before its roll: the back-adjustment gap needs them
VOLUME_LEAD = dt.timedelta(days=35)  # how long before its predecessor's expiry a month may take over by volume


def fetch_windows(
    months: list[tuple[FuturesContract, Contract]], rule: RollRule, start: dt.datetime, end: dt.datetime
) -> list[tuple[FuturesContract, Contract, dt.datetime, dt.datetime]]:
    """The months that can be the front within [start, end], each with the period to fetch (pure).

    A month's time as the front is judged by CME trading days, which start at 17:00 Chicago
    the evening before (in UTC, the day before the roll): the next month is fetched whenever
    its window starts before ``end``, not only once the front's calendar roll day has passed.
    """
    ordered = sorted(months, key=lambda m: m[0].expiry)
    out: list[tuple[FuturesContract, Contract, dt.datetime, dt.datetime]] = []
    previous: FuturesContract | None = None
    for month, contract in ordered:
        if rule.method is RollMethod.DAYS_BEFORE_EXPIRY:
            first = None if previous is None else roll_day(previous, rule) - OVERLAP
            last = roll_day(month, rule) + dt.timedelta(days=1)
        else:
            first = None if previous is None else previous.expiry - VOLUME_LEAD
            last = month.expiry + dt.timedelta(days=1)
        previous = month
        lo = start if first is None else max(start, _utc(first))
        hi = min(end, _utc(last))
        if lo < hi:  # a month whose time as the front starts after ``end`` (or ends before ``start``) is left out
            out.append((month, contract, lo, hi))
    return out


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


async def continuous_series(
    ib: IB,
    paced: PacedHistory,
    instrument: Instrument,
    symbol: str,
    rule: RollRule,
    start: dt.datetime,
    end: dt.datetime,
    bar_size: str,
    what: str = "TRADES",
    use_rth: bool = False,
) -> BarSeries:
    """Bars of ``symbol`` futures between ``start`` and ``end``, rolled and back-adjusted by ``rule``.

    Expired months come from IB's contract details with ``includeExpired`` (IB keeps
    about two years of them). Open-interest rolls need daily open interest, which IB's
    history does not hold, so they are refused here.
    """
    if rule.method is RollMethod.OPEN_INTEREST:
        raise HistoryError("continuous history needs roll_method days_before_expiry or volume: IB's history has "
                           "no open interest")
    query = Future(symbol.upper(), exchange=FUTURES_EXCHANGE.get(symbol.upper(), "CME"), currency="USD")
    query.includeExpired = True
    details = await ib.reqContractDetailsAsync(query)
    windows = fetch_windows(months_of(details), rule, start, end)
    if not windows:
        raise HistoryError(f"IB lists no {symbol} futures month for {start:%Y-%m-%d}..{end:%Y-%m-%d}")
    bars: dict[str, BarSeries] = {}
    for month, contract, lo, hi in windows:
        contract.includeExpired = True
        bars[month.key] = await paced.series(instrument, contract, lo, hi, bar_size, what, use_rth)
        log.info("history of %s: %d bars %s..%s", month.key, len(bars[month.key]), lo, hi)
    series = stitch(bars, [m for m, _, _, _ in windows], rule)
    return series.between(int(start.timestamp() * 1e9), int(end.timestamp() * 1e9))
