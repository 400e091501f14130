"""``mia bench pipeline``: Battle Navale's feature + decision pipeline, per bar and as a backtest.

The system is composed through the registry as YAML would say it: the ``synthetic``
data feed (seeded ES one-minute bars), the seven Battle Navale techniques with their
default settings, the ``battle_navale`` strategy. Three figures:

- incremental latency: for each bar, every technique's ``update`` and the strategy's
  ``on_bar`` (regime, setups, confluence, confidence, stop/target), timed bar by bar
  with ``perf_counter_ns``: median, p99 and max;
- bar-by-bar engine backtest of the same system on every bar of the backtest (bars per
  second, round trips), in a fresh process so that its peak resident memory is its own;
- vectorised throughput: a backtest through the engine's vectorised path
  (``run_backtest(vectorised=True)``) whose strategy first computes the feature
  columns its decision reads with ``compute`` and every decision with
  ``decide_arrays`` (in blocks; its hints filter puts each entry's bracket back, so it
  trades like the bar-by-bar run): bars per second of the whole run, features and
  decisions included, also in a fresh process, with its own peak resident memory.
"""

from __future__ import annotations

import gc
import multiprocessing
import time
from collections.abc import Mapping, Sequence
from queue import Empty
from typing import Any

import attrs
import numpy as np

from adapters.bench.memory import peak_rss_mb
from adapters.bootstrap.backtest import load_series
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import System, build_system
from adapters.bootstrap.plugins import PluginHost, discover
from mia_core.calc.outputs import Outputs
from mia_core.engine.backtest import run_backtest, supports_vectorised
from mia_core.engine.core import TradingEngine
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import Instrument
from mia_core.orders import Position
from mia_core.series import BarSeries
from ports.components import ComponentKind

COMMISSION = 2.25
BAR_BY_BAR_TARGET = 100_000  # bars/s (issue 23)
MEMORY_TARGET_MB = 300.0  # peak RSS of each backtest run on 1,000,000 bars (issue 23)
# the system is named as YAML names it (dealer's bias, the eighth feature, is an options analyzer: absent, neutral)
TECHNIQUES = (
    "vwap_trend", "volume_imbalance", "price_action", "momentum_flow",
    "support_resistance", "market_structure", "session_analysis",
)


@attrs.frozen
class PipelineFigures:
    """What ``mia bench pipeline`` measured."""

    latency_bars: int
    median_us: float
    p99_us: float
    max_us: float
    entries: int
    backtest_bars: int
    backtest_seconds: float
    round_trips: int
    missing: tuple[str, ...]
    bar_by_bar_seconds: float = float("nan")
    bar_by_bar_bars: int = 0  # 0: the latency bars
    bar_by_bar_trips: int = -1  # -1: not counted
    peak_rss_mb: float = float("nan")  # of the bar-by-bar run's own process
    bar_by_bar_cpu_seconds: float = float("nan")  # the same run's CPU time (its process's, not the wall clock's)
    vectorised_peak_rss_mb: float = float("nan")  # of the vectorised run's own process

    @property
    def bars_per_second(self) -> float:
        """Vectorised backtest throughput, features and decisions included."""
        return self.backtest_bars / self.backtest_seconds

    @property
    def bar_by_bar_per_second(self) -> float:
        """Bar-by-bar backtest throughput: techniques, strategy, engine, exchange and accounting on every bar."""
        return (self.bar_by_bar_bars or self.latency_bars) / self.bar_by_bar_seconds

    @property
    def bar_by_bar_cpu_per_second(self) -> float:
        """The same run's bars per second of CPU time (less moved than the wall clock by other work on the machine)."""
        return (self.bar_by_bar_bars or self.latency_bars) / self.bar_by_bar_cpu_seconds


class _Context:
    """The little a strategy reads: features, analyses, a flat position (the decision alone is timed)."""

    def __init__(self, instrument: Instrument) -> None:
        self.features: dict[str, float] = {}
        self.analyses: Mapping[str, Mapping[str, float]] = {}
        self.position = Position(instrument)
        self.instrument = instrument
        self.now_ns = 0


def bench_system(host: PluginHost, bars: int, seed: int) -> tuple[System, tuple[str, ...]]:
    """Synthetic feed, the registered Battle Navale techniques (defaults), ``battle_navale``; and those missing."""
    registered = set(host.names(ComponentKind.TECHNIQUE))
    missing = tuple(name for name in TECHNIQUES if name not in registered)
    data = {
        "instrument": "ES",
        "data_feed": {"use": "synthetic", "bars": bars, "seed": seed},
        "broker": {"use": "simulated", "commission_per_contract": COMMISSION},
        "techniques": [name for name in TECHNIQUES if name in registered],
        "strategy": "battle_navale",
    }
    return build_system(plan_system(data, host, source="mia bench pipeline")), missing


