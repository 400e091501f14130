"""The day guard (issue 14): the loss limit caps the day's loss, nothing held over a weekend or holiday, entries
only in the allowed sessions. Each finding of the audit is reproduced first on the engine as it was configured."""

from __future__ import annotations

import pytest

from adapters.calendars.cme import cme_calendar
from mia_core.engine.core import TradingEngine
from mia_core.errors import DomainValueError
from mia_core.instruments import ES
from mia_core.risk.guard import DayGuard, GuardConfig
from mia_core.risk.limits import DailyLossLimit, DailyLossLimitConfig
from mia_core.signals import Direction

from .helpers import MINUTE, Scripted, bars_from, chicago, shell_for


def run(closes: list[float], start: str, script: dict[int, Direction], guard: GuardConfig | None = None,
        step_ns: int = MINUTE) -> TradingEngine:
    policies = [DailyLossLimit(DailyLossLimitConfig(max_loss=500))]
    day_guard = None if guard is None else DayGuard(guard, cme_calendar())
    engine = TradingEngine(ES, Scripted(script), risk_policies=policies, guard=day_guard)
    shell = shell_for(engine)
    for bar in bars_from(closes, chicago(start), spread=0.25, step_ns=step_ns):
        shell.step(bar)
    return engine


def day_pnl(engine: TradingEngine) -> int:
    return engine.portfolio.equity_cents - 10_000_000


FALL = [5000.0 - 0.5 * i for i in range(120)]  # 60 points down in two hours of one-minute bars


def test_finding_the_loss_limit_only_blocked_entries_so_a_day_lost_far_more() -> None:
    """As shipped: the daily_loss_limit policy refuses new entries, the open long rides the fall down."""
    engine = run(FALL, "2024-03-05 09:00", {1: Direction.LONG})
    assert day_pnl(engine) < -2_500_00


def test_the_guard_flattens_at_the_limit_and_the_day_loses_the_limit_plus_a_bar() -> None:
    guard = GuardConfig(enabled=True)
    engine = run(FALL, "2024-03-05 09:00", {1: Direction.LONG, 40: Direction.LONG, 60: Direction.SHORT}, guard)
    assert engine.portfolio.quantity == 0
    # the limit, one bar's move (0.5 point + 0.25 wick = $37.50) and the fill's slippage-free costs
    assert -500_00 - 2 * 37_50 - 4_50 <= day_pnl(engine) <= -500_00
    rejections = [d for e in engine.journal if e.kind == "risk" for d in e.payload["event"].decisions
                  if d.policy == "day_guard"]
    assert rejections and "daily loss" in rejections[0].reason
    assert engine.desk.guard is not None and engine.desk.guard.trips == {"daily_loss": 1}


def test_entries_resume_on_the_next_cme_trading_day() -> None:
    guard = GuardConfig(enabled=True)
    # 16:00 Tuesday: fall until the halt, then the session reopens at 17:00 (the next CME trading day)
    closes = FALL + [FALL[-1]] * 200
    engine = run(closes, "2024-03-05 13:00", {1: Direction.LONG, 300: Direction.LONG},
                 GuardConfig(enabled=True, entry_sessions=["asia", "london", "rth", "post"]))
    assert guard.enabled
    fills = [e for e in engine.journal if e.kind == "fill"]
    assert len(fills) == 3  # entry, the guard's flatten, the next day's entry
    assert engine.portfolio.quantity == 1


def test_finding_a_friday_long_was_held_over_the_weekend() -> None:
    closes = [5000.0] * 200
    engine = run(closes, "2024-03-08 13:00", {1: Direction.LONG})  # Friday 13:00 .. 16:19 Chicago
    assert engine.portfolio.quantity == 1


def test_the_guard_is_flat_before_the_weekend_close() -> None:
    closes = [5000.0] * 200
    engine = run(closes, "2024-03-08 13:00", {1: Direction.LONG, 175: Direction.LONG}, GuardConfig(enabled=True))
    assert engine.portfolio.quantity == 0
    flat = [e for e in engine.journal if e.kind == "fill"][-1]
    assert chicago("2024-03-08 15:50") <= flat.ts <= chicago("2024-03-08 15:52")


def test_the_guard_is_flat_before_an_early_close() -> None:
    """2024-07-03: CME equity closes at 12:00 Chicago (Independence Day eve, from the calendar)."""
    closes = [5000.0] * 120
    engine = run(closes, "2024-07-03 10:30", {1: Direction.LONG}, GuardConfig(enabled=True, close_margin_minutes=15))
    assert engine.portfolio.quantity == 0
    flat = [e for e in engine.journal if e.kind == "fill"][-1]
    assert chicago("2024-07-03 11:45") <= flat.ts <= chicago("2024-07-03 11:47")


def test_entries_only_in_the_allowed_sessions() -> None:
    closes = [5000.0] * 30
    engine = run(closes, "2024-03-05 07:00", {1: Direction.LONG}, GuardConfig(enabled=True))  # London
    assert engine.portfolio.quantity == 0
    blocked = [d for e in engine.journal if e.kind == "risk" for d in e.payload["event"].decisions]
    assert blocked[0].policy == "day_guard" and "london" in blocked[0].reason


def test_flatten_outside_sessions_closes_at_the_end_of_regular_hours() -> None:
    closes = [5000.0] * 60
    engine = run(closes, "2024-03-05 14:30", {1: Direction.LONG},
                 GuardConfig(enabled=True, flatten_outside_sessions=True))
    assert engine.portfolio.quantity == 0
    flat = [e for e in engine.journal if e.kind == "fill"][-1]
    assert chicago("2024-03-05 15:00") < flat.ts <= chicago("2024-03-05 15:02")


def test_profit_target_stops_entries_and_flattens_by_config() -> None:
    rise = [5000.0 + 0.5 * i for i in range(80)]
    script = {1: Direction.LONG, 50: Direction.FLAT, 70: Direction.LONG}
    kept = run(rise, "2024-03-05 09:00", script, GuardConfig(enabled=True))
    assert kept.portfolio.quantity == 0  # the long is kept to bar 50, the entry at bar 70 is refused
    assert day_pnl(kept) > 1200_00
    flat = run(rise, "2024-03-05 09:00", script, GuardConfig(enabled=True, flatten_at_target=True))
    assert flat.portfolio.quantity == 0
    assert 1000_00 <= day_pnl(flat) <= 1000_00 + 2 * 37_50


def test_settings_are_checked_by_name() -> None:
    with pytest.raises(DomainValueError, match="entry_sessions"):
        GuardConfig(entry_sessions=["lunch"])


def test_the_shipped_news_calendar_example_reads() -> None:
    from importlib import resources

    from adapters.risk.news import read_calendar
    from mia_core.risk.windows import NewsBlackoutConfig

    path = resources.files("adapters.bootstrap").joinpath("templates", "news_calendar.csv")
    events = read_calendar(str(path), NewsBlackoutConfig(path=str(path)))
    assert len(events) == 10
    fomc = [e for e in events if e.title.startswith("FOMC")]
    assert [e.at_ns for e in fomc] == [chicago("2024-01-31 13:00"), chicago("2024-03-20 13:00")]
    assert fomc[0].end_ns - fomc[0].at_ns == 30 * MINUTE  # its own minutes_after
