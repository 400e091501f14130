"""Option-expiry calendar of the index options: monthly OPEX, quarterly witching, 0DTE sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

#: Months of the quarterly (quad) witching: index futures and options expire together.
QUARTERLY = (3, 6, 9, 12)
#: First date SPXW listed a same-day expiry on each weekday (Mon=0 ... Fri=4): Friday weeklies from 2005,
#: Wednesday from 2016-02-23, Monday from 2016-08-15, Tuesday from 2022-04-18, Thursday from 2022-05-11 (Cboe).
SPX_DAILY_SINCE: dict[int, date] = {
    0: date(2016, 8, 15),
    1: date(2022, 4, 18),
    2: date(2016, 2, 23),
    3: date(2022, 5, 11),
    4: date(2005, 10, 28),
}
IsTradingDay = Callable[[date], bool]


def _weekday_only(day: date) -> bool:
    return day.weekday() < 5


def good_friday(year: int) -> date:
    """Good Friday (Easter Sunday minus two days, Gregorian computus): Cboe is closed, while CME may trade."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1) - timedelta(days=2)


def third_friday(year: int, month: int) -> date:
    """The third Friday of ``month``: the standard monthly expiration date."""
    first = date(year, month, 1)
    return first + timedelta(days=(4 - first.weekday()) % 7 + 14)


def monthly_expiry(year: int, month: int, is_trading_day: IsTradingDay = _weekday_only) -> date:
    """The month's standard expiration: the third Friday, or the trading day before it when it is a holiday."""
    day = third_friday(year, month)
    while not is_trading_day(day):
        day -= timedelta(days=1)
    return day


def next_monthly_expiry(day: date, is_trading_day: IsTradingDay = _weekday_only, quarterly: bool = False) -> date:
    """The first monthly (or, with ``quarterly``, quad-witching) expiration on or after ``day``."""
    year, month = day.year, day.month
    for _ in range(15):
        if not quarterly or month in QUARTERLY:
            expiry = monthly_expiry(year, month, is_trading_day)
            if expiry >= day:
                return expiry
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError(f"no expiry found after {day}")  # unreachable: every quarter has one


def trading_days_between(start: date, end: date, is_trading_day: IsTradingDay = _weekday_only) -> int:
    """Trading days after ``start`` up to and including ``end`` (0 when ``end`` is ``start``)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_trading_day(day)
    return count


def is_0dte_session(day: date, since: dict[int, date] = SPX_DAILY_SINCE, is_trading_day: IsTradingDay = _weekday_only
                    ) -> bool:
    """Whether index options expire on ``day`` (a same-day, "0DTE", session): the weekday's first listing has passed."""
    first = since.get(day.weekday())
    return first is not None and day >= first and is_trading_day(day)
