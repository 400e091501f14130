"""Daily risk figures follow the CME trading day (17:00 Chicago rollover), in winter, summer and across DST."""

from __future__ import annotations

from datetime import date

import pytest

from mia_core.commands import SubmitOrder
from mia_core.engine.core import TradingEngine
from mia_core.instruments import ES
from mia_core.risk.ledger import RiskLedger
from mia_core.risk.limits import DailyLossLimit, DailyLossLimitConfig
from mia_core.signals import Direction

from .helpers import MINUTE, Scripted, bars_from, chicago, shell_for

# (Chicago calendar day of the afternoon, the trading day that starts at 17:00 that evening)
DAYS = [
    ("2024-01-10", date(2024, 1, 11)),  # winter (CST, UTC-6)
    ("2024-07-10", date(2024, 7, 11)),  # summer (CDT, UTC-5)
    ("2024-03-10", date(2024, 3, 11)),  # DST starts that morning; the session opens 17:00 CDT
    ("2024-11-03", date(2024, 11, 4)),  # DST ends that morning; the session opens 17:00 CST
]


@pytest.mark.parametrize(("day", "next_day"), DAYS)
def test_the_ledger_rolls_at_17_00_chicago_exactly(day: str, next_day: date) -> None:
    ledger = RiskLedger(100)
    assert ledger.roll(chicago(f"{day} 16:59:59"), 100)
    assert ledger.day == date.fromisoformat(day)
    ledger.record_entry(5_000)
    assert not ledger.roll(chicago(f"{day} 16:59:59") + 999_999_999, 90)  # still the same day
    assert ledger.risk_today_cents == 5_000
    assert ledger.roll(chicago(f"{day} 17:00"), 80)
    assert (ledger.day, ledger.day_start_equity_cents, ledger.risk_today_cents, ledger.entries_today) == (
        next_day, 80, 0, 0)


@pytest.mark.parametrize(("day", "next_day"), DAYS)
def test_the_daily_loss_limit_blocks_until_17_00_chicago_then_the_new_day_trades(day: str, next_day: date) -> None:
    # Long 1 ES from 5000; the market falls 12 points ($600 > $500 limit); flat at 16:50.
    start = chicago(f"{day} 16:40")
    closes = [5000.0, 5000.0, 4994.0, 4988.0] + [4988.0] * 17
    bars = bars_from(closes, start, spread=0.0)
    script = {1: Direction.LONG, 5: Direction.FLAT, 18: Direction.LONG, 21: Direction.LONG}
    limit = DailyLossLimit(DailyLossLimitConfig(max_loss=500))
    engine = TradingEngine(ES, Scripted(script), risk_policies=[limit])
    shell = shell_for(engine, commission_per_contract=0.0)
    entries: dict[int, bool] = {}
    for i, bar in enumerate(bars, 1):
        if engine.working:
            shell.deliver(shell.exchange.on_bar(bar))
        commands = engine.on_bar(bar)
        if i in script:
            sent = [c for c in commands if isinstance(c, SubmitOrder)]
            entries[i] = any(c.intent.reason.startswith("signal_entry") for c in sent)
        shell.execute(commands)
    # bar 18 closes 16:57 (same trading day: day P&L -$600) -> rejected;
    # at bar 21 (17:00) a new CME day began with the loss in its starting equity -> allowed
    assert bars[17].ts == start + 17 * MINUTE and bars[20].ts == chicago(f"{day} 17:00")
    assert entries == {1: True, 5: False, 18: False, 21: True}
    assert engine.desk.ledger.day == next_day
    assert engine.desk.ledger.day_start_equity_cents == 10_000_000 - 60_000
    reasons = [d.reason for e in engine.journal if e.kind == "risk" for d in e.payload["event"].decisions]
    assert any("reached the loss limit -$500.00" in r for r in reasons)
