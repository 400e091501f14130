"""Compose a system from its plan and run it on history (``mia backtest``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from adapters.bootstrap.barcheck import intraday_needs, stale_open_notes
from adapters.bootstrap.config import SystemPlan
from adapters.bootstrap.container import System, build_system
from adapters.bootstrap.data_options import DataOptions, plan_with_data, with_window_filter
from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.plugins import PluginHost
from adapters.bootstrap.system_paths import risk_state_path
from adapters.bootstrap.window import Bounds, select
from adapters.risk.store import FileRiskStateStore
from mia_core.engine.backtest import BacktestResult, BacktestStopped, Progress, run_backtest, supports_vectorised
from mia_core.engine.core import TradingEngine
from mia_core.engine.failures import ComponentError
from mia_core.errors import MiaError
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.metrics import PerformanceMetrics, compute_metrics
from mia_core.orders import Fill, OrderSide
from mia_core.risk.guard import DayGuard
from mia_core.series import BarSeries
from mia_core.timeutil import CHICAGO, to_ns


@attrs.frozen
class BacktestRun:
    """A finished backtest: the plan, the bars it saw, the result and its metrics."""

    plan: SystemPlan
    series: BarSeries
    result: BacktestResult
    metrics: PerformanceMetrics
    initial_cash_cents: int
    warmup_bars: int = 0  # bars before the window that only warmed the system up (not in ``series``)
    notes: tuple[str, ...] = ()
    ticks: int = 0  # trades walked by a tick backtest (``result.bars`` then counts its marks); 0: a bar backtest


class BacktestRunStopped(MiaError):
    """A plugin's component failed during the backtest: ``run`` is what ran until then, ``error`` names it.

    ``run.result.stopped`` says where and why (``None`` in ``run`` when it failed before the first bar).
    """

    def __init__(self, error: ComponentError, run: BacktestRun | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.run = run


_SECTIONS = {"technique": "techniques", "strategy": "strategy", "analyzer": "analyzers",
             "signal_filter": "signal_filters"}


def _named(error: ComponentError, plan: SystemPlan) -> ComponentError:
    """``error`` with the component's YAML instance name and its plugin."""
    planned = plan.sections.get(_SECTIONS.get(error.kind, ""), ())
    if 0 <= error.index < len(planned):
        error.name = planned[error.index].ref.instance_name
        error.plugin = planned[error.index].provider.label
    return error


def _bound_ns(day: dt.date | None, end: bool) -> int | None:
    if day is None:
        return None
    moment = dt.datetime.combine(day, dt.time(23, 59, 59) if end else dt.time(0, 0), tzinfo=CHICAGO)
    return to_ns(moment)


def exchange_config(plan: SystemPlan) -> ExchangeConfig:
    """The simulated exchange's settings: a backtest always fills on the simulated exchange."""
    broker = plan.one("broker")
    if broker.spec.name != "simulated" or not isinstance(broker.config, ExchangeConfig):
        raise ConfigError(
            plan.source, "broker.use", f"a backtest runs on the 'simulated' broker, not {broker.spec.name!r}"
        )
    return broker.config


def load_series(system: System, start: dt.date | None, end: dt.date | None) -> BarSeries:
    """History of the system's instrument within [start, end] (CME dates, inclusive)."""
    return system.data_feed.history(system.plan.instrument, _bound_ns(start, False), _bound_ns(end, True))


