"""The backtest shell: walks a bar series through the simulated exchange and the engine."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Protocol

import attrs
import numpy as np
import numpy.typing as npt

from mia_core import trusted
from mia_core.accounting import RoundTrip, marks
from mia_core.commands import Command
from mia_core.engine import dispatch, failures, walk
from mia_core.engine.core import TradingEngine
from mia_core.engine.failures import ComponentError
from mia_core.errors import MiaError
from mia_core.exchange import SimulatedExchange
from mia_core.journal import JournalEntry
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.signals import Direction

Progress = Callable[[int], None]
PROGRESS_EVERY = 20_000
_NEVER = -(2**62)
_DIRECTIONS = {int(direction): direction for direction in Direction}


class VectorisedSignals(Protocol):
    """A strategy that can compute its signals for a whole series at once.

    It may also have ``signal_reasons``, a mapping from +1/-1 to the ``reason`` its
    ``on_bar`` gives such a signal, so both paths journal the same orders.
    """

    name: str

    def target_directions(self, bars: BarSeries) -> npt.NDArray[np.int8]:
        """+1/-1 where ``on_bar`` would signal LONG/SHORT, 0 elsewhere."""
        ...


@attrs.frozen
class BacktestResult:
    """What a backtest produced: trades, the per-bar equity curve and the journal."""

    bars: int
    round_trips: list[RoundTrip]
    equity_ts: npt.NDArray[np.int64]
    equity_cents: npt.NDArray[np.int64]
    journal: list[JournalEntry]
    final_position: int
    vectorised: bool
    #: ``None`` for a run over every bar; else why it stopped early: "stopped at bar N (time): <reason>"
    stopped: str | None = None


class BacktestStopped(MiaError):
    """A component failed during a backtest: ``error`` names it, ``result`` is what ran until then.

    ``result.stopped`` says where and why; the ``ComponentError`` (chained to the
    original exception) is also the ``__cause__``.
    """

    def __init__(self, error: ComponentError, result: BacktestResult) -> None:
        super().__init__(str(error))
        self.error = error
        self.result = result

    def __str__(self) -> str:
        return str(self.error)  # the shell composing the system may name the plugin after this was raised


class BacktestShell:
    """Carries out the engine's commands on the simulated exchange, bar by bar."""

    def __init__(self, engine: TradingEngine, exchange: SimulatedExchange) -> None:
        self.engine = engine
        self.exchange = exchange

    def deliver(self, events: Sequence[object]) -> None:
        """Hand exchange events to the engine and carry out what it asks."""
        dispatch.deliver(self, events)

    def execute(self, commands: list[Command]) -> None:
        """Carry out commands against the exchange, feeding the resulting events back."""
        dispatch.execute(self, commands)

    def step(self, bar: Bar) -> None:
        """One bar: working orders meet the bar first, then the engine sees it closed."""
        if self.engine.working:
            self.deliver(self.exchange.on_bar(bar))
        commands = self.engine.on_bar(bar)
        if commands:
            self.execute(commands)


def run_backtest(
    series: BarSeries,
    engine: TradingEngine,
    exchange: SimulatedExchange,
    *,
    vectorised: bool = False,
    progress: Progress | None = None,
) -> BacktestResult:
    """Run ``engine`` over ``series``; ``vectorised`` precomputes the strategy's signals.

    The vectorised path calls the strategy's ``target_directions`` once instead of
    ``on_bar`` per bar and builds Bar objects only when orders are working; the
    filters, planner, risk policies, exchange and accounting are the same code. It
    needs a strategy with ``target_directions`` and no techniques or analyzers.
    """
    shell = BacktestShell(engine, exchange)
    try:
        with _cyclic_collector_paused():
            if vectorised:
                _walk_vectorised(series, shell, progress)
            elif walk.can_defer_marks(engine, series):
                walk.walk_bars(series, shell, progress)
            else:
                for i, bar in enumerate(series.trusted()):
                    shell.step(bar)
                    if progress is not None and i % PROGRESS_EVERY == 0:
                        progress(i)
    except ComponentError as error:  # a plugin failed: name the bar, keep what ran until then
        bars = 0 if error.ts is None else int(np.searchsorted(series.ts, error.ts, side="right"))
        error.bar = bars - 1 if bars else None
        raise BacktestStopped(error, _result(engine, vectorised, bars, error.stopped)) from error
    return _result(engine, vectorised, len(series), None)


