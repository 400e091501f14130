"""``mia sweep SYSTEM --grid FILE``: run a system over a parameter space on Dask, rows to Parquet, a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adapters.bootstrap.cli_shared import fail, host_for
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.research.sweep.luck import measure
from adapters.research.sweep.report import summary_table, write_html
from adapters.research.sweep.space import SweepError

console = Console()


def sweep_command(
    system: Annotated[Path, typer.Argument(help="System YAML to sweep.")],
    grid: Annotated[Path, typer.Option("--grid", help="YAML: key paths to values ('strategy.stop_atr: [1.5, 2]').")],
    search: Annotated[str, typer.Option("--search", help="grid, random or optuna.")] = "grid",
    trials: Annotated[int, typer.Option("--trials", help="Points drawn by a random or optuna search.")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random or optuna search.")] = 0,
    out: Annotated[Path, typer.Option("--out", help="Directory: runs.parquet, parts/ (the cache), sweep.html.")] = Path(
        "sweep"),
    datasets: Annotated[str | None, typer.Option("--datasets", help="Bundled names or bar files, comma-separated "
                                                 "(default: the grid file's, else the system's).")] = None,
    window: Annotated[list[str] | None, typer.Option("--window", help="START:END (CME days); repeat for more.")] = None,
    metric: Annotated[str | None, typer.Option("--metric", help="Metric to rank by (default sharpe).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="tcp://HOST:PORT of an existing Dask "
                                                  "scheduler (default: a local cluster).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Local workers (default: all cores).")] = None,
    batch: Annotated[int, typer.Option("--batch", help="Optuna trials asked at once (fixed: results do not "
                                       "depend on the worker count).")] = 8,
    connect_timeout: Annotated[float, typer.Option("--connect-timeout", help="Seconds to reach --scheduler.")] = 10.0,
) -> None:
    """Sweep a system's settings over datasets and windows; every run after costs, streamed to Parquet."""
    from adapters.research.sweep.engine import dask_client
    from adapters.research.sweep.search import load_spec, run_sweep

    def say(line: str) -> None:
        console.print(line, highlight=False)

    try:
        host = host_for(system)
        names = [d.strip() for d in (datasets or "").split(",") if d.strip()]
        spec = load_spec(system, grid, host, names, window or [], metric)
        with dask_client(scheduler, workers, connect_timeout) as client:
            result = run_sweep(spec, host, client, out, search=search, trials=trials, seed=seed, batch=batch,
                               report=say)
    except (ConfigError, PluginError, SweepError, OSError) as exc:
        raise fail(str(exc)) from exc
    say(f"{result.executed} runs executed, {result.cached} from the cache; rows: {result.runs_file}")
    console.print(summary_table(result.rows, spec.metric))
    notes = measure(result.rows, result.daily, spec.metric).lines()
    for line in notes:
        say(line)
    page = write_html(result.rows, spec.metric, out / "sweep.html", f"mia sweep {system.name} ({search})", notes)
    say(f"report: {page}")
