"""The terminal summary of a backtest."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from adapters.bootstrap.backtest import BacktestRun
from adapters.reporting.risk import risk_decisions_frame, risk_line, risk_summary_frame
from mia_core.journal import JournalEntry
from mia_core.metrics import metrics_table_rows
from mia_core.metrics.table import format_money
from mia_core.timeutil import ns_to_datetime


def system_name(run: BacktestRun) -> str:
    """The system's name: its YAML file's name without the extension (``battle_navale``)."""
    return Path(run.plan.source).stem or run.plan.source


def open_position_note(run: BacktestRun) -> str:
    """Why net P&L and total return differ when a position is still open at the end ("" when flat)."""
    if not run.result.final_position:
        return ""
    m = run.metrics
    open_part = m.ending_equity - run.initial_cash_cents / 100 - m.net_pnl
    return (f"A position of {run.result.final_position} contract(s) is open at the end: net P&L "
            f"({format_money(m.net_pnl)}) counts closed trades only, total return counts the change in equity, "
            f"which also holds the open position's {format_money(open_part)} (its P&L at the last close less "
            f"the commission paid to open it). Set backtest.close_at_end: true to close it on the last bar.")


def summary_table(run: BacktestRun) -> Table:
    """Key figures of ``run``, after costs."""
    series = run.series
    first, last = ns_to_datetime(int(series.ts[0])), ns_to_datetime(int(series.ts[-1]))
    path = "vectorised" if run.result.vectorised else "bar by bar"
    size = f"{run.result.bars:,} bars ({path})"
    if run.ticks:
        size = f"{run.ticks:,} trades ({run.result.bars:,} marks, tick by tick)"
    title = f"{run.plan.instrument.symbol} {first:%Y-%m-%d} to {last:%Y-%m-%d}: {size}"
    if run.result.stopped:
        title = f"INCOMPLETE, {run.result.stopped}\n{title}"
    note = open_position_note(run)
    caption = "after commissions and slippage" + (f"\n{note}" if note else "")
    table = Table(title=title, caption=caption)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for label, value in metrics_table_rows(run.metrics):
        table.add_row(label, value)
    table.add_row("open position at end", str(run.result.final_position))
    risk = risk_line(risk_summary_frame(risk_decisions_frame(run.result.journal)))
    table.add_row("risk", risk.removeprefix("risk: "))
    return table


def warnings(journal: list[JournalEntry]) -> list[str]:
    """The messages of the run's warning alerts (a strategy's brackets rounded to the grid, say), once each."""
    seen: dict[str, None] = {}
    for entry in journal:
        if entry.kind == "alert" and entry.payload.get("level") == "warning":
            seen.setdefault(str(entry.payload.get("message", "")), None)
    return list(seen)
