"""Time rules: market hours, news blackouts and weekend protection (entries only; exits always pass)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from mia_core.errors import DomainValueError
from mia_core.risk.limits import EntryRule
from mia_core.signals import RiskDecision
from mia_core.timeutil import NS_PER_SECOND, ns_to_datetime
from mia_core.validation import within

if TYPE_CHECKING:
    from mia_core.orders import OrderIntent
    from ports.context import RiskContext

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def clock_time(owner: str, field: str, text: str) -> time:
    """``HH:MM`` to a time, or a DomainValueError naming the setting."""
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError) as exc:
        raise DomainValueError(owner, field, text, "expected a time of day as HH:MM (24-hour)") from exc


def zone(owner: str, text: str) -> ZoneInfo:
    """An IANA time zone, or a DomainValueError naming the setting."""
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainValueError(owner, "timezone", text, "not an IANA time zone (e.g. America/Chicago)") from exc


def valid_clock(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    """attrs validator: an ``HH:MM`` time of day."""
    clock_time(type(instance).__name__, attribute.name, value)


def valid_optional_clock(instance: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    """attrs validator: ``HH:MM`` or None."""
    if value is not None:
        clock_time(type(instance).__name__, attribute.name, value)


def valid_zone(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    """attrs validator: an IANA time zone name."""
    zone(type(instance).__name__, value)


def _check_days(instance: object, attribute: attrs.Attribute[list[str]], value: list[str]) -> None:
    bad = [day for day in value if day not in WEEKDAYS]
    if bad or not value:
        raise DomainValueError(type(instance).__name__, attribute.name, value, f"days are among {', '.join(WEEKDAYS)}")


@attrs.frozen
class MarketHoursConfig:
    """Settings of ``market_hours``: entries only between ``start`` and ``end`` local time on ``days``.

    ``start`` after ``end`` means a window across midnight (e.g. ``17:00``-``16:00``
    for the Globex session); the day named is the day the window starts.
    """

    start: str = attrs.field(default="08:30", validator=valid_clock)
    end: str = attrs.field(default="15:00", validator=valid_clock)
    timezone: str = attrs.field(default="America/Chicago", validator=valid_zone)
    days: list[str] = attrs.field(factory=lambda: ["mon", "tue", "wed", "thu", "fri"], validator=_check_days)


class MarketHours(EntryRule):
    """Rejects entries outside the configured trading window."""

    needs_every_bar = False

    def __init__(self, config: MarketHoursConfig, name: str = "market_hours") -> None:
        self.name = name
        self.start = clock_time("MarketHoursConfig", "start", config.start)
        self.end = clock_time("MarketHoursConfig", "end", config.end)
        self.zone = zone("MarketHoursConfig", config.timezone)
        self.days = frozenset(WEEKDAYS.index(day) for day in config.days)
        self.label = f"{config.start}-{config.end} {config.timezone} on {','.join(config.days)}"

    def is_open(self, ns: int) -> bool:
        """True when ``ns`` falls in the window."""
        local = ns_to_datetime(ns).astimezone(self.zone)
        now, weekday = local.time(), local.weekday()
        if self.start <= self.end:
            return weekday in self.days and self.start <= now < self.end
        if now >= self.start:
            return weekday in self.days
        return now < self.end and (weekday - 1) % 7 in self.days

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Reject outside the window."""
        if self.is_open(context.now_ns):
            return RiskDecision.allow(self.name, intent.quantity)
        when = ns_to_datetime(context.now_ns).astimezone(self.zone)
        return RiskDecision.reject(self.name, f"{when:%a %H:%M} is outside market hours {self.label}")


@attrs.frozen(slots=True)
class NewsEvent:
    """One scheduled release: entries are blocked from ``start_ns`` to ``end_ns`` (UTC ns)."""

    title: str
    at_ns: int
    start_ns: int
    end_ns: int


@attrs.frozen
class NewsBlackoutConfig:
    """Settings of ``news_blackout``: the calendar file and the default window around each event.

    The file format is described in ``docs/risk.md`` (CSV: time, title, optional
    minutes_before / minutes_after per event).
    """

    path: str
    minutes_before: float = attrs.field(default=5.0, validator=within(0, 1440))
    minutes_after: float = attrs.field(default=5.0, validator=within(0, 1440))
    timezone: str = attrs.field(default="America/New_York", validator=valid_zone)


class NewsBlackout(EntryRule):
    """Rejects entries inside any event's blackout window."""

    needs_every_bar = False

    def __init__(self, events: Iterable[NewsEvent], name: str = "news_blackout") -> None:
        self.name = name
        self.events = sorted(events, key=lambda e: e.start_ns)
        self._starts = [e.start_ns for e in self.events]
        self._longest = max((e.end_ns - e.start_ns for e in self.events), default=0)

    def active(self, ns: int) -> NewsEvent | None:
        """The event whose window contains ``ns``, if any."""
        i = bisect.bisect_right(self._starts, ns)
        while i > 0:
            i -= 1
            event = self.events[i]
            if event.start_ns <= ns < event.end_ns:
                return event
            if ns - event.start_ns > self._longest:
                break
        return None

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Reject inside a window."""
        event = self.active(context.now_ns)
        if event is None:
            return RiskDecision.allow(self.name, intent.quantity)
        reason = f"news blackout: {event.title} at {ns_to_datetime(event.at_ns):%Y-%m-%d %H:%M} UTC"
        return RiskDecision.reject(self.name, reason)


def in_weekend(ns: int, cutoff: time, reopen: time, tz: ZoneInfo) -> bool:
    """True from Friday ``cutoff`` to Sunday ``reopen``, wall-clock time in ``tz``."""
    local: datetime = ns_to_datetime(ns).astimezone(tz)
    weekday, now = local.weekday(), local.time()
    return (weekday == 4 and now >= cutoff) or weekday == 5 or (weekday == 6 and now < reopen)


@attrs.frozen
class WeekendProtectionConfig:
    """Settings of ``weekend_protection``: no entries from Friday ``friday_cutoff`` to Sunday ``sunday_open``."""

    friday_cutoff: str = attrs.field(default="15:00", validator=valid_clock)
    sunday_open: str = attrs.field(default="17:00", validator=valid_clock)
    timezone: str = attrs.field(default="America/Chicago", validator=valid_zone)


class WeekendProtection(EntryRule):
    """Rejects entries over the weekend gap (late Friday to the Sunday evening open)."""

    needs_every_bar = False

    def __init__(self, config: WeekendProtectionConfig, name: str = "weekend_protection") -> None:
        self.name = name
        self.cutoff = clock_time("WeekendProtectionConfig", "friday_cutoff", config.friday_cutoff)
        self.reopen = clock_time("WeekendProtectionConfig", "sunday_open", config.sunday_open)
        self.zone = zone("WeekendProtectionConfig", config.timezone)

    def is_weekend(self, ns: int) -> bool:
        """True from Friday's cutoff to Sunday's open, local time."""
        return in_weekend(ns, self.cutoff, self.reopen, self.zone)

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Reject over the weekend."""
        if self.is_weekend(context.now_ns):
            reason = "weekend protection: no entries from Friday's cutoff to Sunday's open"
            return RiskDecision.reject(self.name, reason)
        return RiskDecision.allow(self.name, intent.quantity)


MINUTE_NS = 60 * NS_PER_SECOND
