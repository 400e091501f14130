"""Metrics by hand: trade statistics, drawdowns, CME-day resampling, edge cases, table rows, CSV frame."""

from __future__ import annotations

import math
import statistics
from datetime import date

import numpy as np
import pandas as pd
import pytest

from mia_core.accounting import ROUND_TRIP_COLUMNS, Portfolio, RoundTrip, round_trips_frame
from mia_core.errors import DomainValueError
from mia_core.instruments import ES
from mia_core.metrics import compute_metrics, daily_series, metrics_table_rows, portfolio_metrics
from mia_core.orders import Fill, OrderSide


def utc(text: str) -> int:
    return pd.Timestamp(text, tz="UTC").value


def trip(net_cents: int, entry_ts: int = 0, exit_ts: int = 1, bars: int = 0) -> RoundTrip:
    return RoundTrip(
        entry_ts=entry_ts, exit_ts=exit_ts, side=OrderSide.BUY, quantity=1, entry_price=4000.0, exit_price=4000.0,
        gross_cents=net_cents + 100, commission_cents=100, net_cents=net_cents, mae_ticks=0, mfe_ticks=0,
        bars_held=bars,
    )  # fmt: skip


TRIPS = [trip(30_000, bars=2), trip(-10_000, bars=4), trip(-20_000), trip(0), trip(50_000, bars=4)]
INITIAL = 1_000_000
# Wednesday 2024-05-01 (CDT, UTC-5): 21:00 UTC is 16:00 Chicago; 22:30 UTC is 17:30 -> Thursday's session
CURVE = [
    (utc("2024-05-01 14:00"), 1_010_000),
    (utc("2024-05-01 20:00"), 1_020_000),
    (utc("2024-05-01 21:00"), 1_005_000),
    (utc("2024-05-01 22:30"), 990_000),
    (utc("2024-05-02 15:00"), 1_000_000),
    (utc("2024-05-03 14:00"), 1_030_000),
]
TS = np.array([t for t, _ in CURVE], dtype=np.int64)
EQUITY = np.array([e for _, e in CURVE], dtype=np.int64)


def test_trade_statistics_by_hand() -> None:
    m = compute_metrics(TRIPS, TS, EQUITY, INITIAL)
    assert (m.trades, m.winners, m.losers) == (5, 2, 2)
    assert (m.net_pnl, m.net_pnl_cents, m.gross_profit, m.gross_loss) == (500.0, 50_000, 800.0, -300.0)
    assert m.commissions == 5.0
    assert m.win_rate == pytest.approx(0.4)
    assert m.profit_factor == pytest.approx(800 / 300)
    assert m.expectancy == pytest.approx(100.0)
    assert (m.average_win, m.average_loss) == (400.0, -150.0)
    assert (m.largest_win, m.largest_loss) == (500.0, -200.0)
    # + - - 0 +: the scratch trade ends the losing run
    assert (m.longest_losing_streak, m.longest_winning_streak) == (2, 1)
    assert m.average_bars_held == pytest.approx(2.0)


def test_curve_and_daily_figures_by_hand() -> None:
    m = compute_metrics(TRIPS, TS, EQUITY, INITIAL)
    assert m.ending_equity == 10_300.0 and m.total_return == pytest.approx(0.03)
    # intraday: peak $10,200 then $9,900
    assert m.max_drawdown == 300.0
    assert m.max_drawdown_pct == pytest.approx(300 / 10_200)
    # trading days close at $10,050, $10,000, $10,300
    assert m.trading_days == 3
    assert (m.best_day, m.worst_day, m.average_daily_pnl) == (300.0, -50.0, 100.0)
    assert m.daily_max_drawdown_pct == pytest.approx(50 / 10_050)
    returns = [50 / 10_000, -50 / 10_050, 300 / 10_000]
    assert m.sharpe == pytest.approx(statistics.mean(returns) / statistics.stdev(returns) * math.sqrt(252))
    downside = math.sqrt(sum(min(r, 0.0) ** 2 for r in returns) / 3) * math.sqrt(252)
    assert m.sortino == pytest.approx(statistics.mean(returns) * 252 / downside)
    assert m.annual_volatility == pytest.approx(statistics.stdev(returns) * math.sqrt(252))
    assert m.annual_return == pytest.approx(1.03 ** (252 / 3) - 1)
    assert m.calmar == pytest.approx((1.03 ** (252 / 3) - 1) / (50 / 10_050))
    daily = daily_series(TS, EQUITY, INITIAL)
    assert [d.astype(object) for d in daily.days] == [date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)]
    assert daily.equity_cents.tolist() == [1_005_000, 1_000_000, 1_030_000]
    assert daily.pnl_cents.tolist() == [5_000, -5_000, 30_000]
    assert daily.returns == pytest.approx(returns) and daily.valid


def test_exposure_from_round_trips_or_mask() -> None:
    ts = np.arange(10, dtype=np.int64) * 60 * 10**9 + utc("2024-05-01 14:00")
    equity = np.full(10, INITIAL, dtype=np.int64)
    trips = [trip(1, entry_ts=int(ts[2]), exit_ts=int(ts[5])), trip(1, entry_ts=int(ts[4]), exit_ts=int(ts[7]))]
    # marks 2..6 are inside [entry, exit) of one trip or the other
    assert compute_metrics(trips, ts, equity, INITIAL).exposure == pytest.approx(0.5)
    mask = np.zeros(10, dtype=bool)
    mask[:3] = True
    assert compute_metrics(trips, ts, equity, INITIAL, in_market=mask).exposure == pytest.approx(0.3)
    with pytest.raises(DomainValueError, match="in_market"):
        compute_metrics(trips, ts, equity, INITIAL, in_market=mask[:5])


