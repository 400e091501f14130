"""``mia walkforward SYSTEM --grid FILE``: walk forward on the sweep's Dask machinery, folds and the chain printed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from adapters.bootstrap.cli_shared import fail, host_for
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.research.sweep.space import SweepError
from adapters.research.sweep.walk import WalkFold, out_of_sample_line, walk_forward

console = Console()


def walk_on_sweep(system: Path, grid: Path, out: Path, datasets: str | None, train_years: int, test_years: int,
                  first_year: int | None, last_year: int | None, metric: str | None, min_trades: int,
                  scheduler: str | None, workers: int | None) -> None:
    """Run the walk-forward of ``system`` over ``grid``'s points; rows cached under ``out``."""
    from adapters.research.sweep.engine import dask_client
    from adapters.research.sweep.search import load_spec

    def say(line: str) -> None:
        console.print(line, highlight=False, markup=False, soft_wrap=True)

    try:
        host = host_for(system)
        names = [d.strip() for d in (datasets or "").split(",") if d.strip()]
        spec = load_spec(system, grid, host, names, [], metric)
        with dask_client(scheduler, workers) as client:
            result = walk_forward(spec, host, client, out, train_years=train_years, test_years=test_years,
                                  min_trades=min_trades, first_year=first_year, last_year=last_year, report=say)
    except (ConfigError, PluginError, SweepError, OSError) as exc:
        raise fail(str(exc)) from exc
    console.print(folds_table(result.folds, spec.metric))
    for dataset, daily in result.out_of_sample.items():
        say(out_of_sample_line(result.folds, daily, dataset))
    frame = pd.DataFrame([{"dataset": f.dataset, "train": f.train.label, "test": f.test.label,
                           **{f"chosen:{k}": v for k, v in f.chosen.items()}, f"train_{spec.metric}": f.train_score,
                           **{f"test_{k}": f.row.get(k) for k in ("net_pnl", "trades", "sharpe", "max_drawdown_pct")},
                           "note": f.note} for f in result.folds])
    frame.to_parquet(out / "folds.parquet", index=False)
    say(f"{result.executed} runs executed (the rest from the cache); folds: {out / 'folds.parquet'}")


def folds_table(folds: list[WalkFold], metric: str) -> Table:
    """One line per fold: the windows, the point chosen on train, the test fold's figures after costs."""
    table = Table(title=f"walk-forward: chosen on each train fold by {metric}, measured on the next (after costs)")
    for column in ("dataset", "train", "test", "chosen", f"train {metric}", "test net", "test trades",
                   f"test {metric}"):
        table.add_column(escape(column), justify="left" if column in ("dataset", "chosen") else "right")
    for f in folds:
        score = "n/a" if f.train_score == float("-inf") else f"{f.train_score:.3f}"
        value = f.row.get(metric)
        shown = "n/a" if value is None else f"{float(value):.3f}"
        chosen = ", ".join(f"{k}={v}" for k, v in f.chosen.items())
        table.add_row(f.dataset, f.train.label, f.test.label, escape(chosen), score,
                      f"${float(f.row.get('net_pnl') or 0):,.2f}", str(f.row.get("trades")), shown)
    return table
