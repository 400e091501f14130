"""``mia bench ticks``: bars from trades (ticks/s, target 10,000,000) and the tick backtest (target 1,000,000).

Both run on a seeded synthetic tape of ES trades (mia_core.ticks.synthetic: U-shaped
volume through the regular session, quieter overnight, clustered arrivals, millisecond
stamps) and again from a ``.scid`` file written from that tape in Sierra Chart's layout
(adapters.sierra.files.tape): read + decode into a tape, then the same bars. Each timing
is the median of ``runs``; peak memory is the process's. Figures are printed, never asserted.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from rich.table import Table

from adapters.sierra.files.tape import read_tape, write_tape
from mia_core.engine.core import TradingEngine
from mia_core.exchange import SimulatedExchange
from mia_core.exchange.config import ExchangeConfig
from mia_core.instruments import ES
from mia_core.ticks.backtest import run_tick_backtest
from mia_core.ticks.bars import TickBars, range_bars, tick_bars, time_bars, volume_bars
from mia_core.ticks.synthetic import synthetic_tape
from mia_core.ticks.tape import Tape

BARS_TARGET = 10_000_000
BACKTEST_TARGET = 1_000_000
BUILDERS: tuple[tuple[str, Callable[[Tape, int], TickBars], int], ...] = (
    ("time bars 1 min", time_bars, 60),
    ("tick bars 500", tick_bars, 500),
    ("volume bars 1000", volume_bars, 1000),
    ("range bars 8 ticks", range_bars, 8),
)


@attrs.frozen
class Row:
    """One measured step: ticks per second against its target (0: no target), and what it produced."""

    step: str
    ticks: int
    seconds: float
    target: int
    made: str

    @property
    def per_second(self) -> float:
        """Ticks per second."""
        return self.ticks / self.seconds if self.seconds > 0 else float("inf")


@attrs.frozen
class TicksFigures:
    """Every step's row, peak memory and the machine's load average when the bench ended."""

    rows: list[Row]
    peak_rss_mb: float
    load: tuple[float, float, float]

    def lines(self) -> list[str]:
        """The figures as text lines."""
        out = []
        for r in self.rows:
            verdict = "" if not r.target else (" meets" if r.per_second >= r.target else " BELOW") + \
                f" the target of {r.target:,}/s"
            out.append(f"{r.step}: {r.per_second:,.0f} ticks/s ({r.ticks:,} ticks, {r.made}){verdict}")
        out.append(f"peak RSS {self.peak_rss_mb:,.0f} MB; load average {self.load[0]:.2f} {self.load[1]:.2f} "
                    f"{self.load[2]:.2f}")
        return out


def _median_seconds(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    """A warm-up, then ``runs`` timed calls; each call's result is let go before the next (one in memory)."""
    out: object = fn()
    times = []
    for _ in range(runs):
        out = None
        gc.collect()
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def flow_strategy() -> Any:
    """The built-in ``order_flow`` tick strategy with its default settings, built through the plugin registry."""
    from adapters.bootstrap.plugins import discover
    from adapters.bootstrap.standalone import StandaloneBuildContext
    from ports.components import ComponentKind

    spec, _ = discover().component(ComponentKind.STRATEGY, "order_flow")
    return spec.factory(spec.config_class(), StandaloneBuildContext(instrument=ES))


def backtest(tape: Tape) -> int:
    """The tick backtest of ``order_flow`` on ``tape``; returns its round trips."""
    engine = TradingEngine(ES, flow_strategy())
    exchange = SimulatedExchange(ES, ExchangeConfig(market_fill="next_trade", slippage_ticks=1))
    return len(run_tick_backtest(tape, engine, exchange).round_trips)


def _bar_rows(tape: Tape, runs: int, source: str) -> list[Row]:
    rows = []
    for name, build, size in BUILDERS:
        seconds, bars = _median_seconds(lambda build=build, size=size: build(tape, size), runs)  # type: ignore[misc]
        rows.append(Row(f"{source}{name}", len(tape), seconds, BARS_TARGET, f"{len(bars):,} bars"))  # type: ignore[arg-type]
    return rows


def _synthetic(ticks: int, backtest_ticks: int | None, runs: int, path: Path) -> list[Row]:
    """The synthetic tape's rows; the tape is written to ``path`` as a .scid file for the next steps."""
    start = time.perf_counter()
    tape = synthetic_tape(ES, ticks)
    days = (int(tape.ts[-1]) - int(tape.ts[0])) / 86_400e9 if len(tape) else 0.0
    rows = [Row("synthetic tape generated", ticks, time.perf_counter() - start, 0, f"{days:.1f} days")]
    rows += _bar_rows(tape, runs, "")
    walked = tape if backtest_ticks is None else tape.slice(0, min(backtest_ticks, len(tape)))
    seconds, trips = _median_seconds(lambda: backtest(walked), max(1, runs // 2))
    rows.append(Row("tick backtest (order_flow)", len(walked), seconds, BACKTEST_TARGET, f"{trips:,} trips"))
    write_tape(path, tape)
    return rows


def run(ticks: int = 10_000_000, backtest_ticks: int | None = None, runs: int = 3,
        directory: Path | None = None) -> TicksFigures:
    """Generate the tape, time every builder and the tick backtest, then the same from a .scid file."""
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        path = Path(tmp) / "ESH24-CME.scid"
        rows = _synthetic(ticks, backtest_ticks, runs, path)
        seconds, read = _median_seconds(lambda: read_tape(path, ES), runs)
        rows.append(Row(".scid read into a tape", ticks, seconds, 0, f"{path.stat().st_size / 1e6:,.0f} MB"))
        assert isinstance(read, Tape)
        rows += _bar_rows(read, runs, ".scid ")
    return TicksFigures(rows, _peak_rss_mb(), os.getloadavg())


def ticks_table(figures: TicksFigures) -> Table:
    """The figures as a table: a row a step, ticks/s against its target, peak memory and load in the caption."""
    ticks = max((r.ticks for r in figures.rows), default=0)
    table = Table(title=f"ticks/s on {ticks:,} synthetic ES trades (median of the runs)",
                  caption=f"peak RSS {figures.peak_rss_mb:,.0f} MB; load average "
                          f"{' '.join(f'{x:.2f}' for x in figures.load)}")
    for column in ("step", "ticks/s", "made", "target"):
        table.add_column(column, justify="left" if column in ("step", "made") else "right", no_wrap=True)
    for r in figures.rows:
        verdict = "-" if not r.target else f"{'meets' if r.per_second >= r.target else 'BELOW'} {r.target:,}"
        table.add_row(r.step, f"{r.per_second:,.0f}", r.made, verdict)
    return table


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> None:
    """``python -m adapters.bench.ticks [TICKS]``: print the figures."""
    args = sys.argv[1:] if argv is None else argv
    for line in (run(int(args[0])) if args else run()).lines():
        print(line)


if __name__ == "__main__":
    main()
