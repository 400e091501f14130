"""A paper session's daily summary judges its rule blocks on the day's bars, in the text and on Discord."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from notifiers.servers import webhook_server
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from adapters.journal.files import open_journal
from adapters.journal.jsonl import MemoryJournal
from adapters.live.daily import DailyDigest
from adapters.live.shell import LiveShell
from adapters.notifiers.discord.notifier import DiscordNotifier, DiscordNotifierConfig
from adapters.notifiers.outbox import DeliveryConfig
from adapters.replay.feed import SeriesDataFeed
from adapters.simulated.broker import InMemoryBroker
from mia_core.clock import ManualClock
from mia_core.digest.config import SummaryConfig
from mia_core.digest.summary import Limits
from mia_core.engine.core import TradingEngine
from mia_core.instruments import ES
from mia_core.journal import Notification
from mia_core.market import Bar
from mia_core.risk.limits import MaxTradesPerDay, MaxTradesPerDayConfig
from mia_core.series import BarSeries
from mia_core.signals import Direction, Signal
from mia_core.timeutil import CHICAGO, cme_trading_day, to_ns
from ports.context import StrategyContext

from .test_session_alerts import Collect

DAY = date(2024, 3, 5)
FINDING = "the max_trades_per_day rule cost money"


def rising_bars() -> BarSeries:
    """Minute bars rising a tick a minute through 2024-03-05's regular hours, then five bars of the next day."""
    start = datetime(2024, 3, 5, 8, 31, tzinfo=CHICAGO)
    stamps = [start + timedelta(minutes=i) for i in range(400)]
    stamps += [datetime(2024, 3, 5, 17, 1, tzinfo=CHICAGO) + timedelta(minutes=i) for i in range(5)]
    opens = 5000.0 + 0.25 * np.arange(len(stamps))
    return BarSeries(ES, [to_ns(s) for s in stamps], opens, opens + 0.5, opens - 0.25, opens + 0.25,
                     np.full(len(stamps), 100.0))


class EveryTwenty:
    """Long every 20 bars, with a bracket: stop 10 points below, target 2 points above the close."""

    name = "every_twenty"

    def __init__(self) -> None:
        self.seen = 0

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        self.seen += 1
        if self.seen % 20:
            return None
        return Signal(ts=bar.ts, source=self.name, direction=Direction.LONG, stop_loss=bar.close - 10,
                      take_profit=bar.close + 2)

    def reset(self) -> None:
        self.seen = 0


class HeldDays(Collect):
    """Collects notifications and, with each, the days whose bars the digest holds at that moment."""

    def __init__(self, digest: DailyDigest) -> None:
        super().__init__()
        self.digest = digest
        self.held: list[tuple[str, list[date]]] = []

    async def notify(self, notification: Notification) -> None:
        await super().notify(notification)
        self.held.append((notification.title, sorted(self.digest.bars)))


def session(notifiers: tuple[object, ...], digest: DailyDigest | None = None) -> tuple[LiveShell, DailyDigest]:
    bars = rising_bars()
    clock = ManualClock()
    digest = digest or DailyDigest(Limits(500, 1000), SummaryConfig())
    engine = TradingEngine(ES, EveryTwenty(), risk_policies=[MaxTradesPerDay(MaxTradesPerDayConfig(max_trades=1))])
    shell = LiveShell(engine, InMemoryBroker(ES, clock=clock), SeriesDataFeed("replay", lambda _: bars), clock,
                      journal=MemoryJournal(), notifiers=notifiers, digest=digest)  # type: ignore[arg-type]
    asyncio.run(shell.run())
    return shell, digest


def summary_of(sent: list[Notification]) -> Notification:
    [note] = [n for n in sent if n.title == f"MIA daily summary {DAY.isoformat()}"]
    return note