def make_engine(system: System, initial_cash_cents: int, *, persist_risk: bool = False) -> TradingEngine:
    """The engine wired with the system's components in YAML order.

    ``persist_risk`` (paper and live sessions) keeps the catastrophe latch in the
    system's own state file (``catastrophe.state_file`` or ``~/.mia/systems/<name>/``),
    so it survives a restart and ``mia risk stop`` / ``rearm`` reach the session whether
    or not the monitor's triggers are enabled; backtests keep it in memory.
    """
    settings = system.plan.settings
    store = FileRiskStateStore(risk_state_path(system.plan)) if persist_risk else None
    guard = None
    if settings.guard.enabled:
        from adapters.calendars.cme import cme_calendar  # pandas-market-calendars: +8 MB, only when a guard runs

        guard = DayGuard(settings.guard, cme_calendar())
    return TradingEngine(
        system.plan.instrument,
        system.strategy,
        techniques=system.techniques,
        technique_names=system.technique_names,
        analyzers=system.analyzers,
        signal_filters=system.signal_filters,
        risk_policies=system.risk_policies,
        execution=settings.execution,
        initial_cash_cents=initial_cash_cents,
        position=settings.position,
        catastrophe=settings.catastrophe,
        risk_store=store,
        guard=guard,
    )


def backtest_engine(system: System) -> tuple[TradingEngine, ExchangeConfig, bool]:
    """The engine, the simulated exchange's settings and whether the vectorised path runs."""
    plan = system.plan
    config = exchange_config(plan)
    engine = make_engine(system, round(config.initial_cash * 100))
    wanted = plan.settings.backtest.vectorised
    allowed = supports_vectorised(engine)
    if wanted and not allowed:
        raise ConfigError(
            plan.source,
            "backtest.vectorised",
            "this system needs the bar-by-bar path (techniques, analyzers, a strategy without target_directions, "
            "position management, the catastrophe monitor or risk policies with daily figures)",
        )
    return engine, config, allowed if wanted is None else wanted


def session_engine(system: System, *, persist_risk: bool = True) -> TradingEngine:
    """The engine of a paper or live session: the simulated exchange's cash, else $100,000 until the broker says."""
    plan = system.plan
    config = exchange_config(plan) if plan.one("broker").spec.name == "simulated" else None
    initial = round(config.initial_cash * 100) if config else 10_000_000
    return make_engine(system, initial, persist_risk=persist_risk)


def run_system(system: System, series: BarSeries, progress: Progress | None = None,
               trade_from: int = 0) -> BacktestRun:
    """Backtest ``system`` over ``series`` and compute its metrics (after costs).

    ``trade_from`` bars at the start only warm the system up: the result, its metrics and
    the run's series leave them out (0: every bar counts).
    """
    plan = system.plan
    engine, config, vectorised = backtest_engine(system)
    initial = round(config.initial_cash * 100)
    exchange = SimulatedExchange(plan.instrument, config)
    try:
        result = run_backtest(series, engine, exchange, vectorised=vectorised, progress=progress)
    except BacktestStopped as stopped:
        error = _named(stopped.error, plan)
        partial = attrs.evolve(stopped.result, stopped=error.stopped)
        run = None
        if partial.bars:
            in_market = engine.portfolio.position_curve() != 0
            metrics = compute_metrics(partial.round_trips, partial.equity_ts, partial.equity_cents, initial,
                                      in_market=in_market)
            run = BacktestRun(plan=plan, series=series, result=partial, metrics=metrics, initial_cash_cents=initial)
        raise BacktestRunStopped(error, run) from error
    if plan.settings.backtest.close_at_end and engine.portfolio.position.quantity:
        _close_at_end(engine, series, config)
        equity_ts, equity = engine.portfolio.equity_curve()
        result = attrs.evolve(
            result,
            round_trips=list(engine.portfolio.round_trips),
            final_position=0,
            equity_ts=equity_ts,
            equity_cents=equity,
        )
    in_market = engine.portfolio.position_curve() != 0
    if trade_from:
        result, in_market, initial, series = _after_warmup(result, in_market, initial, series, trade_from)
    metrics = compute_metrics(result.round_trips, result.equity_ts, result.equity_cents, initial, in_market=in_market)
    return BacktestRun(plan=plan, series=series, result=result, metrics=metrics, initial_cash_cents=initial)


