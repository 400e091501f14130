"""The daily summary (with its chart and the mentor's advice) told at each CME day's close of a session."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from adapters.journal.jsonl import to_plain
from adapters.reporting.digest import summary_chart
from mia_core.commands import AlertLevel
from mia_core.digest.config import SummaryConfig
from mia_core.digest.entries import read_facts
from mia_core.digest.mentor import format_advice, mentor
from mia_core.digest.summary import Limits, daily_summary, format_summary
from mia_core.journal import JournalEntry, Notification
from mia_core.timeutil import cme_trading_day


def summary_note(entries: list[dict[str, Any]], day: date, ts: int, limits: Limits,
                 config: SummaryConfig) -> Notification | None:
    """The summary of ``day`` (with the chart and the mentor's advice as configured); None for a quiet day."""
    facts = read_facts(entries)
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


KINDS = frozenset({"signal", "round_trip", "risk", "alert"})  # what the summary and the mentor read


class DailyDigest:
    """Watches the session's clock: when a CME trading day ends, its summary is built off the loop.

    The entries it needs are kept as they are journalled (in their plain, JSON-lines
    form), so a day's close does not read the journal file again.
    """

    def __init__(self, limits: Limits, config: SummaryConfig) -> None:
        self.limits = limits
        self.config = config
        self.day: date | None = None
        self.told: list[date] = []
        self.entries: list[dict[str, Any]] = []

    def on_entry(self, entry: JournalEntry) -> None:
        """Keep ``entry`` if the summary or the mentor reads its kind."""
        if entry.kind in KINDS:
            self.entries.append({"ts": entry.ts, "kind": entry.kind, "payload": to_plain(entry.payload)})

    async def on_time(self, ts: int) -> Notification | None:
        """The previous day's summary when ``ts`` is in a new trading day (else None)."""
        day = cme_trading_day(ts)
        previous, self.day = self.day, day
        if previous is None or previous == day:
            return None
        return await self.close_day(previous, ts)

    async def close_day(self, day: date, ts: int) -> Notification | None:
        """The summary of ``day``: figures and chart drawn in a worker thread, off the trading loop."""
        self.told.append(day)
        entries = list(self.entries)
        return await asyncio.to_thread(summary_note, entries, day, ts, self.limits, self.config)