def test_edge_cases() -> None:
    empty = compute_metrics([], [], [], INITIAL)
    assert (empty.trades, empty.trading_days, empty.max_drawdown, empty.net_pnl) == (0, 0, 0.0, 0.0)
    for name in ("win_rate", "profit_factor", "expectancy", "average_win", "average_loss", "largest_win", "sharpe",
                 "sortino", "calmar", "annual_return", "exposure", "best_day", "average_daily_pnl"):  # fmt: skip
        assert math.isnan(getattr(empty, name)), name
    assert empty.ending_equity == INITIAL / 100 and empty.total_return == 0.0
    no_losses = compute_metrics([trip(100), trip(0)], TS, EQUITY, INITIAL)
    assert no_losses.profit_factor == math.inf and math.isnan(no_losses.average_loss)
    only_losses = compute_metrics([trip(-100)], TS, EQUITY, INITIAL)
    assert only_losses.profit_factor == 0.0
    flat = np.full(4, INITIAL, dtype=np.int64)
    days = np.array([utc(f"2024-05-0{d} 15:00") for d in (1, 2, 3, 6)], dtype=np.int64)
    still = compute_metrics([], days, flat, INITIAL)
    # zero volatility: Sharpe and Sortino undefined, no drawdown so no Calmar
    assert math.isnan(still.sharpe) and math.isnan(still.sortino) and math.isnan(still.calmar)
    assert (still.annual_return, still.annual_volatility, still.max_drawdown_pct) == (0.0, 0.0, 0.0)
    rising = compute_metrics([], days, np.array([INITIAL + k for k in (1, 2, 3, 4)]), INITIAL)
    assert rising.sortino == math.inf and math.isnan(rising.calmar)
    one_day = compute_metrics([], days[:1], flat[:1] + 500, INITIAL)
    assert math.isnan(one_day.sharpe) and one_day.trading_days == 1
    blown = compute_metrics([], days, np.array([500_000, -10_000, 20_000, 30_000]), INITIAL)
    assert math.isnan(blown.sharpe) and math.isnan(blown.annual_return) and blown.max_drawdown == 10_100.0
    with pytest.raises(DomainValueError, match="equity_ts"):
        daily_series(days[::-1], flat, INITIAL)


def test_table_rows_are_formatted() -> None:
    rows = dict(metrics_table_rows(compute_metrics(TRIPS, TS, EQUITY, INITIAL)))
    assert rows["Net P&L"] == "$500.00" and rows["Gross loss"] == "-$300.00"
    assert rows["Win rate"] == "40.00%" and rows["Profit factor"] == "2.67"
    assert rows["Trades"] == "5" and rows["Max drawdown %"] == "2.94%"
    rows = dict(metrics_table_rows(compute_metrics([trip(123_456)], [], [], INITIAL)))
    assert rows["Profit factor"] == "inf" and rows["Sharpe"] == "n/a" and rows["Largest win"] == "$1,234.56"
    assert all(isinstance(label, str) and isinstance(value, str) for label, value in metrics_table_rows(
        compute_metrics([], [], [], INITIAL)))  # fmt: skip


def test_round_trips_frame_has_dollar_columns_and_exports() -> None:
    p = Portfolio(ES, INITIAL)
    p.apply_fill(Fill(order_id="a", instrument=ES, side=OrderSide.SELL, quantity=2, price=4000.0,
                      ts=utc("2024-05-01 14:00"), commission_cents=450))  # fmt: skip
    p.mark(utc("2024-05-01 14:01"), 4000.5, 3999.0, 3999.5)
    p.apply_fill(Fill(order_id="b", instrument=ES, side=OrderSide.BUY, quantity=2, price=3999.25,
                      ts=utc("2024-05-01 14:02"), commission_cents=450), reason="take_profit")  # fmt: skip
    frame = round_trips_frame(p.round_trips)
    assert tuple(frame.columns) == ROUND_TRIP_COLUMNS
    row = frame.iloc[0]
    # short 2 from 4000.00 to 3999.25: 3 ticks x $12.50 x 2 = $75.00, commissions $9.00
    assert (row["direction"], row["side"], row["gross_pnl"], row["commission"], row["net_pnl"]) == (
        "short", "sell", 75.0, 9.0, 66.0)  # fmt: skip
    # adverse 0.50 = 2 ticks, favourable 1.00 = 4 ticks at the low, per contract; dollars for 2 contracts
    assert (row["mae_ticks"], row["mfe_ticks"], row["mae"], row["mfe"]) == (2, 4, 50.0, 100.0)
    assert row["entry_time"] == pd.Timestamp("2024-05-01 14:00", tz="UTC") and row["exit_reason"] == "take_profit"
    csv = frame.to_csv(index=False)
    assert csv.splitlines()[0] == ",".join(ROUND_TRIP_COLUMNS) and "take_profit" in csv and ",66.0," in csv
    assert list(round_trips_frame([]).columns) == list(ROUND_TRIP_COLUMNS)
    m = portfolio_metrics(p)
    assert m.net_pnl == 66.0 and m.exposure == 1.0 and m.trading_days == 1
