"""The bar-by-bar walk: the strategy sees every bar, and the bars between orders are marked in bulk."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from mia_core.accounting import Portfolio, marks
from mia_core.engine import failures
from mia_core.engine.core import TradingEngine
from mia_core.engine.dispatch import Carrier  # what the walk needs of the shell, as the shell's loops do
from mia_core.engine.view import EngineView
from mia_core.instruments import Instrument
from mia_core.market import Bar
from mia_core.orders import Order, OrderIntent
from mia_core.risk.desk import RiskDesk
from mia_core.series import BUILD_BAR, BarSeries
from mia_core.signals import Signal

PROGRESS_EVERY = 20_000


class DeferredMarks:
    """Bars whose marks are due but not yet made: ``done`` to ``due - 1`` of the followed series.

    ``Portfolio.mark_range`` over a run of bars leaves the same books as one
    ``Portfolio.mark`` per bar (``tests/accounting/test_marking_ways.py``), so the walk
    marks a run of quiet bars at once, when something is about to read or change the
    portfolio: a fill, a signal, a risk ledger roll, or the strategy reading its context.
    """

    __slots__ = ("done", "due", "portfolio")

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.done = 0
        self.due = 0

    def catch_up(self) -> None:
        """Mark every bar that is due."""
        if self.done < self.due:
            self.portfolio.mark_range(self.done, self.due)
            self.done = self.due


class MarkedEngine:
    """The engine as the strategy's context reads it: due marks are made before the portfolio is read."""

    __slots__ = ("_engine", "_marks")

    def __init__(self, engine: TradingEngine, deferred: DeferredMarks) -> None:
        self._engine = engine
        self._marks = deferred

    @property
    def now_ns(self) -> int:
        """Instant of the bar being processed."""
        return self._engine.now_ns

    @property
    def instrument(self) -> Instrument:
        """The traded instrument."""
        return self._engine.instrument

    @property
    def portfolio(self) -> Portfolio:
        """The portfolio, marked through the current bar."""
        self._marks.catch_up()
        return self._engine.portfolio

    @property
    def features(self) -> Mapping[str, float]:
        """Latest technique outputs."""
        return self._engine.features

    @property
    def analyses(self) -> Mapping[str, Mapping[str, float]]:
        """Latest analyzer values."""
        return self._engine.analyses

    @property
    def batch(self) -> Sequence[OrderIntent]:
        """Intents approved earlier in the decision being made."""
        return self._engine.batch

    @property
    def signal(self) -> Signal | None:
        """The signal being acted on."""
        return self._engine.signal

    @property
    def desk(self) -> RiskDesk:
        """The risk desk (its figures may read the portfolio: marked first)."""
        self._marks.catch_up()
        return self._engine.desk

    def live_orders(self) -> list[Order]:
        """Working orders, less those the decision being made cancels."""
        return self._engine.live_orders()

    def exposure(self) -> int:
        """Signed position plus working parent orders plus intents approved earlier."""
        return self._engine.exposure()


def can_defer_marks(engine: TradingEngine, series: BarSeries) -> bool:
    """True when the walk may mark quiet bars in bulk: no risk desk acting on every bar, marks the portfolio takes."""
    if engine.needs_every_bar or not len(series):
        return False
    return marks.first_invalid(series.ts, series.high, series.low, engine.portfolio.last_mark_ns) < 0


def walk_bars(series: BarSeries, shell: Carrier, progress: Callable[[int], None] | None) -> None:
    """Every bar through the exchange and the engine, as ``BacktestShell.step`` does, quiet bars marked in bulk.

    The caller checked :func:`can_defer_marks`. Per bar: working orders meet the bar,
    the engine's clock and last close move, the risk ledger rolls, analyzers and
    techniques update, the strategy is asked; the portfolio is marked only when
    something reads or changes it, and at the end. The bars are built here, from the
    series' columns a block at a time, exactly as ``series.trusted()`` builds them.
    """
    engine = shell.engine
    portfolio = engine.portfolio
    size = engine.instrument.tick_size
    # int32 when the ticks fit; Portfolio.follow's annotation still says int64 (it reads them as ints)
    ticks = (marks.follow_ticks(col, size) for col in (series.high, series.low, series.close))
    portfolio.follow(series.ts, *ticks)
    deferred = DeferredMarks(portfolio)
    try:
        _walk(series, shell, engine, deferred, progress)
    finally:  # a partial run too: the bars seen are marked, the tick columns let go
        deferred.catch_up()
        portfolio.unfollow()


def _walk(series: BarSeries, shell: Carrier, engine: TradingEngine, deferred: DeferredMarks,
          progress: Callable[[int], None] | None) -> None:
    view = EngineView(MarkedEngine(engine, deferred))
    strategy = engine.strategy
    name = strategy.name
    strategy_on_bar = strategy.on_bar
    ledger = engine.ledger
    portfolio = engine.portfolio
    exchange = shell.exchange
    deliver, execute = shell.deliver, shell.execute
    components = bool(engine.analyzers or engine.publishing)
    instrument = series.instrument
    build = BUILD_BAR
    trusted = series.trusted()
    n = len(trusted)
    step = trusted.BLOCK
    for lo in range(0, n, step):
        ts_col, open_col, high_col, low_col, close_col, volume_col, bid_col, ask_col = trusted.block(
            lo, min(n, lo + step))
        i = lo
        # Any: the lists' own objects go into the Bar (compiled, no unboxing and boxing again)
        for ts, open_, high, low, close, volume, bid, ask in zip(
                ts_col, open_col, high_col, low_col, close_col, volume_col, bid_col, ask_col, strict=True):
            bar: Bar = build(instrument, ts, open_, high, low, close, volume, bid, ask, None)
            if engine.working:  # working orders meet the bar first, the portfolio marked up to it
                deferred.catch_up()
                deliver(exchange.on_bar(bar))
            engine.now_ns = ts
            engine.last_close = close
            if ledger.track:
                if not ledger.start_ns <= ts < ledger.end_ns:
                    deferred.catch_up()
                    ledger.roll(ts, portfolio.equity_cents)
                ledger.last_price = close
            i += 1  # bars seen, this one included: marks are due up to it
            deferred.due = i
            if components:
                engine.update_components(bar)
            try:
                result: object = strategy_on_bar(bar, view)
            except Exception as exc:
                raise failures.raised(failures.STRATEGY, name, 0, "on_bar", ts, exc) from exc
            if result is not None:
                signal = failures.checked_signal(result, name, ts)
                deferred.catch_up()
                commands = engine.on_signal(signal)
                if commands:
                    execute(commands)
            if progress is not None and (i - 1) % PROGRESS_EVERY == 0:
                progress(i - 1)
