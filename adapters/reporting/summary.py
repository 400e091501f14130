"""The terminal summary of a backtest."""

from __future__ import annotations

from rich.table import Table

from adapters.bootstrap.backtest import BacktestRun
from adapters.reporting.risk import risk_decisions_frame, risk_line, risk_summary_frame
from mia_core.journal import JournalEntry
from mia_core.metrics import metrics_table_rows
from mia_core.timeutil import ns_to_datetime


def summary_table(run: BacktestRun) -> Table:
    """Key figures of ``run``, after costs."""
    series = run.series
    first, last = ns_to_datetime(int(series.ts[0])), ns_to_datetime(int(series.ts[-1]))
    path = "vectorised" if run.result.vectorised else "bar by bar"
    title = f"{run.plan.instrument.symbol} {first:%Y-%m-%d} to {last:%Y-%m-%d}: {run.result.bars:,} bars ({path})"
    if run.result.stopped:
        title = f"INCOMPLETE, {run.result.stopped}\n{title}"
    table = Table(title=title, caption="after commissions and slippage")
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
