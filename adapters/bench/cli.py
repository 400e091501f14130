"""``mia bench``: the benchmarks, each a sub-command (figures printed, never asserted)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adapters.bootstrap.cli_shared import err, fail

console = Console()

bench_app = typer.Typer(
    invoke_without_command=True,
    help="Benchmarks. Without a sub-command: the engine benchmark (sma_cross beside backtrader).",
)


@bench_app.callback()
def bench(
    ctx: typer.Context,
    bars: Annotated[int, typer.Option("--bars", help="Synthetic one-minute bars.")] = 1_000_000,
    backtrader: Annotated[bool, typer.Option("--backtrader/--no-backtrader", help="Also run backtrader.")] = True,
) -> None:
    """Bars per second and peak memory of sma_cross: MIA's two paths beside backtrader, same data, same run."""
    if ctx.invoked_subcommand is not None:
        return
    import tempfile

    from rich.table import Table

    from adapters.bench.engine import BACKTRADER_MISSING, backtrader_installed, engine_bench, engine_build, ratio

    if backtrader and not backtrader_installed():
        from rich.markup import escape

        err.print(f"[yellow]note:[/] {escape(BACKTRADER_MISSING)}", highlight=False)
    with tempfile.TemporaryDirectory() as tmp:
        figures = engine_bench(Path(tmp), bars, with_backtrader=backtrader)
    build = "compiled with mypyc" if engine_build() == "compiled" else "pure Python (no compiler at install)"
    table = Table(title=f"sma_cross on {bars:,} synthetic ES one-minute bars", caption=f"MIA's engine: {build}")
    for column in ("engine", "bars/s run", "with loading", "trips", "peak MB", "vs backtrader"):
        table.add_column(column, justify="right", no_wrap=True)
    for f in figures:
        versus = ratio(figures, f.engine)
        table.add_row(
            f.engine,
            f"{f.bars_per_second:,.0f}",
            f"{f.bars_per_second_with_loading:,.0f}",
            f"{f.round_trips:,}",
            f"{f.peak_rss_mb:,.0f}",
            "-" if versus != versus else f"{versus:.1f}x",
        )
    console.print(table)


@bench_app.command("dashboard")
def bench_dashboard(
    seconds: Annotated[float, typer.Option("--seconds", help="Length of each phase.")] = 10.0,
    viewers: Annotated[int, typer.Option("--viewers", help="Dashboards open at once.")] = 10,
) -> None:
    """Event-loop lag of a paper session with no viewer, then with open dashboards (polling, streaming)."""
    from rich.table import Table

    from adapters.bench.dashboard import dashboard_bench

    table = Table(title="event-loop lag of a paper session serving its dashboard (50 ms sleeps, lateness)")
    for column in ("phase", "lag p50 ms", "lag p99 ms", "lag max ms", "bars/s"):
        table.add_column(column, justify="right")
    for phase in dashboard_bench(seconds, viewers):
        table.add_row(phase.name, f"{phase.lag_p50_ms:.2f}", f"{phase.lag_p99_ms:.2f}", f"{phase.lag_max_ms:.2f}",
                      f"{phase.bars_per_second:,.0f}")
    console.print(table)


@bench_app.command("pipeline")
def bench_pipeline(
    bars: Annotated[int, typer.Option("--bars", help="Synthetic one-minute bars of the backtest.")] = 1_000_000,
    latency_bars: Annotated[int, typer.Option("--latency-bars", help="Bars timed one by one.")] = 100_000,
) -> None:
    """Battle Navale's feature + decision pipeline: per-bar latency, bar-by-bar and vectorised bars/s, peak memory."""
    from adapters.bench.pipeline import pipeline_bench, pipeline_table

    console.print(pipeline_table(pipeline_bench(bars, latency_bars)))