def measure_latency(series: BarSeries, techniques: Sequence[Any], strategy: Any) -> tuple[np.ndarray, int]:
    """Per-bar nanoseconds of every technique's ``update`` plus the strategy's ``on_bar``; signals returned."""
    context = _Context(series.instrument)
    features = context.features
    updaters = [(t.name + ".", t.update) for t in techniques]
    timings = np.empty(len(series), dtype=np.int64)
    clock = time.perf_counter_ns
    entries = 0
    for i, bar in enumerate(series.trusted()):
        started = clock()
        for prefix, update in updaters:
            out = update(bar)  # read as the engine reads it: an Outputs' own names and numbers, else its items
            for key, value in zip(out.names, out.numbers, strict=True) if type(out) is Outputs else out.items():
                features[prefix + key] = value
        signal = strategy.on_bar(bar, context)
        timings[i] = clock() - started
        entries += signal is not None
    return timings, entries


def _exchange(series: BarSeries) -> SimulatedExchange:
    return SimulatedExchange(series.instrument, ExchangeConfig(commission_per_contract=COMMISSION))


def measure_bar_by_bar(series: BarSeries, techniques: Sequence[Any], strategy: Any) -> tuple[float, int]:
    """Seconds and round trips of a bar-by-bar engine backtest (techniques, strategy, exchange, accounting)."""
    for component in (*techniques, strategy):
        component.reset()
    engine = TradingEngine(series.instrument, strategy, techniques=techniques)
    started = time.perf_counter()
    result = run_backtest(series, engine, _exchange(series), vectorised=False)
    return time.perf_counter() - started, len(result.round_trips)


def _child(kind: str, bars: int, seed: int, queue: Any) -> None:
    system, _ = bench_system(discover(), bars, seed)
    try:
        series = load_series(system, None, None)
    finally:
        system.close()
    measure = measure_vectorised if kind == VECTORISED else measure_bar_by_bar
    collecting = gc.isenabled()
    if kind == VECTORISED:
        gc.disable()  # as the vectorised run has always been measured (its arrays hold no cycles)
    cpu = time.process_time()
    try:
        seconds, trips = measure(series, list(system.techniques), system.strategy)
    finally:
        if collecting:
            gc.enable()
    cpu = time.process_time() - cpu
    queue.put((seconds, len(series), trips, peak_rss_mb(), cpu))


BAR_BY_BAR = "bar-by-bar"
VECTORISED = "vectorised"


def run_in_child(kind: str, bars: int, seed: int, timeout: float = 3600.0) -> tuple[float, int, int, float, float]:
    """A ``kind`` (``BAR_BY_BAR`` or ``VECTORISED``) backtest on ``bars`` synthetic bars in a fresh process.

    Seconds, bars, round trips, the process's own peak RSS (MB) and its CPU seconds.
    """
    if kind not in (BAR_BY_BAR, VECTORISED):
        raise ValueError(f"bench pipeline: no {kind!r} run; expected {BAR_BY_BAR!r} or {VECTORISED!r}")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(kind, bars, seed, queue))
    process.start()
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                figures: tuple[float, int, int, float, float] = queue.get(timeout=1.0)
                return figures
            except Empty:
                if not process.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"bench pipeline: the {kind} run on {bars:,} bars stopped (exit code "
                                       f"{process.exitcode}) before reporting its figures") from None
    finally:
        if process.is_alive():
            process.join(timeout=5.0)
        if process.is_alive():
            process.terminate()
            process.join()


def bar_by_bar_in_child(bars: int, seed: int, timeout: float = 3600.0) -> tuple[float, int, int, float, float]:
    """A bar-by-bar backtest on ``bars`` synthetic bars in a fresh process: seconds, bars, trips, RSS (MB), CPU s."""
    return run_in_child(BAR_BY_BAR, bars, seed, timeout)


def measure_vectorised(series: BarSeries, techniques: Sequence[Any], strategy: Any) -> tuple[float, int]:
    """Seconds of a vectorised-path backtest (features + decisions + engine) and its round trips."""
    vector = strategy.vectorised(techniques)
    engine = TradingEngine(series.instrument, vector, signal_filters=(vector.hints_filter(),))
    if not supports_vectorised(engine):
        raise RuntimeError("the engine refuses the vectorised path for this strategy")
    started = time.perf_counter()
    result = run_backtest(series, engine, _exchange(series), vectorised=True)
    return time.perf_counter() - started, len(result.round_trips)


