"""The daily summary (with its chart and the mentor's advice) told at each CME day's close of a session."""

from __future__ import annotations

import asyncio
from datetime import date

from adapters.reporting.digest import facts_of, summary_chart
from mia_core.commands import AlertLevel
from mia_core.digest.config import SummaryConfig
from mia_core.digest.mentor import format_advice, mentor
from mia_core.digest.summary import Limits, daily_summary, format_summary
from mia_core.journal import JournalEntry, Notification
from mia_core.timeutil import cme_trading_day
from ports.journal import Journal


def summary_note(entries: list[JournalEntry], day: date, ts: int, limits: Limits,
                 config: SummaryConfig) -> Notification | None:
    """The summary of ``day`` (with the chart and the mentor's advice as configured); None for a quiet day."""
    facts = facts_of(entries)
    today = facts.on_day(day)
    if not today.trades and not today.alerts:
        return None
    summary = daily_summary(facts, day, limits)
    body = format_summary(summary)
    if config.advice:
        body += "\n\n" + format_advice(mentor(facts, config.mentor), len(facts.trades))
    level = AlertLevel.WARNING if -summary.net_cents >= limits.daily_loss_limit * 100 else AlertLevel.INFO
    chart = summary_chart(summary, [t.exit_ts for t in today.trades]) if config.chart else b""
    return Notification(ts=ts, level=level, title=f"MIA daily summary {day.isoformat()}", body=body, image_png=chart)


class DailyDigest:
    """Watches the session's clock: when a CME trading day ends, its summary is built off the loop."""

    def __init__(self, limits: Limits, config: SummaryConfig) -> None:
        self.limits = limits
        self.config = config
        self.day: date | None = None
        self.told: list[date] = []

    async def on_time(self, ts: int, journal: Journal | None) -> Notification | None:
        """The previous day's summary when ``ts`` is in a new trading day (else None)."""
        day = cme_trading_day(ts)
        previous, self.day = self.day, day
        if previous is None or previous == day or journal is None:
            return None
        return await self.close_day(previous, ts, journal)

    async def close_day(self, day: date, ts: int, journal: Journal) -> Notification | None:
        """The summary of ``day`` (the journal read here, the figures and chart drawn in a worker thread)."""
        entries = list(journal.entries())
        self.told.append(day)
        return await asyncio.to_thread(summary_note, entries, day, ts, self.limits, self.config)