@bench_app.command("sweep")
def bench_sweep(
    workers: Annotated[int, typer.Option("--workers", help="Local workers of the parallel sweep.")] = 2,
    window: Annotated[str | None, typer.Option("--window", help="START:END (CME days) of every run "
                                               "(default: the whole bundled history).")] = None,
) -> None:
    """Parallel efficiency of 64 backtests of the default system: 1 worker vs --workers, overhead, memory."""
    import tempfile

    from adapters.bench.sweep import sweep_bench, sweep_table
    from adapters.research.sweep.space import SweepError

    try:
        with tempfile.TemporaryDirectory() as tmp:
            figures = sweep_bench(Path(tmp), (1, workers), window)
    except SweepError as exc:
        raise fail(str(exc)) from exc
    console.print(sweep_table(figures, window))


@bench_app.command("features")
def bench_features(
    bars: Annotated[int, typer.Option("--bars", help="Synthetic one-minute bars (vectorised).")] = 1_000_000,
    latency_bars: Annotated[int, typer.Option("--latency-bars", help="Bars fed one by one.")] = 200_000,
) -> None:
    """Every built-in feature: vectorised bars/s, and per-bar latency of all incremental forms together."""
    from adapters.bench.features import feature_bench, features_table

    console.print(features_table(feature_bench(bars, latency_bars)))


@bench_app.command("gex")
def bench_gex(
    options: Annotated[int, typer.Option("--options", help="Options in the synthetic chain.")] = 20_000,
    runs: Annotated[int, typer.Option("--runs", help="Timed runs per step (median reported).")] = 15,
) -> None:
    """Dealer's bias on a full synthetic SPX chain: greeks, GEX, zero gamma and score (ms, 50 ms budget)."""
    from adapters.bench.gex import gex_bench, gex_table

    count, timings = gex_bench(options, runs)
    console.print(gex_table(count, timings, runs))


@bench_app.command("journal")
def bench_journal(
    intents: Annotated[int, typer.Option("--intents", help="Order intents timed one by one.")] = 1000,
    repeats: Annotated[int, typer.Option("--repeats", help="Backtest runs per journal (best kept).")] = 3,
    directory: Annotated[Path | None, typer.Option("--dir", help="Where the files are written (default: MIA's "
                                                   "home, ~/.mia).")] = None,
) -> None:
    """A file journal's cost to the default system's backtest, and order-intent durability latency (p50/p99)."""
    from adapters.bench.journal import journal_bench, journal_table

    console.print(journal_table(journal_bench(intents, repeats, directory)))


@bench_app.command("sierra")
def bench_sierra(
    messages: Annotated[int, typer.Option("--messages", help="Trades sent over loopback DTC per encoding.")] = 5_000,
    decode: Annotated[int, typer.Option("--decode", help="Messages decoded from one buffer per encoding.")] = 200_000,
    scid_records: Annotated[int, typer.Option("--scid-records", help=".scid records decoded.")] = 5_000_000,
) -> None:
    """Sierra Chart: DTC market data delivered over loopback (p99 < 1 ms), and .scid decoding."""
    from adapters.bench.sierra_dtc import dtc_bench, dtc_table

    encodings = ("binary", "json-compact")
    console.print(dtc_table([dtc_bench(messages, encoding, decode_messages=decode) for encoding in encodings]))
    from adapters.bench import sierra_files

    for line in sierra_files.run(records=scid_records).lines():
        console.print(line, highlight=False)




@bench_app.command("ticks")
def bench_ticks(
    ticks: Annotated[int, typer.Option("--ticks", help="Trades of the synthetic ES tape.")] = 10_000_000,
    backtest_ticks: Annotated[int | None, typer.Option("--backtest-ticks", help="Trades of the tick backtest "
                                                       "(default: the whole tape).")] = None,
    runs: Annotated[int, typer.Option("--runs", help="Timed runs per step (median reported).")] = 3,
) -> None:
    """Bars from trades (time, tick, volume, range) and the tick-driven backtest: ticks/s, synthetic and .scid."""
    from adapters.bench.ticks import run, ticks_table

    console.print(ticks_table(run(ticks, backtest_ticks, runs)))


@bench_app.command("ml")
def bench_ml(
    signals: Annotated[int, typer.Option("--signals", help="Candidate signals judged one by one.")] = 20_000,
) -> None:
    """The ML filter's per-signal inference (decision row, three models, calibration): p50 / p99 / max in µs."""
    from adapters.bench.ml import ml_bench, ml_table

    console.print(ml_table(ml_bench(signals)))
