"""UTC nanosecond timestamps and CME trading days (17:00 America/Chicago rollover)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mia_core.errors import DomainValueError

CHICAGO = ZoneInfo("America/Chicago")
NS_PER_SECOND = 1_000_000_000
CME_ROLLOVER_HOUR = 17
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


_LAST_INSTANT: list[int] = [0]


def same_instant(ts: int) -> int:
    """``ts``, or the equal int object this function returned last: the objects kept for one instant share one int.

    For an ``ts`` known to be an int. A caller compiled by mypyc holds integers unboxed
    and hands each call a fresh int object; the order snapshots, events and journal
    entries a backtest keeps (hundreds of thousands) would each hold their own 32-byte
    copy of the same few instants. Only ever returns an int equal to ``ts``, so a value
    seen from another thread in between costs a copy, never a wrong time.
    """
    last = _LAST_INSTANT[0]
    if ts == last:
        return last
    _LAST_INSTANT[0] = ts
    return ts


def to_ns(value: Any, *, owner: str = "timestamp", field: str = "ts") -> int:
    """Convert an aware datetime, pandas Timestamp or integer epoch-ns to integer UTC ns.

    Naive datetimes are refused: a timestamp without a zone is ambiguous by up to a
    day around the CME rollover.
    """
    if isinstance(value, bool):
        raise DomainValueError(owner, field, value, "a boolean is not a timestamp")
    if isinstance(value, int):
        return value
    pandas = sys.modules.get("pandas")  # a pandas Timestamp exists only once pandas is imported
    if pandas is not None and isinstance(value, pandas.Timestamp):
        if value.tzinfo is None:
            raise DomainValueError(owner, field, value, "naive timestamp; give a time zone (UTC)")
        return int(value.value)
    if isinstance(value, datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise DomainValueError(owner, field, value, "naive timestamp; give a time zone (UTC)")
        since = value - _EPOCH  # exact: days, seconds and microseconds (what pandas.Timestamp(value).value gives)
        return (since.days * 86_400 + since.seconds) * NS_PER_SECOND + since.microseconds * 1000
    raise DomainValueError(owner, field, value, "expected an aware datetime or integer ns since the epoch")


def ns_to_datetime(ns: int) -> datetime:
    """Integer UTC nanoseconds to an aware UTC datetime (microsecond precision)."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=ns // 1000)


def cme_trading_day(ns: int) -> date:
    """The CME trading day a UTC instant belongs to.

    CME Globex equity sessions open at 17:00 Chicago time and that evening belongs to
    the next day's session, so any instant at or after 17:00 Chicago counts for the
    next calendar day. Weekends are not skipped here (a Sunday evening instant maps to
    Monday; a Saturday instant maps to Sunday and is outside any session).
    """
    local = ns_to_datetime(ns).astimezone(CHICAGO)
    day = local.date()
    if local.hour >= CME_ROLLOVER_HOUR:
        day += timedelta(days=1)
    return day


def cme_day_bounds(day: date) -> tuple[int, int]:
    """The UTC ns span ``[start, end)`` of CME trading day ``day``: 17:00 Chicago the evening before to 17:00."""
    close = datetime(day.year, day.month, day.day, CME_ROLLOVER_HOUR, tzinfo=CHICAGO)
    opened = datetime.combine(day - timedelta(days=1), close.timetz())
    return to_ns(opened), to_ns(close)