def pipeline_bench(
    bars: int, latency_bars: int, seed: int = 7, host: PluginHost | None = None, *, bar_by_bar: bool = True
) -> PipelineFigures:
    """Measure every figure on ``bars`` synthetic one-minute bars (latency on the first ``latency_bars``).

    ``bar_by_bar``: the bar-by-bar backtest runs on all ``bars`` in a fresh process (its
    peak memory measured); else on the latency bars in this process (no memory figure).
    """
    system, missing = bench_system(host or discover(), bars, seed)
    try:
        series = load_series(system, None, None)
    finally:
        system.close()
    techniques, strategy = list(system.techniques), system.strategy
    collecting = gc.isenabled()
    gc.disable()
    try:
        timed = series.slice(0, min(latency_bars, bars))
        timings, entries = measure_latency(timed, techniques, strategy)
        if not bar_by_bar:
            cpu = time.process_time()
            engine_seconds, engine_trips = measure_bar_by_bar(timed, techniques, strategy)
            cpu = time.process_time() - cpu
            engine_bars, rss = len(timed), float("nan")
            seconds, trips = measure_vectorised(series, techniques, strategy)
            vectorised_rss = float("nan")
    finally:
        if collecting:
            gc.enable()
    if bar_by_bar:
        del series, timed, system, techniques, strategy
        seconds, _, trips, vectorised_rss, _ = run_in_child(VECTORISED, bars, seed)
        engine_seconds, engine_bars, engine_trips, rss, cpu = run_in_child(BAR_BY_BAR, bars, seed)
    micro = timings / 1000.0
    return PipelineFigures(
        latency_bars=len(timings),
        median_us=float(np.median(micro)),
        p99_us=float(np.percentile(micro, 99)),
        max_us=float(micro.max()),
        entries=entries,
        backtest_bars=bars,
        backtest_seconds=seconds,
        round_trips=trips,
        missing=missing,
        bar_by_bar_seconds=engine_seconds,
        bar_by_bar_bars=engine_bars,
        bar_by_bar_trips=engine_trips,
        peak_rss_mb=rss,
        bar_by_bar_cpu_seconds=cpu,
        vectorised_peak_rss_mb=vectorised_rss,
    )


def _met(ok: bool) -> str:
    return "yes" if ok else "no"


def _memory_row(label: str, mb: float) -> tuple[str, str, str, str]:
    measured = mb == mb  # NaN: not measured (the run shared this process)
    return label, f"{mb:,.0f}", f"< {MEMORY_TARGET_MB:,.0f}", _met(mb < MEMORY_TARGET_MB) if measured else ""


def pipeline_table(figures: PipelineFigures) -> Any:
    """The figures as a rich table, beside the targets (met or not)."""
    from rich.table import Table

    bar_by_bar_bars = figures.bar_by_bar_bars or figures.latency_bars
    table = Table(title=f"Battle Navale pipeline, synthetic ES one-minute bars (latency on "
                        f"{figures.latency_bars:,}, bar-by-bar on {bar_by_bar_bars:,}, vectorised on "
                        f"{figures.backtest_bars:,})")
    for column in ("measure", "value", "target", "met"):
        table.add_column(column, justify="right", no_wrap=True)
    bar_by_bar = figures.bar_by_bar_per_second
    rows = [
        ("incremental median, µs/bar", f"{figures.median_us:,.1f}", "", ""),
        ("incremental p99, µs/bar", f"{figures.p99_us:,.1f}", "< 200", _met(figures.p99_us < 200)),
        ("incremental max, µs/bar", f"{figures.max_us:,.1f}", "", ""),
        ("vectorised backtest, bars/s", f"{figures.bars_per_second:,.0f}", "> 100,000",
         _met(figures.bars_per_second > 100_000)),
        ("bar-by-bar backtest, bars/s", f"{bar_by_bar:,.0f}", f"> {BAR_BY_BAR_TARGET:,}",
         _met(bar_by_bar > BAR_BY_BAR_TARGET)),
        ("bar-by-bar backtest, bars/s of CPU time", f"{figures.bar_by_bar_cpu_per_second:,.0f}", "", ""),
        _memory_row("bar-by-bar peak RSS, MB", figures.peak_rss_mb),
        _memory_row("vectorised peak RSS, MB", figures.vectorised_peak_rss_mb),
        ("vectorised round trips", f"{figures.round_trips:,}", "", ""),
        ("bar-by-bar round trips", f"{figures.bar_by_bar_trips:,}" if figures.bar_by_bar_trips >= 0 else "", "", ""),
        ("signals (latency bars)", f"{figures.entries:,}", "", ""),
    ]
    for row in rows:
        table.add_row(*row)
    if figures.missing:
        table.caption = "not registered (left out): " + ", ".join(figures.missing)
    return table
