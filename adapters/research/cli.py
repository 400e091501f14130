"""``mia walkforward CONFIG --out docs/results.md``: run the walk-forward evaluation and write the page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adapters.bootstrap.cli_shared import default_config, fail, host_for, intraday_config
from adapters.bootstrap.config import read_yaml
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.research.report import render
from adapters.research.walkforward import WalkForwardSettings, copied_exits, for_strategy, walk_forward

console = Console()


def walkforward_command(
    config: Annotated[
        Path | None, typer.Argument(help="System YAML to evaluate (default: the shipped default system).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Markdown file to write (with --grid: a directory; "
                                             "default results.md, with --grid walkforward/).")] = None,
    datasets: Annotated[str | None, typer.Option("--datasets", help="Bundled datasets or bar files, comma-separated "
                                                 "(default sp500,nasdaq; with --grid the grid file's, else the "
                                                 "system's).")] = None,
    train_years: Annotated[int, typer.Option("--train-years", help="Calendar years per train fold.")] = 4,
    test_years: Annotated[int, typer.Option("--test-years", help="Calendar years per test fold.")] = 1,
    seeds: Annotated[int, typer.Option("--seeds", help="Random-entry baseline seeds.")] = 20,
    first_year: Annotated[int | None, typer.Option("--first-year", help="Ignore bars before this year.")] = None,
    last_year: Annotated[int | None, typer.Option("--last-year", help="Ignore bars after this year.")] = None,
    grid: Annotated[Path | None, typer.Option("--grid", help="A sweep grid file: walk forward on the sweep's "
                                              "Dask machinery over these key paths (any system).")] = None,
    metric: Annotated[str | None, typer.Option("--metric", help="With --grid: what the train folds rank by.")] = None,
    min_train_trades: Annotated[int, typer.Option("--min-train-trades", help="With --grid: fewest train trades a "
                                                  "point needs to be chosen.")] = 5,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="With --grid: tcp://HOST:PORT of a Dask "
                                                  "scheduler (default: a local cluster).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="With --grid: local workers.")] = None,
) -> None:
    """Walk-forward evaluation: settings chosen on each train fold only, measured on the next fold, after costs."""
    shipped = config is None
    path = default_config() if config is None else config
    if grid is not None:
        from adapters.research.walk_cli import walk_on_sweep

        walk_on_sweep(path, grid, out or Path("walkforward"), datasets, train_years, test_years, first_year,
                      last_year, metric, min_train_trades, scheduler, workers)
        return
    out = out or Path("results.md")
    datasets = datasets or "sp500,nasdaq"

    try:
        settings = WalkForwardSettings(
            datasets=tuple(d.strip() for d in datasets.split(",") if d.strip()),
            train_years=train_years,
            test_years=test_years,
            seeds=seeds,
            first_year=first_year,
            last_year=last_year,
        )
        host = host_for(path)
        data = read_yaml(path)
        settings = for_strategy(settings, data, host)
        exits = copied_exits(data, host)
        results = walk_forward(data, host, settings, report=lambda line: console.print(line, highlight=False))
    except (ConfigError, PluginError, ValueError) as exc:
        raise fail(str(exc)) from exc
    command = _command_line(None if shipped else path, out, settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    policies = [_use(entry) for entry in data.get("risk_policies") or []]
    use = _use(data.get("strategy"))
    label = "Battle Navale" if use == "battle_navale" else f"`{use}`"
    page = render(results, settings, command, path.name if shipped else str(path), policies, label, exits)
    if out.exists():  # the ML filter's sections (`mia ml evaluate --markdown`) stay
        from adapters.ml.sections import marked_sections

        page = page.rstrip("\n") + "\n" + marked_sections(out.read_text())
    out.write_text(page)
    console.print(f"wrote {out}", highlight=False)


def _command_line(config: Path | None, out: Path, settings: WalkForwardSettings) -> str:
    defaults = WalkForwardSettings()
    parts = ["mia walkforward", *([] if config is None else [str(config)]), "--out", str(out)]
    if settings.datasets != defaults.datasets:
        parts += ["--datasets", ",".join(settings.datasets)]
    for flag, name in (("--train-years", "train_years"), ("--test-years", "test_years"), ("--seeds", "seeds"),
                       ("--first-year", "first_year"), ("--last-year", "last_year")):
        if getattr(settings, name) != getattr(defaults, name):
            parts += [flag, str(getattr(settings, name))]
    return " ".join(parts)


def _use(entry: object) -> str:
    return str(entry.get("use")) if isinstance(entry, dict) else str(entry)


def ablation_command(
    config: Annotated[Path | None, typer.Argument(help="System YAML (default: the shipped intraday Battle Navale).")]
    = None,
    data: Annotated[Path | None, typer.Option("--data", help="CSV or Parquet bars replacing the data feed.")] = None,
    start: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")] = None,
) -> None:
    """Run the system with each technique removed, on the same data; print the table (Markdown)."""
    from adapters.research.ablation import ablation, markdown

    path = intraday_config() if config is None else config
    try:
        host = host_for(path)
        rows = ablation(read_yaml(path), host, source=str(path), bars=data,
                        start=start.date() if start else None, end=end.date() if end else None,
                        report=lambda r: console.print(f"{r.variant}: {r.trades} trades", highlight=False))
    except (ConfigError, PluginError, ValueError) as exc:
        raise fail(str(exc)) from exc
    console.print(markdown(rows), highlight=False, soft_wrap=True)
