"""The ``mia`` command line."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from adapters.bench.cli import bench_app
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



def _history_error(exc: BaseException) -> bool:
    """Whether ``exc`` is IB's ``HistoryError`` (its module, with ib_async, is imported only when IB is used)."""
    history = sys.modules.get("adapters.ib.history")
    return history is not None and isinstance(exc, history.HistoryError)

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
    ticks: Annotated[bool | None, typer.Option("--ticks/--bars", help="Walk every trade (the strategy's on_tick; "
                                               "--data is then a file of trades) or the bars. Default: trades "
                                               "when the feed gives them and the strategy has on_tick.")] = None,
) -> None:
    """Run a system on history; print the summary and write the report."""
    from adapters.bootstrap.backtest import BacktestRunStopped
    from adapters.bootstrap.tick_backtest import backtest_plan_on_trades_or_bars
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
            run = backtest_plan_on_trades_or_bars(plan, host, data=data, start=start.date() if start else None,
                                end=end.date() if end else None, progress=bar, data_options=options,
                                on_total=bar.set_total, ticks=ticks)
    except BacktestRunStopped as stopped:  # a plugin failed: report what ran, then the error, no traceback
        if stopped.run is not None:
            _report(stopped.run, directory)
        raise fail(str(stopped), code=1) from stopped
    except MiaError as exc:  # configuration, plugins, the data file, the window's dates
        if _history_error(exc):  # the history could not be had (IB refused it, a gap): what and why, no traceback
            raise fail(str(exc), code=1) from exc
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

    from adapters.live.session import run_session, undelivered_line
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
    if undelivered_line(shell):
        console.print(undelivered_line(shell), highlight=False, markup=False, soft_wrap=True)


app.command("walkforward")(walkforward_command)
app.command("ablation")(ablation_command)
app.command("sweep")(sweep_command)
app.command("summary")(summary_command)
app.command("mentor")(mentor_command)
app.command("start")(start_command)
app.add_typer(bench_app, name="bench")


from adapters.options.cli import collect_command, gex_command  # noqa: E402  (its own module, registered here)

app.command("gex")(gex_command)

from adapters.ml.cli import ml_app  # noqa: E402  (its own module, registered here)

app.add_typer(ml_app, name="ml")



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
