"""``mia journal``: a journal's trades, orders, day, one trade's story, export and integrity check."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.bootstrap.cli_shared import fail, host_for
from adapters.bootstrap.config import load_plan
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.bootstrap.system_paths import session_journal_path
from adapters.journal.check import entry_problems, file_problems
from adapters.journal.files import read_journal
from adapters.journal.views import (
    Plain,
    describe,
    export_frame,
    last_day,
    orders,
    plain_entries,
    story,
    trades_on,
    when,
)
from mia_core.timeutil import cme_trading_day

journal_app = typer.Typer(no_args_is_help=True,
                          help="The journal: trades, orders, a day, a trade's story, export, check.")
console = Console()

SourceArg = Annotated[Path, typer.Argument(help="A journal file (.sqlite/.db or JSON lines) or a system YAML "
                                           "(its session journal).")]
DayOption = Annotated[str | None, typer.Option("--day", help="CME trading day YYYY-MM-DD (default: the last one "
                                               "in the journal).")]


def journal_file(source: Path) -> Path:
    """The journal a source names: the file itself, or a system YAML's session journal."""
    if source.suffix.lower() not in (".yaml", ".yml"):
        return source
    try:
        path = session_journal_path(load_plan(source, host_for(source)))
    except (ConfigError, PluginError) as exc:
        raise fail(str(exc)) from exc
    if path is None:
        raise fail(f"{source}: journal.path is ':memory:', there is no journal file")
    return path


def load(source: Path) -> tuple[list[Plain], list[str]]:
    """The entries (plain) and the file-level problems of the journal ``source`` names."""
    path = journal_file(source)
    try:
        journal = read_journal(path)
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from exc
    try:
        return plain_entries(journal.entries()), file_problems(journal)
    finally:
        journal.close()


def _day(entries: list[Plain], day: str | None, kinds: tuple[str, ...]) -> date | None:
    try:
        return date.fromisoformat(day) if day else last_day(entries, kinds)
    except ValueError as exc:
        raise fail(f"--day {day!r}: {exc}") from exc


@journal_app.command("trades")
def trades_command(source: SourceArg, day: DayOption = None) -> None:
    """The round trips closed on one trading day, numbered as `mia journal story` takes them."""
    entries, _ = load(source)
    when_day = _day(entries, day, ("round_trip",))
    table = Table(title=f"MIA trades on {when_day or '-'}")
    for column in ("#", "entry (UTC)", "exit (UTC)", "side", "qty", "entry", "exit", "net", "exit reason", "setup"):
        table.add_column(column, justify="left" if column in ("side", "exit reason", "setup") else "right")
    rows = trades_on(entries, when_day) if when_day else []
    for t in rows:
        table.add_row(str(t["trade"]), when(int(t["entry_ts"])), when(int(t["exit_ts"])), str(t["side"]),
                      str(t["quantity"]), f"{t['entry_price']:g}", f"{t['exit_price']:g}",
                      f"${t['net_cents'] / 100:,.2f}", str(t.get("exit_reason", "")), str(t["setup"]))
    console.print(table)
    console.print(f"{len(rows)} trades, net ${sum(t['net_cents'] for t in rows) / 100:,.2f}", highlight=False)


@journal_app.command("orders")
def orders_command(source: SourceArg, day: DayOption = None) -> None:
    """The orders of one trading day, each in its latest state."""
    entries, _ = load(source)
    every = orders(entries)
    last = cme_trading_day(max(o["first_ts"] for o in every)) if every else None
    when_day = _day(entries, day, ()) if day else last
    rows = [o for o in every if cme_trading_day(o["first_ts"]) == when_day]
    table = Table(title=f"MIA orders on {when_day or '-'}")
    for column in ("order", "client order id", "first seen (UTC)", "side", "type", "qty", "price", "status",
                   "filled", "avg", "parent", "reason"):
        table.add_column(column)
    for o in rows:
        table.add_row(o["order_id"], o["client_order_id"], when(o["first_ts"]), str(o["side"]), str(o["type"]),
                      str(o["quantity"]), "" if o["price"] is None else f"{o['price']:g}", str(o["status"]),
                      str(o["filled"]), "" if o["average"] is None else f"{o['average']:g}", o["parent_id"],
                      str(o["reason"]))
    console.print(table)
    console.print(f"{len(rows)} orders", highlight=False)


