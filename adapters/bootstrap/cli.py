"""The ``mia`` command line."""

from __future__ import annotations

import logging
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from adapters.bootstrap import views
from adapters.bootstrap.cli_shared import INTRADAY_SYSTEM, default_config, err, fail, host_for
from adapters.bootstrap.config import load_plan
from adapters.bootstrap.data_cli import (
    BadDataOption,
    CloseTimeOption,
    ColumnsOption,
    DataReportOption,
    TzOption,
    data_app,
    data_options,
    show_data_details,
)
from adapters.bootstrap.digest_cli import mentor_command, summary_command
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.bootstrap.plugins import discover
from adapters.bootstrap.progress import progress_bar
from adapters.bootstrap.startup import check_plan
from adapters.check.cli import check_app
from adapters.ib.cli import ib_app
from adapters.ib.history import HistoryError
from adapters.journal.cli import journal_app
from adapters.launcher.cli import start_command
from adapters.research.cli import ablation_command, walkforward_command
from adapters.research.sweep.cli import sweep_command
from adapters.risk.cli import risk_app
from adapters.sierra.cli import sierra_app
from adapters.version import mia_version
from mia_core.errors import MiaError

if TYPE_CHECKING:
    from adapters.bootstrap.backtest import BacktestRun

app = typer.Typer(no_args_is_help=True, add_completion=False, help="MIA: automated trading of ES/NQ futures.")
plugins_app = typer.Typer(no_args_is_help=True, help="Installed plugins.")
config_app = typer.Typer(no_args_is_help=True, help="System configuration files.")
app.add_typer(plugins_app, name="plugins")
app.add_typer(config_app, name="config")
app.add_typer(check_app, name="check")
app.add_typer(risk_app, name="risk")
app.add_typer(ib_app, name="ib")
app.add_typer(sierra_app, name="sierra")
app.add_typer(data_app, name="data")
app.add_typer(journal_app, name="journal")
console = Console()

ConfigPath = Annotated[Path, typer.Argument(help="A system YAML file.")]


def _version(value: bool) -> None:
    if value:
        console.print(f"mia {mia_version()}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print MIA's version and exit.")] = False,
) -> None:
    """MIA: automated trading of ES/NQ futures."""


@plugins_app.command("list")
def plugins_list() -> None:
    """Each plugin with its distribution, version and components by kind; failures and name clashes after."""
    host = discover()
    console.print(views.plugins_table(host))
    for info in host.failures:
        err.print(f"[yellow]plugin {info.label} failed:[/] {info.error}", highlight=False)
    for clash in host.clashes:
        err.print(f"[yellow]clash:[/] {clash.message}", highlight=False)


@config_app.command("check")
def config_check(
    config: ConfigPath,
    live: Annotated[
        bool, typer.Option("--live", help="Consent to live trading (also needs live_trading: true).")
    ] = False,
) -> None:
    """Validate a system file, build every component (no broker connection) and print the resolved system."""
    from adapters.bootstrap.startup import check_startable

    try:
        host = host_for(config)
        plan = load_plan(config, host)
        check_startable(plan, live)
    except (ConfigError, PluginError) as exc:
        raise fail(str(exc)) from exc
    console.print(views.plan_tree(plan))
    console.print(f"[green]ok[/]: {config} is a valid {plan.settings.mode.value} system")


@app.command("init")
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the example.")] = Path("mia.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    sma_cross: Annotated[bool, typer.Option("--sma-cross", help="Write the small moving-average crossing "
                                            "example instead of Battle Navale.")] = False,
) -> None:
    """Write a commented system: the mission's intraday Battle Navale (or, with --sma-cross, a small example)."""
    if path.exists() and not force:
        raise fail(f"{path} exists; pass --force to overwrite")
    templates = resources.files("adapters.bootstrap").joinpath("templates")
    path.write_text(templates.joinpath("system.yaml" if sma_cross else INTRADAY_SYSTEM).read_text())
    console.print(f"wrote {path}; check it with: mia config check {path}")
    news = path.parent / "news_calendar.csv"
    if not sma_cross and not news.exists():
        news.write_text(templates.joinpath("news_calendar.csv").read_text())
        console.print(f"wrote {news} (an example news calendar for the news_blackout policy)")