def _after_warmup(result: BacktestResult, in_market: Any, initial: int, series: BarSeries,
                  trade_from: int) -> tuple[BacktestResult, Any, int, BarSeries]:
    """The result from bar ``trade_from`` on: equity, journal and bars of the warm-up left out."""
    t0 = int(series.ts[trade_from])
    inside = result.equity_ts >= t0
    before = result.equity_cents[~inside]
    start_equity = int(before[-1]) if before.size else initial
    journal = [entry for entry in result.journal if entry.ts >= t0]
    trimmed = attrs.evolve(result, bars=result.bars - trade_from, equity_ts=result.equity_ts[inside],
                           equity_cents=result.equity_cents[inside], journal=journal)
    market = in_market[inside] if len(in_market) == len(inside) else in_market
    return trimmed, market, start_equity, series.slice(trade_from, len(series))


def _close_at_end(engine: TradingEngine, series: BarSeries, config: ExchangeConfig) -> None:
    quantity = engine.portfolio.position.quantity
    last = len(series) - 1
    fill = Fill(
        order_id="end-of-data",
        instrument=engine.instrument,
        side=OrderSide.SELL if quantity > 0 else OrderSide.BUY,
        quantity=abs(quantity),
        price=float(series.close[last]),
        ts=int(series.ts[last]),
        commission_cents=round(config.commission_per_contract * 100) * abs(quantity),
    )
    engine.portfolio.apply_fill(fill, "end_of_data")
    engine.portfolio.mark(int(series.ts[last]), float(series.high[last]), float(series.low[last]), fill.price)


def backtest_plan(
    plan: SystemPlan,
    host: PluginHost,
    *,
    data: Path | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    progress: Progress | None = None,
    data_options: DataOptions | None = None,
    on_total: Callable[[int], None] | None = None,
) -> BacktestRun:
    """Build the system of ``plan`` (its data feed replaced by ``data`` if given) and backtest it on bars.

    With a first day (``start`` or ``backtest.start``) the bars before it warm the system up
    (as many as its longest warm-up) and a ``trading_window`` filter keeps it from opening
    positions there; trades, equity and metrics cover the window only. (``mia backtest``
    may walk trades instead: adapters/bootstrap/tick_backtest.py.)
    """
    system, bounds = build_for_backtest(plan, host, data=data, start=start, end=end, data_options=data_options)
    try:
        return run_on_bars(system, bounds, progress, on_total)
    finally:
        system.close()


def build_for_backtest(plan: SystemPlan, host: PluginHost, *, data: Path | None = None,
                       start: dt.date | None = None, end: dt.date | None = None,
                       data_options: DataOptions | None = None, ticks: bool = False) -> tuple[System, Bounds]:
    """The system of ``plan`` (its feed replaced by ``data``: a file of trades with ``ticks``) and its window."""
    window = plan.settings.backtest
    bounds = Bounds(start or window.start, end or window.end, "--from" if start else "backtest.start",
                    "--to" if end else "backtest.end")
    planned = plan_with_data(plan, host, data, data_options, ticks=ticks)
    if bounds.start is not None:
        planned = with_window_filter(planned, host, bounds.start)
    return build_system(planned), bounds


def run_on_bars(system: System, bounds: Bounds, progress: Progress | None = None,
                on_total: Callable[[int], None] | None = None, notes: tuple[str, ...] = ()) -> BacktestRun:
    """The bar backtest of ``system`` on its feed's bars in ``bounds`` (with the warm-up before them)."""
    chosen = select(system.data_feed.history(system.plan.instrument), bounds, system)
    warnings = [*intraday_needs(system, chosen.series), *stale_open_notes(chosen.series), *notes]
    if on_total is not None:
        on_total(len(chosen.series))
    run = run_system(system, chosen.series, progress, trade_from=chosen.warmup)
    return attrs.evolve(run, warmup_bars=chosen.warmup, notes=(*warnings, *chosen.notes))
