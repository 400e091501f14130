"""The system's backtest on each test fold's period: without the filter, with the fold's model, with random picks."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from adapters.bootstrap.backtest import run_system
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import System, build_system
from adapters.bootstrap.plugins import PluginHost
from adapters.bootstrap.window import system_warmup
from adapters.ml.dataset import with_mode
from mia_core.errors import MiaError
from mia_core.series import BarSeries
from mia_core.signals import Direction, Signal
from ports.context import StrategyContext
from ports.meta_label import Learner, StoredModel
from ports.signal_filter import SignalFilter


@attrs.frozen
class FoldWindow:
    """A test fold's period: its first bar's time (inclusive) and the next fold's first (exclusive; None: data end)."""

    fold: int
    start_ns: int
    end_ns: int | None


@attrs.frozen
class FoldRun:
    """One backtest of a fold's period: closed trades, net dollars after costs (open P&L included), take figures."""

    trades: int
    net: float
    judged: int = 0
    taken: int = 0


def fold_windows(fold: NDArray[np.int64], start_ns: NDArray[np.int64]) -> list[FoldWindow]:
    """Each tested fold's period: from its first candidate's time to the next block's first (rows in time order)."""
    out = []
    for k in np.unique(fold[fold >= 0]):
        rows = np.flatnonzero(fold == k)
        after = int(rows[-1]) + 1
        out.append(FoldWindow(int(k), int(start_ns[rows[0]]), int(start_ns[after]) if after < len(start_ns) else None))
    return out


class Gated:
    """``inner`` from the window's first bar on; before it an entry is refused (those bars only warm up)."""

    def __init__(self, inner: SignalFilter, start_ns: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.start_ns = start_ns

    def apply(self, signal: Signal, context: StrategyContext) -> Signal:
        """Refuse an entry before the window; otherwise what ``inner`` decides."""
        if signal.ts < self.start_ns and _is_entry(signal, context):
            return signal.neutralised("ml evaluate: warm-up before the fold's period")
        return self.inner.apply(signal, context)


class RandomTake:
    """Takes each entry signal with probability ``rate`` (seeded), refuses the others: the random filter baseline."""

    def __init__(self, name: str, rate: float, seed: int) -> None:
        self.name = name
        self.rate = rate
        self._rng = random.Random(seed)
        self.judged = 0
        self.taken = 0

    def apply(self, signal: Signal, context: StrategyContext) -> Signal:
        """Pass a non-entry; take an entry with probability ``rate``."""
        if not _is_entry(signal, context):
            return signal
        self.judged += 1
        if self._rng.random() < self.rate:
            self.taken += 1
            return signal
        return signal.neutralised(f"random filter: take-rate {self.rate:.2f}")


def _is_entry(signal: Signal, context: StrategyContext) -> bool:
    return signal.direction is not Direction.FLAT and not context.position.quantity * signal.direction > 0


#: What runs at the learning filter's place in one backtest, given the system's own learner.
Judge = Callable[[Learner], SignalFilter]


class FoldBacktests:
    """Builds the system afresh for each run and backtests one fold's period after a warm-up, after costs."""

    def __init__(self, data: Mapping[str, Any], host: PluginHost, series: BarSeries, source: str) -> None:
        self.data, self.host, self.series, self.source = data, host, series, source

    def run(self, window: FoldWindow, mode: str, judge: Judge | None = None) -> FoldRun:
        """Backtest ``window`` with the ``ml_filter`` in ``mode`` (``record`` takes all), or replaced by ``judge``."""
        system = build_system(plan_system(with_mode(self.data, mode), self.host, source=self.source))
        try:
            index = [i for i, f in enumerate(system.signal_filters) if isinstance(f, Learner)]
            if not index:
                raise MiaError(f"{self.source}: the system has no learning signal filter (`- use: ml_filter`)")
            learner = system.signal_filters[index[0]]
            assert isinstance(learner, Learner)
            inner: SignalFilter = judge(learner) if judge is not None else learner
            filters = list(system.signal_filters)
            filters[index[0]] = Gated(inner, window.start_ns)
            return self._run(attrs.evolve(system, signal_filters=tuple(filters)), window, inner)
        finally:
            system.close()

    def _run(self, system: System, window: FoldWindow, inner: SignalFilter) -> FoldRun:
        ts = self.series.ts
        first = int(np.searchsorted(ts, window.start_ns, side="left"))
        last = len(ts) if window.end_ns is None else int(np.searchsorted(ts, window.end_ns, side="left"))
        warm = min(first, system_warmup(system)[0] + 1)
        run = run_system(system, self.series.slice(first - warm, last), trade_from=warm)
        equity = run.result.equity_cents
        net = (int(equity[-1]) - run.initial_cash_cents) / 100 if len(equity) else 0.0
        figures = _judged(inner)
        return FoldRun(len(run.result.round_trips), net, *figures)


def _judged(inner: object) -> tuple[int, int]:
    if isinstance(inner, RandomTake):
        return inner.judged, inner.taken
    monitor = getattr(inner, "monitor_figures", None)
    figures = monitor() if callable(monitor) else {}
    judged = int(figures.get("judged", 0))
    return judged, round(judged * figures.get("take_rate", 0.0))


def installed(model: StoredModel) -> Judge:
    """A judge: the system's own learning filter (in filter mode) with ``model`` installed."""
    def judge(learner: Learner) -> SignalFilter:
        learner.install(model)
        assert isinstance(learner, SignalFilter)
        return learner
    return judge


def stored(fold: int, model: Any) -> StoredModel:
    """A fold's fitted model (``parts`` and ``metadata``) as the filter installs it."""
    return StoredModel(name=f"fold {fold}", version=str(fold), metadata=dict(model.metadata), parts=dict(model.parts))


def _random(rate: float, seed: int) -> Judge:
    return lambda learner: RandomTake(learner.name, rate, seed)


@attrs.frozen
class FoldResult:
    """One fold: the window, the runs without and with the filter, and the random runs at its take-rate."""

    window: FoldWindow
    without: FoldRun
    with_filter: FoldRun
    random: tuple[FoldRun, ...]


def compare(runner: FoldBacktests, windows: Sequence[FoldWindow], judges: Mapping[int, Judge],
            random_runs: int = 20, seed: int = 11) -> list[FoldResult]:
    """Each window backtested without the filter, with its judge, and ``random_runs`` times at the judge's take-rate."""
    out = []
    for window in windows:
        without = runner.run(window, "record")
        with_filter = runner.run(window, "filter", judges[window.fold])
        rate = with_filter.taken / with_filter.judged if with_filter.judged else 0.0
        if rate in (0.0, 1.0) and random_runs:  # takes none or all: every seed gives the same run
            randoms = (runner.run(window, "record", _random(rate, seed + 1000 * window.fold)),) * random_runs
        else:
            randoms = tuple(runner.run(window, "record", _random(rate, seed + 1000 * window.fold + i))
                            for i in range(random_runs))
        out.append(FoldResult(window, without, with_filter, randoms))
    return out