@app.command("backtest")
def backtest(
    config: Annotated[Path | None, typer.Argument(help="System YAML (default: the shipped default system).")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="CSV or Parquet bars or a Sierra Chart .scid file "
                                              "replacing the data feed "
                                              "(layout detected; docs/data.md).")] = None,
    start: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (the bars "
                                                   "before it warm the system up).")] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Report directory.")] = None,
    check_lookahead: Annotated[bool, typer.Option("--check-lookahead", help="Run `mia check lookahead` on the "
                                                  "same data first; report nothing if it fails.")] = False,
    columns: ColumnsOption = None,
    tz: TzOption = None,
    close_time: CloseTimeOption = None,
    on_bad_data: BadDataOption = None,
    data_report: DataReportOption = False,
    journal: Annotated[Path | None, typer.Option("--journal", help="Also write the run's journal to this new file "
                                                 "(.sqlite/.db SQLite, else JSON lines; docs/journal.md).")] = None,
) -> None:
    """Run a system on history; print the summary and write the report."""
    from adapters.bootstrap.backtest import BacktestRunStopped, backtest_plan
    from adapters.check.cli import print_check

    path = config or default_config()
    directory = report or Path("reports") / path.stem
    if journal is not None and journal.exists():
        raise fail(f"{journal} exists: a backtest writes a new journal; remove it or name another file")
    show_data_details(data_report)
    try:
        options = data_options(columns, tz, close_time, on_bad_data)
        host = host_for(path)
        plan = load_plan(path, host)
        check_plan(plan, live_flag=False)
        window = plan.settings.backtest
        first, last = (start.date() if start else window.start), (end.date() if end else window.end)
        if check_lookahead and not print_check(path, first, last, data=data):
            raise fail("the look-ahead check failed: no backtest results are reported", 1)
        with progress_bar("backtest", console=err) as bar:
            run = backtest_plan(plan, host, data=data, start=start.date() if start else None,
                                end=end.date() if end else None, progress=bar, data_options=options,
                                on_total=bar.set_total)
    except BacktestRunStopped as stopped:  # a plugin failed: report what ran, then the error, no traceback
        if stopped.run is not None:
            _report(stopped.run, directory)
        raise fail(str(stopped), code=1) from stopped
    except HistoryError as exc:  # the history could not be had (IB refused it, a gap): what and why, no traceback
        raise fail(str(exc), code=1) from exc
    except MiaError as exc:  # configuration, plugins, the data file, the window's dates
        raise fail(str(exc)) from exc
    if journal is not None:
        from adapters.journal.files import write_journal

        write_journal(run.result.journal, journal)
        console.print(f"journal: {journal} ({len(run.result.journal):,} entries)", highlight=False)
    _report(run, directory)


def _report(run: BacktestRun, directory: Path) -> None:
    """Print the summary and the warnings, write the CSV files and the HTML page."""
    from adapters.reporting.files import write_csvs
    from adapters.reporting.html import write_html
    from adapters.reporting.summary import summary_table, warnings

    console.print(summary_table(run))
    for note in run.notes:
        console.print(note, highlight=False)
    for warning in warnings(run.result.journal):
        err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    trades, equity = write_csvs(run, directory)
    page = write_html(run, directory / "report.html")
    note = " (incomplete: the run stopped early)" if run.result.stopped else ""
    console.print(f"report{note}: {page}  (trades: {trades}, equity: {equity})", highlight=False)


@app.command("run")
def run(
    config: ConfigPath,
    speed: Annotated[
        float | None, typer.Option("--speed", help="Replay pace: 1 real time, 60 a minute per second, 0 flat out.")
    ] = None,
    live: Annotated[
        bool, typer.Option("--live", help="Consent to live trading (also needs live_trading: true).")
    ] = False,
    max_events: Annotated[int | None, typer.Option("--max-events", help="Stop after this many market events.")] = None,
) -> None:
    """Run a paper (or, with consent, live) session with a live terminal view; Ctrl-C stops cleanly."""
    import asyncio

    from adapters.live.session import run_session
    from mia_core.metrics.table import format_money

    try:
        host = host_for(config)
        plan = load_plan(config, host)
        check_plan(plan, live)
        shell = asyncio.run(run_session(plan, speed, console, max_events))
    except (ConfigError, PluginError) as exc:
        raise fail(str(exc)) from exc
    trips = shell.engine.portfolio.round_trips
    console.print(
        f"session ended after {shell.events_seen:,} events; {len(trips)} round trips; "
        f"equity {format_money(shell.engine.portfolio.equity_cents / 100)}",
        highlight=False,
    )


app.command("walkforward")(walkforward_command)
app.command("ablation")(ablation_command)
app.command("sweep")(sweep_command)
app.command("summary")(summary_command)
app.command("mentor")(mentor_command)
app.command("start")(start_command)


bench_app = typer.Typer(
    invoke_without_command=True,
    help="Benchmarks. Without a sub-command: the engine benchmark (sma_cross beside backtrader).",
)
app.add_typer(bench_app, name="bench")


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
    """Battle Navale's feature + decision pipeline: per-bar latency and vectorised backtest bars/s."""
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


from adapters.options.cli import collect_command, gex_command  # noqa: E402  (its own module, registered here)

app.command("gex")(gex_command)

from adapters.ml.cli import ml_app  # noqa: E402  (its own module, registered here)

app.add_typer(ml_app, name="ml")


@bench_app.command("ml")
def bench_ml(
    signals: Annotated[int, typer.Option("--signals", help="Candidate signals judged one by one.")] = 20_000,
) -> None:
    """The ML filter's per-signal inference (decision row, three models, calibration): p50 / p99 / max in µs."""
    from adapters.bench.ml import ml_bench, ml_table

    console.print(ml_table(ml_bench(signals)))
app.command("gex-collect")(collect_command)


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        app()
    except MiaError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
