"""The daily summary (with its chart and the mentor's advice) told at each CME day's close of a session."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from adapters.journal.jsonl import to_plain
from adapters.reporting.digest import summary_chart
from mia_core.commands import AlertLevel
from mia_core.digest.blocked import BlockedOutcome
from mia_core.digest.config import SummaryConfig
from mia_core.digest.day import day_blocked, day_report
from mia_core.digest.entries import JournalFacts, read_facts
from mia_core.digest.summary import Limits
from mia_core.errors import DomainValueError
from mia_core.journal import JournalEntry, Notification
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.timeutil import cme_trading_day

log = logging.getLogger("mia.live")


def summary_note(facts: JournalFacts, day: date, ts: int, limits: Limits, config: SummaryConfig,
                 blocked: Sequence[BlockedOutcome] = ()) -> Notification | None:
    """The summary of ``day`` (with the chart and the mentor's advice as configured); None for a quiet day."""
    today = facts.on_day(day)
    if not today.trades and not today.blocks and not today.alerts:
        return None
    summary, body = day_report(facts, day, limits, config, blocked)
    level = AlertLevel.WARNING if -summary.net_cents >= limits.daily_loss_limit * 100 else AlertLevel.INFO
    chart = summary_chart(summary, [t.exit_ts for t in today.trades]) if config.chart else b""
    return Notification(ts=ts, level=level, title=f"MIA daily summary {day.isoformat()}", body=body, image_png=chart)


def series_of(bars: Sequence[Bar]) -> BarSeries | None:
    """The day's bars as a series (None without bars)."""
    if not bars:
        return None
    return BarSeries(bars[0].instrument, [b.ts for b in bars], [b.open for b in bars], [b.high for b in bars],
                     [b.low for b in bars], [b.close for b in bars], [b.volume for b in bars])


def close_day_note(entries: list[dict[str, Any]], day: date, ts: int, limits: Limits, config: SummaryConfig,
                   bars: Sequence[Bar], earlier: Sequence[BlockedOutcome]) -> tuple[Notification | None,
                                                                                 list[BlockedOutcome]]:
    """The note of ``day`` and its rule blocks replayed on its ``bars`` (added to the ``earlier`` days')."""
    facts = read_facts(entries)
    outcomes: list[BlockedOutcome] = []
    if config.advice and facts.on_day(day).blocks:
        try:
            series = series_of(bars)
        except DomainValueError as exc:  # a bad bar must not cost the day its summary
            log.warning("the rule blocks of %s were not replayed: %s", day, exc)
            series = None
        if series is not None:
            outcomes = day_blocked(facts, day, series, config.replay)
    return summary_note(facts, day, ts, limits, config, [*earlier, *outcomes]), outcomes


KINDS = frozenset({"signal", "round_trip", "risk", "alert"})  # what the summary and the mentor read


class DailyDigest:
    """Watches the session's clock: when a CME trading day ends, its summary is built off the loop.

    What it reads of the entries is kept as they are journalled (in their plain,
    JSON-lines form), so a day's close does not read the journal file again; a session
    first hands it the journal's earlier entries (the system's journal outlives a
    session), so it tells what ``mia summary`` reads from the journal. With the mentor on,
    the bars of the day still open are kept too (only those: a day's bars are let go at
    its close), so the rules that blocked entries that day can be judged on what followed.
    """

    def __init__(self, limits: Limits, config: SummaryConfig) -> None:
        self.limits = limits
        self.config = config
        self.day: date | None = None
        self.told: list[date] = []
        self.entries: list[dict[str, Any]] = []
        self.bars: dict[date, list[Bar]] = {}  # the bars of each day not yet summed up
        self.blocked: list[BlockedOutcome] = []  # the rule blocks of the days summed up, replayed

    def on_entry(self, entry: JournalEntry) -> None:
        """Keep what the summary or the mentor reads of ``entry`` (a signal's time and source, a risk check that
        blocked something, a round trip, an alert)."""
        if entry.kind not in KINDS:
            return
        payload = to_plain(entry.payload)
        try:
            if entry.kind == "signal":
                signal = payload["event"]["signal"]
                payload = {"event": {"signal": {"ts": signal["ts"], "source": signal["source"]}}}
            elif entry.kind == "risk" and all(d["verdict"] == "allow" for d in payload["event"].get("decisions", ())):
                return
        except (KeyError, TypeError, AttributeError):  # kept whole: the day's close says what it could not read
            pass
        self.entries.append({"ts": entry.ts, "kind": entry.kind, "payload": payload})

    def on_market(self, event: object) -> None:
        """Keep ``event`` if it is a bar of a day not yet summed up (and the mentor will read it)."""
        if not self.config.advice or not isinstance(event, Bar):
            return
        day = cme_trading_day(event.ts)
        if day in self.told:
            return
        held = self.bars.setdefault(day, [])
        if not held or event.ts > held[-1].ts:  # a bar sent again is kept once
            held.append(event)

    def ended(self, ts: int) -> date | None:
        """The trading day that ended when ``ts`` is in a new one (else None): the day to sum up."""
        day = cme_trading_day(ts)
        previous, self.day = self.day, day
        return None if previous is None or previous == day else previous

    async def close_day(self, day: date, ts: int) -> Notification | None:
        """The summary of ``day``: replay, figures and chart worked out in a worker thread, off the trading loop."""
        self.told.append(day)
        entries = list(self.entries)
        bars = self.bars.pop(day, [])
        for older in [d for d in self.bars if d < day]:
            del self.bars[older]
        note, outcomes = await asyncio.to_thread(close_day_note, entries, day, ts, self.limits, self.config, bars,
                                                 tuple(self.blocked))
        self.blocked += outcomes
        return note
