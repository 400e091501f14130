"""A paper session tells each CME day's summary, with its chart and the mentor, at the day's close and at its end."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import numpy as np
from rich.console import Console
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import discover
from adapters.journal.files import open_journal
from adapters.journal.jsonl import MemoryJournal
from adapters.live.daily import DailyDigest, summary_note
from adapters.live.session import run_session
from adapters.live.shell import LiveShell
from adapters.replay.feed import SeriesDataFeed
from adapters.simulated.broker import InMemoryBroker
from mia_core.clock import ManualClock
from mia_core.commands import AlertLevel
from mia_core.digest.config import SummaryConfig
from mia_core.digest.entries import read_facts
from mia_core.digest.summary import Limits
from mia_core.engine.core import TradingEngine
from mia_core.instruments import ES
from mia_core.journal import JournalEntry
from mia_core.market import Bar
from mia_core.signals import Direction, Signal
from mia_core.synthetic import SyntheticConfig, generate_bars
from mia_core.timeutil import cme_day_bounds, cme_trading_day
from ports.context import StrategyContext

from .test_session_alerts import Collect

BARS = generate_bars(ES, SyntheticConfig(bars=2000, seed=3))  # minute bars over two CME trading days


class Alternate:
    """Long, then short, every 100 bars."""

    name = "alternate"

    def __init__(self) -> None:
        self.seen = 0

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        self.seen += 1
        if self.seen % 100:
            return None
        direction = Direction.LONG if self.seen % 200 else Direction.SHORT
        return Signal(ts=bar.ts, source=self.name, direction=direction)

    def reset(self) -> None:
        self.seen = 0


def test_each_day_is_summed_up_once_with_a_chart_and_the_mentor() -> None:
    days = sorted({cme_trading_day(bar.ts) for bar in BARS})
    assert len(days) >= 2
    clock = ManualClock()
    collect = Collect()
    digest = DailyDigest(Limits(500, 1000), SummaryConfig())
    shell = LiveShell(TradingEngine(ES, Alternate()), InMemoryBroker(ES, clock=clock),
                      SeriesDataFeed("replay", lambda instrument: BARS), clock, journal=MemoryJournal(),
                      notifiers=(collect,), digest=digest)
    asyncio.run(shell.run())
    summaries = [n for n in collect.sent if n.title.startswith("MIA daily summary")]
    assert [n.title.rsplit(" ", 1)[1] for n in summaries] == [d.isoformat() for d in days]
    for note in summaries:
        assert note.image_png.startswith(b"\x89PNG") and "P&L after costs" in note.body and "Mentor:" in note.body
    trades = [n for n in collect.sent if n.title.startswith("MIA trade")]
    assert len(trades) == len(shell.engine.portfolio.round_trips) > 0


def test_a_summary_that_cannot_be_made_does_not_stop_the_session() -> None:
    """A journal entry the digest cannot read fails each day's summary: told as a warning, the session trades on."""
    clock = ManualClock()
    collect = Collect()
    digest = DailyDigest(Limits(500, 1000), SummaryConfig(chart=False))
    digest.on_entry(JournalEntry(int(BARS.ts[0]), "signal", {"event": None}))  # no signal in it
    shell = LiveShell(TradingEngine(ES, Alternate()), InMemoryBroker(ES, clock=clock),
                      SeriesDataFeed("replay", lambda instrument: BARS), clock, journal=MemoryJournal(),
                      notifiers=(collect,), digest=digest)
    asyncio.run(shell.run())
    assert shell.events_seen == len(BARS)
    failed = [n for n in collect.sent if n.title == "MIA alert" and "daily summary" in n.body]
    assert failed and all(n.level is AlertLevel.WARNING for n in failed)
    assert "could not be made (TypeError" in failed[0].body
    assert not [n for n in collect.sent if n.title.startswith("MIA daily summary")]


def test_a_day_with_only_rule_blocks_is_told() -> None:
    """Every entry refused and no trade: the day is worth a summary (the rules were busy)."""
    when = int(BARS.ts[10])
    intent = {"side": "buy", "quantity": 1}
    block = {"ts": when, "kind": "risk", "payload": {"event": {"intent": intent, "decisions": [
        {"policy": "max_daily_risk", "verdict": "reject", "reason": "risk used"}]}}}
    note = summary_note(read_facts([block]), cme_trading_day(when), when, Limits(), SummaryConfig(chart=False))
    assert note is not None and "rule blocks     max_daily_risk 1" in note.body
    assert summary_note(read_facts([]), cme_trading_day(when), when, Limits(), SummaryConfig()) is None


def test_a_restarted_session_tells_what_mia_summary_reads_from_the_whole_journal(tmp_path: Path) -> None:
    """The system's journal outlives a session: the next one's mentor reads it all, as `mia summary` does."""
    path = tmp_path / "journal.jsonl"
    days = sorted({cme_trading_day(int(t)) for t in BARS.ts})
    split = int(np.searchsorted(BARS.ts, cme_day_bounds(days[1])[0]))
    told = []
    for part in (BARS.slice(0, split), BARS.slice(split, len(BARS))):
        clock = ManualClock()
        collect = Collect()
        journal = open_journal(path)
        shell = LiveShell(TradingEngine(ES, Alternate()), InMemoryBroker(ES, clock=clock),
                          SeriesDataFeed("replay", lambda instrument, part=part: part), clock, journal=journal,
                          notifiers=(collect,), digest=DailyDigest(Limits(500, 1000), SummaryConfig(chart=False)))
        asyncio.run(shell.run())
        journal.close()
        told += [n for n in collect.sent if n.title.startswith("MIA daily summary")]
    assert [n.title.rsplit(" ", 1)[1] for n in told] == [d.isoformat() for d in days]
    result = CliRunner().invoke(app, ["summary", "--journal", str(path), "--day", days[1].isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == told[1].body


def test_a_paper_runs_summary_counts_the_days_trades_against_max_trades_per_day() -> None:
    """The summary is measured against the limits: the trades against the system's max_trades_per_day."""
    data = {
        "mode": "paper",
        "data_feed": {"use": "bundled", "dataset": "sp500"},
        "strategy": {"use": "sma_cross", "fast": 2, "slow": 5},
        "risk_policies": [{"use": "max_trades_per_day", "max_trades": 4}],
        "notifiers": [{"use": "console"}],
        "journal": {"path": ":memory:"},
        "summary": {"advice": False},
    }
    shell = asyncio.run(run_session(plan_system(data, discover(), source="test"), 0.0,
                                    Console(file=io.StringIO()), max_events=60))
    [console] = shell.notifiers
    summaries = [n.body for n in console.sent if n.title.startswith("MIA daily summary")]  # type: ignore[attr-defined]
    assert summaries and all(re.search(r"^trades +\d+ of at most 4$", body, re.M) for body in summaries), summaries[0]
