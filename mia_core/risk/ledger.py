"""The risk ledger: today's figures by CME trading day (17:00 America/Chicago rollover)."""

from __future__ import annotations

from datetime import date

from mia_core.accounting.tradingdays import cme_day_bounds
from mia_core.timeutil import cme_trading_day

_NEVER = -(2**62)


class RiskLedger:
    """Figures risk rules need beyond the portfolio's: day start equity, risk sent today, last loss.

    ``roll(ts, equity)`` is called before each event is booked with the equity as it
    stood (when ``track`` is set: the engine has risk policies or a desk to serve);
    on the first event of a new trading day that equity becomes the day's starting
    equity and the day's risk budget resets. Days are CME trading days: an
    instant at or after 17:00 Chicago belongs to the next day, in summer and winter time.
    """

    def __init__(self, initial_equity_cents: int) -> None:
        self.day: date | None = None
        self.day_start_equity_cents = initial_equity_cents
        self.risk_today_cents = 0
        self.entries_today = 0
        self.last_loss_ns: int | None = None
        self.last_price: float | None = None
        self.start_ns = _NEVER
        self.end_ns = _NEVER
        self.track = True

    def roll(self, ts: int, equity_cents: int) -> bool:
        """Enter the trading day of ``ts``; True when a new day began (figures reset).

        Callers on a hot path test ``start_ns <= ts < end_ns`` first and call only outside it.
        """
        if self.start_ns <= ts < self.end_ns or ts < self.start_ns:
            return False
        day = cme_trading_day(ts)
        self.start_ns, self.end_ns = cme_day_bounds(day)
        self.day = day
        self.day_start_equity_cents = equity_cents
        self.risk_today_cents = 0
        self.entries_today = 0
        return True

    def record_entry(self, risk_cents: int) -> None:
        """An entry was sent carrying ``risk_cents`` of initial risk."""
        self.entries_today += 1
        self.risk_today_cents += max(risk_cents, 0)

    def record_loss(self, ts: int) -> None:
        """A round trip closed at a loss at ``ts``."""
        self.last_loss_ns = ts
