"""Buy-and-hold over a window: one base-size long from the first bar's open to the last bar's close."""

from __future__ import annotations

import numpy as np

from adapters.bootstrap.backtest import exchange_config
from adapters.bootstrap.config import SystemPlan
from adapters.research.runs import WindowResult
from mia_core.accounting import RoundTrip
from mia_core.metrics import compute_metrics
from mia_core.orders import OrderSide
from mia_core.series import BarSeries


def buy_and_hold(series: BarSeries, start: int, end: int, plan: SystemPlan) -> WindowResult:
    """Hold ``execution.contracts`` long over bars [start, end), paying the broker's commission and slippage.

    Bought at the first bar's open plus ``slippage_ticks``, marked at each close, sold at
    the last close minus ``slippage_ticks``: the same cost model the strategy pays.
    """
    instrument = plan.instrument
    config = exchange_config(plan)
    quantity = plan.settings.execution.contracts
    size, value = instrument.tick_size, instrument.tick_value_cents
    slip = config.slippage_ticks
    entry = round(float(series.open[start]) / size) + slip
    closes = np.round(series.close[start:end] / size).astype(np.int64)
    lows = np.round(series.low[start:end] / size).astype(np.int64)
    highs = np.round(series.high[start:end] / size).astype(np.int64)
    commission = round(config.commission_per_contract * 100) * quantity
    initial = round(config.initial_cash * 100)
    equity = initial + (closes - entry) * value * quantity - commission
    exit_ticks = int(closes[-1]) - slip
    equity[-1] = initial + (exit_ticks - entry) * value * quantity - 2 * commission
    gross = (exit_ticks - entry) * value * quantity
    trip = RoundTrip(
        entry_ts=int(series.ts[start]),
        exit_ts=int(series.ts[end - 1]),
        side=OrderSide.BUY,
        quantity=quantity,
        entry_price=entry * size,
        exit_price=exit_ticks * size,
        gross_cents=gross,
        commission_cents=2 * commission,
        net_cents=gross - 2 * commission,
        mae_ticks=max(0, entry - int(lows.min())),
        mfe_ticks=max(0, int(highs.max()) - entry),
        exit_reason="end_of_window",
        bars_held=end - start - 1,
        symbol=instrument.symbol,
    )
    ts = series.ts[start:end]
    metrics = compute_metrics([trip], ts, equity, initial)
    return WindowResult([trip], ts, equity, initial, metrics, end - start)
