"""The day guard: loss limit and profit target that act, session-only entries, flat before long closes."""

from __future__ import annotations

from datetime import date

import attrs

from mia_core.calc.session_calendar import CLOSED, SEGMENT_NAMES, SessionCalendar
from mia_core.errors import DomainValueError
from mia_core.risk.catastrophe import money
from mia_core.timeutil import NS_PER_SECOND
from mia_core.validation import MONEY, within

GUARD = "day_guard"
SESSIONS = SEGMENT_NAMES[:CLOSED]  # asia, london, rth, post
LONG_BREAK_NS = 2 * 3600 * NS_PER_SECOND  # a break longer than the daily 16:00-17:00 halt: weekend or holiday


def _check_sessions(instance: object, attribute: attrs.Attribute[list[str]], value: list[str]) -> None:
    bad = [name for name in value if name not in SESSIONS]
    if bad or not value:
        raise DomainValueError(type(instance).__name__, attribute.name, value,
                               f"sessions are among {', '.join(SESSIONS)} (at least one)")


@attrs.frozen
class GuardConfig:
    """The ``guard`` section: the day's limits that act, and when entries and positions are allowed.

    ``daily_loss_limit``: when today's P&L (CME trading day, realized plus open, after
    commissions) reaches minus this many dollars, working orders are cancelled, the
    position is flattened and no entry is taken until the next CME trading day
    (null: no such stop). ``profit_target``: from this day's P&L on, no entry until
    the next trading day; ``flatten_at_target`` also closes the position then.
    ``entry_sessions``: the exchange-calendar segments in which entries are allowed
    (``asia``, ``london``, ``rth``, ``post``); ``flatten_outside_sessions`` closes a
    position held into any other segment. ``close_margin_minutes``: this long before a
    session close followed by a weekend or holiday break, and before an early close,
    the position is flattened and entries stop (null: never). Times come from the
    exchange calendar (the CME Globex equity calendar); ``use_calendar`` false leaves
    only the loss limit and the profit target (daily bars, whose stamps are no session times).
    """

    enabled: bool = False
    daily_loss_limit: float | None = attrs.field(default=500.0, validator=MONEY)
    profit_target: float | None = attrs.field(default=1000.0, validator=MONEY)
    flatten_at_target: bool = False
    entry_sessions: list[str] = attrs.field(factory=lambda: ["rth"], validator=_check_sessions)
    flatten_outside_sessions: bool = False
    close_margin_minutes: float | None = attrs.field(default=10.0, validator=within(0, 1440))
    use_calendar: bool = True


@attrs.frozen(slots=True)
class GuardState:
    """What the guard says about one instant: a reason to flatten, and a reason entries are refused."""

    flatten: str = ""
    block: str = ""


class DayGuard:
    """Pure state of the guard; the risk desk asks it on every bar (see :class:`GuardConfig`)."""

    def __init__(self, config: GuardConfig, sessions: SessionCalendar) -> None:
        self.config = config
        self.sessions = sessions
        self.loss_cents = None if config.daily_loss_limit is None else round(config.daily_loss_limit * 100)
        self.target_cents = None if config.profit_target is None else round(config.profit_target * 100)
        self.margin_ns = None if config.close_margin_minutes is None else round(
            config.close_margin_minutes * 60 * NS_PER_SECOND)
        self.allowed = frozenset(SESSIONS.index(name) for name in config.entry_sessions)
        self.day: date | None = None
        self.stopped = ""  # why entries are stopped for the rest of the trading day
        self.flatten_stop = False  # whether that stop also keeps the position flat
        self.trips: dict[str, int] = {}

    def _flat_before(self, d: int) -> bool:
        """Whether trading day ``d`` ends in a weekend or holiday break, or early."""
        sessions = self.sessions
        if sessions.is_early_close(d):
            return True
        if d + 1 >= len(sessions):
            return True
        return int(sessions.open[d + 1]) - int(sessions.close[d]) > LONG_BREAK_NS

    def _trip(self, kind: str) -> None:
        self.trips[kind] = self.trips.get(kind, 0) + 1

    def check(self, ts: int, day: date | None, day_pnl_cents: int) -> GuardState:
        """The guard's verdict at ``ts`` given today's P&L (the day's stops latch until the next day)."""
        if day != self.day:
            self.day, self.stopped, self.flatten_stop = day, "", False
        if not self.stopped:
            if self.loss_cents is not None and day_pnl_cents <= -self.loss_cents:
                self.stopped = f"daily loss: day P&L {money(day_pnl_cents)} <= {money(-self.loss_cents)}"
                self.flatten_stop = True
                self._trip("daily_loss")
            elif self.target_cents is not None and day_pnl_cents >= self.target_cents:
                self.stopped = f"profit target: day P&L {money(day_pnl_cents)} >= {money(self.target_cents)}"
                self.flatten_stop = self.config.flatten_at_target
                self._trip("profit_target")
        flatten = self.stopped if self.flatten_stop else ""
        block = self.stopped
        if not self.config.use_calendar:
            return GuardState(flatten, block)
        d, segment = self.sessions.locate(ts)
        if segment == CLOSED:
            flatten = flatten or "outside the exchange's sessions"
            block = block or "outside the exchange's sessions"
        else:
            margin = self.margin_ns
            if margin is not None and self._flat_before(d) and ts >= int(self.sessions.close[d]) - margin:
                kind = "early close" if self.sessions.is_early_close(d) else "weekend or holiday close"
                reason = f"{kind}: flat {self.config.close_margin_minutes:g} min before the session ends"
                flatten, block = flatten or reason, block or reason
            if segment not in self.allowed:
                outside = f"session {SEGMENT_NAMES[segment]} is not among {', '.join(self.config.entry_sessions)}"
                block = block or outside
                if self.config.flatten_outside_sessions:
                    flatten = flatten or outside
        return GuardState(flatten, block)
