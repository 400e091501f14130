"""Daily figures roll at 17:00 America/Chicago, across DST changes; trading-day helpers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from mia_core.accounting import Portfolio, cme_day_bounds, cme_trading_days
from mia_core.instruments import ES
from mia_core.orders import Fill, OrderSide
from mia_core.timeutil import cme_trading_day

BUY, SELL = OrderSide.BUY, OrderSide.SELL


def utc(text: str) -> int:
    return pd.Timestamp(text, tz="UTC").value


def fill(side: OrderSide, price: float, ts: int, commission: int = 100) -> Fill:
    return Fill(order_id="o", instrument=ES, side=side, quantity=1, price=price, ts=ts, commission_cents=commission)


def test_daily_figures_roll_at_five_pm_chicago_through_the_spring_dst_change() -> None:
    p = Portfolio(ES, 1_000_000)
    # Thursday 2024-03-07, CST (UTC-6): 22:59 UTC is 16:59 Chicago -> still Thursday's session
    p.apply_fill(fill(BUY, 4000.00, utc("2024-03-07 22:59")))
    assert p.trading_day == date(2024, 3, 7)
    assert (p.trades_today, p.realized_today_cents) == (1, -100)
    # 23:00 UTC is 17:00 CST: Friday's session starts, the counters reset
    p.mark(utc("2024-03-07 23:00"), 4000.25, 3999.75, 4000.00)
    assert p.trading_day == date(2024, 3, 8)
    assert (p.trades_today, p.realized_today_cents) == (0, 0)
    # a loss of 4 ticks ($50) and two commissions of $1, one charged on Thursday
    p.apply_fill(fill(SELL, 3999.00, utc("2024-03-07 23:30")))
    assert p.realized_today_cents == -5_000 - 100
    assert (p.consecutive_losses, p.consecutive_losses_today) == (1, 1)
    # Sunday 2024-03-10 after the switch to CDT (UTC-5): 21:59 UTC is 16:59 Chicago -> Sunday
    p.mark(utc("2024-03-10 21:59"), 4000.25, 3999.75, 4000.00)
    assert p.trading_day == date(2024, 3, 10)
    # 22:00 UTC is 17:00 CDT: Monday's session, an hour earlier in UTC than the week before
    p.apply_fill(fill(SELL, 4000.00, utc("2024-03-10 22:00")))
    assert p.trading_day == date(2024, 3, 11)
    assert (p.trades_today, p.realized_today_cents) == (1, -100)
    # the streak carries across days; the per-day streak does not
    assert (p.consecutive_losses, p.consecutive_losses_today) == (1, 0)
    p.apply_fill(fill(BUY, 4000.50, utc("2024-03-11 21:59")))
    assert p.trading_day == date(2024, 3, 11)
    assert p.realized_today_cents == -100 - 2 * 1250 - 100
    assert (p.consecutive_losses, p.consecutive_losses_today) == (2, 1)
    p.mark(utc("2024-03-11 22:00"), 4000.25, 3999.75, 4000.00)
    assert p.trading_day == date(2024, 3, 12)
    assert (p.trades_today, p.realized_today_cents, p.consecutive_losses_today) == (0, 0, 0)
    # a winner resets the streak
    p.apply_fill(fill(BUY, 4000.00, utc("2024-03-11 23:00"), commission=0))
    p.apply_fill(fill(SELL, 4001.00, utc("2024-03-11 23:05"), commission=0))
    assert (p.consecutive_losses, p.trades_today, p.realized_today_cents) == (0, 1, 4 * 1250)


def test_fall_back_week_boundary_moves_back_to_23_utc() -> None:
    p = Portfolio(ES, 1_000_000)
    # Monday 2024-11-04, CST after the 3 November change: 22:30 UTC is 16:30 Chicago
    p.apply_fill(fill(BUY, 4000.00, utc("2024-11-04 22:30")))
    assert p.trading_day == date(2024, 11, 4) and p.trades_today == 1
    p.mark(utc("2024-11-04 23:00"), 4000.25, 3999.75, 4000.00)
    assert p.trading_day == date(2024, 11, 5) and p.trades_today == 0
    # the Friday before the change, CDT: 22:00 UTC is already 17:00 Chicago
    assert cme_trading_day(utc("2024-11-01 22:00")) == date(2024, 11, 2)


def test_day_bounds_are_23_and_25_hours_on_dst_sundays() -> None:
    hour = 3600 * 10**9
    start, end = cme_day_bounds(date(2024, 3, 11))  # Sunday 17:00 CDT -> Monday 17:00 CDT
    assert (start, end) == (utc("2024-03-10 22:00"), utc("2024-03-11 22:00"))
    start, end = cme_day_bounds(date(2024, 3, 10))  # Saturday 17:00 CST -> Sunday 17:00 CDT
    assert end - start == 23 * hour
    start, end = cme_day_bounds(date(2024, 11, 3))  # Saturday 17:00 CDT -> Sunday 17:00 CST
    assert end - start == 25 * hour


DST_WEEKS = st.sampled_from(["2024-03-06", "2024-10-30", "2025-03-05", "2025-10-29", "2023-03-08"])


@given(start=DST_WEEKS, offsets=st.lists(st.integers(0, 8 * 24 * 3600 * 10**9), min_size=1, max_size=50))
def test_helpers_agree_with_timeutil_around_dst_changes(start: str, offsets: list[int]) -> None:
    base = utc(start)
    ts = np.array(sorted(base + o for o in offsets), dtype=np.int64)
    expected = [cme_trading_day(int(t)) for t in ts]
    assert [d.astype(object) for d in cme_trading_days(ts)] == expected
    for t, day in zip(ts.tolist(), expected, strict=True):
        lo, hi = cme_day_bounds(day)
        assert lo <= t < hi


def test_helpers_on_exact_boundaries() -> None:
    edges = [utc("2024-03-10 22:00") - 1, utc("2024-03-10 22:00"), utc("2024-11-03 23:00") - 1, utc("2024-11-03 23:00")]
    days = [d.astype(object) for d in cme_trading_days(np.array(edges))]
    assert days == [date(2024, 3, 10), date(2024, 3, 11), date(2024, 11, 3), date(2024, 11, 4)]
    assert days == [cme_trading_day(t) for t in edges]
