"""Engine benchmark: sma_cross over synthetic one-minute bars, MIA paths and backtrader, one process each."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from queue import Empty
from typing import Any

import attrs
import numpy as np

from adapters.bench.memory import peak_rss_mb
from mia_core.instruments import ES
from mia_core.synthetic import SyntheticConfig, generate_bars

FAST, SLOW = 10, 30
COMMISSION = 2.25


@attrs.frozen
class BenchFigure:
    """One measured engine: throughput with and without loading, trades, peak memory."""

    engine: str
    bars: int
    run_seconds: float
    load_seconds: float
    round_trips: int
    peak_rss_mb: float

    @property
    def bars_per_second(self) -> float:
        """Bars per second of the run alone."""
        return self.bars / self.run_seconds

    @property
    def bars_per_second_with_loading(self) -> float:
        """Bars per second including reading the Parquet file."""
        return self.bars / (self.run_seconds + self.load_seconds)


def engine_build() -> str:
    """``compiled`` when the engine's hot path was built with mypyc at install (setup.py), else ``pure``."""
    from mia_core.engine import core

    return "compiled" if core.COMPILED else "pure"


def write_bench_data(directory: Path, bars: int, seed: int = 7) -> Path:
    """Synthetic ES one-minute bars as Parquet (the same file for every engine)."""
    import pandas as pd  # here, not at the top: the MIA children do not need it

    series = generate_bars(ES, SyntheticConfig(bars=bars, seed=seed))
    path = directory / f"synthetic_es_{bars}.parquet"
    frame = pd.DataFrame(
        {
            "ts": pd.to_datetime(series.ts, utc=True),
            "open": series.open,
            "high": series.high,
            "low": series.low,
            "close": series.close,
            "volume": series.volume,
        }
    )
    frame.to_parquet(path, index=False)
    return path


def bench_system(path: str, vectorised: bool) -> dict[str, Any]:
    """The benchmarked system as YAML would say it: file feed, simulated broker, sma_cross."""
    return {
        "instrument": "ES",
        "data_feed": {"use": "file", "path": path},
        "broker": {"use": "simulated", "commission_per_contract": COMMISSION, "initial_cash": 10_000_000},
        "strategy": {"use": "sma_cross", "fast": FAST, "slow": SLOW},
        "backtest": {"vectorised": vectorised},
    }


def _run_mia(path: str, vectorised: bool) -> dict[str, Any]:
    from adapters.bootstrap.backtest import load_series, run_system
    from adapters.bootstrap.config import plan_system
    from adapters.bootstrap.container import build_system
    from adapters.bootstrap.plugins import discover

    system = build_system(plan_system(bench_system(path, vectorised), discover(), source="mia bench"))
    started = time.perf_counter()
    series = load_series(system, None, None)
    loaded = time.perf_counter()
    run = run_system(system, series)
    finished = time.perf_counter()
    return {
        "load": loaded - started,
        "run": finished - loaded,
        "trips": len(run.result.round_trips),
        "bars": len(series),
    }


def _run_backtrader(path: str) -> dict[str, Any]:
    import backtrader as bt
    import pandas as pd

    class SmaCross(bt.Strategy):  # type: ignore[misc]
        def __init__(self) -> None:
            self.cross = bt.ind.CrossOver(bt.ind.SMA(period=FAST), bt.ind.SMA(period=SLOW))
            self.trips = 0

        def next(self) -> None:
            if self.cross[0] > 0:
                self.order_target_size(target=1)
            elif self.cross[0] < 0:
                self.order_target_size(target=-1)

        def notify_trade(self, trade: Any) -> None:
            self.trips += int(trade.isclosed)

    started = time.perf_counter()
    frame = pd.read_parquet(path)
    frame = frame.set_index(frame["ts"].dt.tz_localize(None)).drop(columns="ts")
    loaded = time.perf_counter()
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.PandasData(dataname=frame))
    cerebro.addstrategy(SmaCross)
    cerebro.broker.setcash(10_000_000)
    cerebro.broker.setcommission(commission=COMMISSION, margin=1.0, mult=50)
    (strategy,) = cerebro.run()
    finished = time.perf_counter()
    return {"load": loaded - started, "run": finished - loaded, "trips": strategy.trips, "bars": len(frame)}


def _child(kind: str, path: str, queue: Any) -> None:
    figures = _run_backtrader(path) if kind == "backtrader" else _run_mia(path, vectorised=kind == "mia-vectorised")
    figures["rss"] = peak_rss_mb()  # the child's own: ru_maxrss would be the parent's, which wrote the bars
    queue.put(figures)


def _result_of(kind: str, process: Any, queue: Any) -> dict[str, Any]:
    """The child's figures; a child that died without sending them is an error, not a hang."""
    while True:
        try:
            result: dict[str, Any] = queue.get(timeout=1.0)
            return result
        except Empty:
            if not process.is_alive():
                raise RuntimeError(
                    f"bench: the {kind} run died (exit code {process.exitcode}) before reporting its figures"
                ) from None


def measure(kind: str, path: Path) -> BenchFigure:
    """Run one engine in a fresh process (so its peak memory is its own)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(kind, str(path), queue))
    process.start()
    figures = _result_of(kind, process, queue)
    process.join()
    return BenchFigure(
        engine=kind,
        bars=figures["bars"],
        run_seconds=figures["run"],
        load_seconds=figures["load"],
        round_trips=figures["trips"],
        peak_rss_mb=figures["rss"],
    )


BACKTRADER_MISSING = ("backtrader is not installed, so MIA ran alone; for the comparison install the bench "
                      "extra: pip install 'mia-trading[bench]' (from the repository: pip install '.[bench]')")


def backtrader_installed() -> bool:
    """True when backtrader can be imported (it is the ``bench`` extra, not a dependency)."""
    import importlib.util

    return importlib.util.find_spec("backtrader") is not None


def engine_bench(directory: Path, bars: int, with_backtrader: bool = True) -> list[BenchFigure]:
    """Measure MIA (vectorised and bar-by-bar) and, when asked and installed, backtrader on the same file."""
    path = write_bench_data(directory, bars)
    kinds = ["mia-vectorised", "mia-bar-by-bar"] + (["backtrader"] if with_backtrader and backtrader_installed()
                                                    else [])
    return [measure(kind, path) for kind in kinds]


def ratio(figures: list[BenchFigure], engine: str, reference: str = "backtrader") -> float:
    """bars/s of ``engine`` over bars/s of ``reference`` (NaN if either is missing)."""
    by_name = {f.engine: f for f in figures}
    if engine not in by_name or reference not in by_name:
        return float(np.nan)
    return by_name[engine].bars_per_second / by_name[reference].bars_per_second