def test_the_days_summary_says_the_rule_cost_money_from_the_bars_after_its_blocks() -> None:
    digest = DailyDigest(Limits(500, 1000), SummaryConfig())
    collect = HeldDays(digest)
    shell, _ = session((collect,), digest)
    journal = shell.journal
    assert isinstance(journal, MemoryJournal)
    blocks = [e for e in journal.entries() if e.kind == "risk" and cme_trading_day(e.ts) == DAY]
    assert len(blocks) >= 15  # the day's first entry allowed, every later one refused
    body = summary_of(collect.sent).body
    assert FINDING in body and "Decisions (rule blocks): #1, #2, #3" in body, body
    assert "Wilcoxon signed-rank" in body
    # the digest keeps what the summary reads: risk checks that blocked something, a signal's time and source
    kept = [e["payload"]["event"] for e in digest.entries if e["kind"] == "risk"]
    assert len(kept) == len(blocks) - 1 and all(d["verdict"] == "reject" for k in kept for d in k["decisions"])
    assert all(set(e["payload"]["event"]["signal"]) == {"ts", "source"} for e in digest.entries
               if e["kind"] == "signal")
    # bounded: at the day's close only the new day's bars are held; when the session ends, none
    told = dict(collect.held)
    assert told[f"MIA daily summary {DAY.isoformat()}"] == [date(2024, 3, 6)]
    assert not digest.bars


def discord_contents(requests: list[tuple[str, dict[str, str], bytes, float]]) -> list[str]:
    """The message text of each webhook post (JSON, or the ``payload_json`` part of a multipart post)."""
    contents = []
    for _, headers, body, _ in requests:
        if headers["Content-Type"].startswith("multipart/form-data"):
            found = re.search(rb'name="payload_json"\r\n(?:[^\r\n]+\r\n)*\r\n(.*?)\r\n--', body, re.S)
            assert found is not None
            contents.append(json.loads(found.group(1))["content"])
        else:
            contents.append(json.loads(body)["content"])
    return contents


def test_the_discord_summary_carries_the_rule_block_finding_and_its_chart() -> None:
    delivery = DeliveryConfig(queue_size=200, max_attempts=2, backoff_seconds=0.05, timeout_seconds=5)
    with webhook_server([]) as hook:
        discord = DiscordNotifier(DiscordNotifierConfig(delivery=delivery),
                                  environ={"MIA_DISCORD_WEBHOOK_URL": hook.url})
        session((discord,))
        assert discord.outbox.flush(30)
        discord.close()
    assert discord.outbox.failed == 0 and not discord.outbox.undelivered
    posted = discord_contents(hook.requests)
    told = [c for c in posted if f"MIA daily summary {DAY.isoformat()}" in c]
    assert told, posted
    assert any(FINDING in c for c in posted), told
    assert all(len(c) <= 2000 for c in posted)
    assert any(b'filename="chart.png"' in body for *_, body, _ in hook.requests)


def bar_file(path: Path, series: BarSeries) -> Path:
    rows = "".join(f"{pd.Timestamp(int(t), tz='UTC').isoformat()},{o},{h},{lo},{c},{v}\n" for t, o, h, lo, c, v in
                   zip(series.ts, series.open, series.high, series.low, series.close, series.volume, strict=True))
    path.write_text("ts,open,high,low,close,volume\n" + rows)
    return path


def test_mia_summary_and_mia_mentor_with_the_bars_say_what_the_session_said(tmp_path: Path) -> None:
    """`mia summary --day D --bars` gives the session's text; `mia mentor --bars` the same finding."""
    journal = open_journal(tmp_path / "journal.jsonl")
    bars = rising_bars()
    clock = ManualClock()
    collect = Collect()
    engine = TradingEngine(ES, EveryTwenty(), risk_policies=[MaxTradesPerDay(MaxTradesPerDayConfig(max_trades=1))])
    shell = LiveShell(engine, InMemoryBroker(ES, clock=clock), SeriesDataFeed("replay", lambda _: bars), clock,
                      journal=journal, notifiers=(collect,), digest=DailyDigest(Limits(500, 1000, 1), SummaryConfig()))
    asyncio.run(shell.run())
    journal.close()
    told = summary_of(collect.sent).body
    data = bar_file(tmp_path / "bars.csv", bars)
    runner = CliRunner()
    result = runner.invoke(app, ["summary", "--journal", str(tmp_path / "journal.jsonl"), "--day", DAY.isoformat(),
                                 "--bars", str(data), "--max-trades", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == told and "trades          1 of at most 1" in told
    without = runner.invoke(app, ["summary", "--journal", str(tmp_path / "journal.jsonl"), "--day", DAY.isoformat()])
    assert without.exit_code == 0 and FINDING not in without.output and "Mentor: no advice" in without.output
    mentor = runner.invoke(app, ["mentor", "--journal", str(tmp_path / "journal.jsonl"), "--bars", str(data)])
    assert mentor.exit_code == 0, mentor.output
    [finding] = [line for line in told.splitlines() if FINDING in line]
    assert finding in mentor.output