@journal_app.command("day")
def day_command(
    source: SourceArg,
    day: DayOption = None,
    loss_limit: Annotated[float, typer.Option("--loss-limit", help="Daily loss limit, dollars.")] = 500.0,
    profit_target: Annotated[float, typer.Option("--profit-target", help="Daily profit target, dollars.")] = 1000.0,
) -> None:
    """The day's summary (as `mia summary` and the daily notification tell it)."""
    from adapters.reporting.digest import facts_of
    from mia_core.digest.summary import Limits, daily_summary, format_summary
    from mia_core.journal import JournalEntry

    entries, _ = load(source)
    facts = facts_of(JournalEntry(e["ts"], e["kind"], e["payload"]) for e in entries)
    days = facts.days()
    when_day = _day(entries, day, ()) if day else (days[-1] if days else None)
    if when_day is None:
        raise fail(f"{source}: no trade, rule block or alert in this journal")
    summary = daily_summary(facts, when_day, Limits(loss_limit, profit_target))
    console.print(format_summary(summary), highlight=False, markup=False, soft_wrap=True)


@journal_app.command("story")
def story_command(
    source: SourceArg,
    key: Annotated[str, typer.Argument(help="A trade number (as `mia journal trades` shows) or a client order id.")],
) -> None:
    """One trade's story: its signal, the risk decisions, its orders (bracket legs too) and fills, in order."""
    entries, _ = load(source)
    try:
        chosen = story(entries, key)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from exc
    for e in chosen:
        console.print(f"{when(e['ts'])}  {describe(e)}", highlight=False, markup=False, soft_wrap=True)


@journal_app.command("export")
def export_command(
    source: SourceArg,
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind (payload fields as columns).")] = None,
) -> None:
    """Entries to CSV or Parquet: time, kind, client order id, order id, exec id and the payload."""
    if fmt not in ("csv", "parquet"):
        raise fail(f"--format {fmt!r}: choose csv or parquet")
    entries, _ = load(source)
    frame = export_frame(entries, kind)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(out, index=False)
    else:
        frame.to_parquet(out, index=False)
    console.print(f"wrote {len(frame):,} entries to {out}", highlight=False)


def _broker_problems(source: Path) -> list[str]:
    from adapters.journal.broker_check import compare_with_broker

    if source.suffix.lower() not in (".yaml", ".yml"):
        raise fail("--broker needs the system YAML (its broker and journal), not a journal file")
    plan = load_plan(source, host_for(source))
    try:
        found = compare_with_broker(plan, str(journal_file(source)))
    except (OSError, TimeoutError) as exc:
        raise fail(f"could not reach the broker: {type(exc).__name__}: {exc}") from exc
    held = "not reported" if found.broker_position is None else f"{found.broker_position:+d}"
    console.print(f"broker: position {held}, {len(found.broker_open)} open orders of this system; journal: "
                  f"position {found.journal_position:+d}, {len(found.journal_working)} working orders",
                  highlight=False)
    return list(found.problems)


@journal_app.command("check")
def check_command(
    source: SourceArg,
    broker: Annotated[bool, typer.Option("--broker", help="Also compare with the system's broker (connects to it; "
                                         "SOURCE must be the system YAML).")] = False,
) -> None:
    """Integrity: the file, its schema version, fills without orders, orders without intents, duplicates.

    With ``--broker``: the position and working orders the journal rebuilds (as a restart
    would) against what the connected broker reports. Exits 1 when anything is wrong,
    listing each problem.
    """
    entries, problems = load(source)
    problems += entry_problems(entries)
    if broker:
        problems += _broker_problems(source)
    for problem in problems:
        console.print(f"[bold red]problem:[/] {problem}", highlight=False)
    if problems:
        raise typer.Exit(1)
    console.print(f"[green]ok[/]: {len(entries):,} entries, no problem found", highlight=False)
