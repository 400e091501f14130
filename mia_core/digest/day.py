"""One CME trading day told: its figures, then the mentor's advice on what was known at its close."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mia_core.digest.blocked import BlockedOutcome, ReplayCosts, hold_ns, replay_by_day
from mia_core.digest.config import SummaryConfig
from mia_core.digest.entries import JournalFacts
from mia_core.digest.mentor import format_advice, mentor
from mia_core.digest.summary import DailySummary, Limits, daily_summary, format_summary
from mia_core.series import BarSeries
from mia_core.timeutil import cme_trading_day


def day_blocked(facts: JournalFacts, day: date, series: BarSeries, costs: ReplayCosts) -> list[BlockedOutcome]:
    """The entries the rules rejected on ``day``, replayed on that day's bars (``series`` may hold more).

    An entry without a bracket is held the median duration of the trades closed up
    to that day, as the session knew it at the day's close.
    """
    known = facts.until(day)
    hold = hold_ns([t.exit_ts - t.entry_ts for t in known.trades])
    return replay_by_day(known.on_day(day).blocks, series, series.instrument, hold, costs)


def blocked_between(facts: JournalFacts, first: date, last: date, series: BarSeries,
                    costs: ReplayCosts) -> list[BlockedOutcome]:
    """The rejected entries of the days ``first`` to ``last``, each day replayed as its close did (``day_blocked``)."""
    days = sorted({b_day for b_day in (cme_trading_day(b.ts) for b in facts.blocks) if first <= b_day <= last})
    return [outcome for d in days for outcome in day_blocked(facts, d, series, costs)]


def blocked_until(facts: JournalFacts, day: date, series: BarSeries, costs: ReplayCosts) -> list[BlockedOutcome]:
    """Every day's rejected entries up to ``day``, each day replayed as its own close did (:func:`day_blocked`)."""
    return blocked_between(facts, date.min, day, series, costs)


def day_report(facts: JournalFacts, day: date, limits: Limits, config: SummaryConfig,
               blocked: Sequence[BlockedOutcome] = ()) -> tuple[DailySummary, str]:
    """The summary of ``day`` and its text: the figures, then (``config.advice``) the mentor's advice.

    The mentor reads the journal up to the day's close and judges the rules on
    ``blocked``, the replayed blocks up to that day (none without the bars).
    """
    known = facts.until(day)
    summary = daily_summary(known, day, limits)
    text = format_summary(summary)
    if config.advice:
        text += "\n\n" + format_advice(mentor(known, config.mentor, blocked), len(known.trades))
    return summary, text
