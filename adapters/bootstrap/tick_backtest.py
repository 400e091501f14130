"""``mia backtest`` on trades: the tick backtest of a system whose feed gives trades and whose strategy has on_tick."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import attrs
import numpy as np

from adapters.bootstrap.backtest import (
    BacktestRun,
    BacktestRunStopped,
    _close_at_end,
    _named,
    build_for_backtest,
    exchange_config,
    make_engine,
    run_on_bars,
)
from adapters.bootstrap.config import SystemPlan
from adapters.bootstrap.container import System
from adapters.bootstrap.data_options import DataOptions
from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.plugins import PluginHost
from adapters.bootstrap.window import Bounds, WindowError
from mia_core.accounting import cme_trading_days
from mia_core.engine.backtest import BacktestStopped, Progress
from mia_core.exchange import SimulatedExchange
from mia_core.metrics import compute_metrics
from mia_core.ticks.backtest import refusal, run_tick_backtest
from mia_core.ticks.bars import time_bars
from mia_core.ticks.tape import Tape
from ports.tick_feed import TapeFeed


def _strategy_label(system: System) -> str:
    planned = system.plan.one("strategy")
    return f"strategy {planned.ref.instance_name!r} (plugin {planned.provider.label})"


def wants_ticks(system: System, ticks: bool | None) -> bool:
    """Whether the backtest walks trades: ``ticks`` (--ticks / --bars) or, unset, a feed of trades and ``on_tick``.

    ``--ticks`` with a strategy that has no ``on_tick`` or a feed of bars is a ConfigError naming which.
    """
    trades = isinstance(system.data_feed, TapeFeed)
    hooked = callable(getattr(system.strategy, "on_tick", None))
    if ticks is None:
        return trades and hooked
    if not ticks:
        return False
    plan = system.plan
    if not hooked:
        raise ConfigError(plan.source, "strategy.use", f"--ticks: {_strategy_label(system)} has no "
                          "on_tick(ts, price, size, side, context); a tick strategy has one (e.g. order_flow)")
    if not trades:
        feed = plan.one("data_feed").spec.name
        raise ConfigError(plan.source, "data_feed.use", f"--ticks: data feed {feed!r} gives bars, not trades; "
                          "use the 'ticks' feed (a .scid file of tick records or a CSV/Parquet file of trades)")
    return True


def on_bars_notes(system: System, ticks: bool | None) -> list[str]:
    """A note when a tick strategy runs on bars because the feed gives none of its trades (not asked with --bars)."""
    if ticks is not None or not callable(getattr(system.strategy, "on_tick", None)):
        return []
    feed = system.plan.one("data_feed").spec.name
    return [f"{_strategy_label(system)} has on_tick, but data feed {feed!r} gives bars: it ran on bars "
            "(on_bar); the 'ticks' feed gives it trades (docs/data.md)"]


def _check(system: System, exchange: SimulatedExchange, reason: str) -> None:
    """``reason`` (why the tick backtest refuses this system) as a ConfigError naming the YAML key."""
    plan = system.plan
    if exchange.config.market_fill != "next_trade":
        raise ConfigError(plan.source, "broker.market_fill", f"a tick backtest fills market orders at the next "
                          f"trade: set market_fill: next_trade (it is {exchange.config.market_fill!r})")
    if plan.settings.backtest.vectorised:
        raise ConfigError(plan.source, "backtest.vectorised", "a tick backtest walks every trade: remove "
                          "vectorised: true")
    key = ("techniques" if system.techniques else "analyzers" if system.analyzers
           else "position" if plan.settings.position.enabled else "catastrophe" if "risk desk" in reason
           else "strategy")
    raise ConfigError(plan.source, key, f"{_strategy_label(system)}: {reason}")


def window_tape(system: System, bounds: Bounds) -> Tape:
    """The feed's trades on the window's CME trading days (inclusive, as on bars); a WindowError when none."""
    feed = system.data_feed
    assert isinstance(feed, TapeFeed)
    whole = feed.tape(system.plan.instrument)
    start, end = bounds.start, bounds.end
    if start is None and end is None:
        return whole
    if start and end and start > end:
        raise WindowError(f"{bounds.start_label} {start} is after {bounds.end_label} {end}")
    days = cme_trading_days(whole.ts)
    lo = 0 if start is None else int(np.searchsorted(days, np.datetime64(start, "D"), side="left"))
    hi = len(whole) if end is None else int(np.searchsorted(days, np.datetime64(end, "D"), side="right"))
    if hi <= lo:
        raise WindowError(f"no trades from {start or days[0]} to {end or days[-1]}: the data runs "
                          f"{days[0]} to {days[-1]} (CME trading days)")
    return whole.slice(lo, hi)


def run_tick_system(system: System, bounds: Bounds, progress: Progress | None = None,
                    on_total: Callable[[int], None] | None = None) -> BacktestRun:
    """The tick backtest of ``system`` on its feed's trades in ``bounds``, with the bar backtest's run and metrics.

    The portfolio is marked once per feed bar (``bar``, 1 minute by default); the run's
    series are those bars, built from the trades, for the report's charts.
    """
    plan = system.plan
    feed = system.data_feed
    assert isinstance(feed, TapeFeed)
    config = exchange_config(plan)
    initial = round(config.initial_cash * 100)
    engine = make_engine(system, initial)
    exchange = SimulatedExchange(plan.instrument, config)
    reason = refusal(engine, exchange)
    if reason or plan.settings.backtest.vectorised:
        _check(system, exchange, reason)
    tape = window_tape(system, bounds)
    series = time_bars(tape, feed.bar_seconds).series
    if on_total is not None:
        on_total(len(tape))
    try:
        result = run_tick_backtest(tape, engine, exchange, mark_seconds=feed.bar_seconds, progress=progress)
    except BacktestStopped as stopped:
        error = _named(stopped.error, plan)
        partial = attrs.evolve(stopped.result, stopped=error.stopped)
        run = None
        if partial.bars:
            metrics = compute_metrics(partial.round_trips, partial.equity_ts, partial.equity_cents, initial,
                                      in_market=engine.portfolio.position_curve() != 0)
            run = BacktestRun(plan=plan, series=series, result=partial, metrics=metrics, initial_cash_cents=initial,
                              ticks=len(tape))
        raise BacktestRunStopped(error, run) from error
    if plan.settings.backtest.close_at_end and engine.portfolio.position.quantity:
        _close_at_end(engine, series, config)
        equity_ts, equity = engine.portfolio.equity_curve()
        result = attrs.evolve(result, round_trips=list(engine.portfolio.round_trips), final_position=0,
                              equity_ts=equity_ts, equity_cents=equity)
    metrics = compute_metrics(result.round_trips, result.equity_ts, result.equity_cents, initial,
                              in_market=engine.portfolio.position_curve() != 0)
    note = f"tick backtest: {len(tape):,} trades, marked every {feed.bar_seconds} s and before each fill"
    return BacktestRun(plan=plan, series=series, result=result, metrics=metrics, initial_cash_cents=initial,
                       notes=(note,), ticks=len(tape))


def backtest_plan_on_trades_or_bars(
    plan: SystemPlan,
    host: PluginHost,
    *,
    data: Path | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    progress: Progress | None = None,
    data_options: DataOptions | None = None,
    on_total: Callable[[int], None] | None = None,
    ticks: bool | None = None,
) -> BacktestRun:
    """``mia backtest``: :func:`~adapters.bootstrap.backtest.backtest_plan`, or the tick backtest.

    On trades when ``ticks`` (``--ticks``; ``data`` is then read by the ``ticks`` feed), or
    when unset and the feed gives trades and the strategy has ``on_tick``; else on bars
    (``--bars``), with a note when a tick strategy runs on bars.
    """
    system, bounds = build_for_backtest(plan, host, data=data, start=start, end=end, data_options=data_options,
                                        ticks=bool(ticks))
    try:
        if wants_ticks(system, ticks):
            return run_tick_system(system, bounds, progress, on_total)
        return run_on_bars(system, bounds, progress, on_total, notes=tuple(on_bars_notes(system, ticks)))
    finally:
        system.close()