def _result(engine: TradingEngine, vectorised: bool, bars: int, stopped: str | None) -> BacktestResult:
    equity_ts, equity = engine.portfolio.equity_curve()
    return BacktestResult(
        bars=bars,
        round_trips=list(engine.portfolio.round_trips),
        equity_ts=equity_ts,
        equity_cents=equity,
        journal=engine.journal,
        final_position=engine.portfolio.position.quantity,
        vectorised=vectorised,
        stopped=stopped,
    )


@contextmanager
def _cyclic_collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a run; what the run kept joins the oldest generation.

    A run allocates many short-lived acyclic objects, which reference counting frees;
    pausing the collector meanwhile halves the run time. What the run keeps (journal,
    orders, round trips: about a million objects on the benchmark) would otherwise all
    be young when the collector resumes, and be scanned by the next two collections
    (about 0.2 s). ``gc.freeze``/``gc.unfreeze`` moves every tracked object to the oldest
    generation instead, where the next full collection looks at it as usual, so any
    garbage cycle is still collected (docs/performance.md). A program that froze objects
    itself (before forking workers, say) keeps them frozen: the move is skipped then.
    """
    collecting = gc.isenabled()
    caller_froze = gc.get_freeze_count() > 0
    gc.disable()
    try:
        yield
    finally:
        if not caller_froze:
            gc.freeze()
            gc.unfreeze()
        if collecting:
            gc.enable()


def supports_vectorised(engine: TradingEngine) -> bool:
    """True when the engine's strategy and components allow the vectorised path."""
    return (
        hasattr(engine.strategy, "target_directions")
        and not engine.techniques
        and not engine.analyzers
        and not engine.needs_every_bar
    )


def _walk_vectorised(series: BarSeries, shell: BacktestShell, progress: Progress | None) -> None:
    engine = shell.engine
    if not supports_vectorised(engine):
        raise ValueError("the vectorised path needs a strategy with target_directions and no techniques or analyzers")
    strategy: VectorisedSignals = engine.strategy  # type: ignore[assignment]
    try:
        directions = strategy.target_directions(series)
    except Exception as exc:
        raise failures.raised(failures.STRATEGY, strategy.name, 0, "target_directions", None, exc) from exc
    wrong = failures.describe_directions(directions, len(series))
    if wrong:
        raise failures.ComponentError(failures.STRATEGY, strategy.name, 0, "target_directions", None, wrong)
    reasons: Mapping[int, str] = getattr(strategy, "signal_reasons", None) or {}
    signals = np.flatnonzero(directions).tolist()
    signals.append(len(series))
    ts_col, high_col, low_col, close_col = series.ts, series.high, series.low, series.close
    portfolio = engine.portfolio
    size = engine.instrument.tick_size
    if marks.first_invalid(ts_col, high_col, low_col, portfolio.last_mark_ns) < 0:
        # int32 when the ticks fit; Portfolio.follow's annotation still says int64 (it reads them as ints)
        ticks = (marks.follow_ticks(col, size) for col in (high_col, low_col, close_col))
        portfolio.follow(ts_col, *ticks)
        mark_bars = portfolio.mark_range
        followed = True
    else:  # a bar Portfolio.mark would refuse: mark as it does, so that it raises at that bar
        followed = False

        def mark_bars(first: int, end: int) -> None:
            marks.mark_many(portfolio, ts_col[first:end], high_col[first:end], low_col[first:end], close_col[first:end])

    n = len(series)
    i = k = 0
    try:
        while i < n:
            if engine.working:  # working orders meet the bar first
                shell.deliver(shell.exchange.on_bar(series.trusted_bar(i)))
            if engine.working:  # still working: this bar alone
                end = i + 1
            else:  # nothing working: mark in bulk through the next signal's bar
                while signals[k] < i:
                    k += 1
                end = min(signals[k] + 1, n)
            mark_bars(i, end)
            last = end - 1
            ts = engine.now_ns = int(ts_col[last])
            engine.last_close = float(close_col[last])
            direction = int(directions[last])
            if direction:
                side = _DIRECTIONS.get(direction) or Direction(direction)
                signal = trusted.signal(ts, strategy.name, side, reasons.get(direction, ""))
                shell.execute(engine.on_signal(signal))
            if progress is not None:
                for done in range(-(-i // PROGRESS_EVERY) * PROGRESS_EVERY, end, PROGRESS_EVERY):
                    progress(done)
            i = end
    finally:
        if followed:  # the tick columns are the run's own: free them before the report (a partial one too)
            portfolio.unfollow()
