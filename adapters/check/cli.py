"""The ``mia check`` command group (registered in ``adapters.bootstrap.cli``)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adapters.bootstrap.cli_shared import default_config
from adapters.bootstrap.errors import ConfigError, PluginError
from mia_core.errors import MiaError
from mia_core.lookahead import CheckSettings

check_app = typer.Typer(no_args_is_help=True, help="Checks of a composed system.")
console = Console()
err = Console(stderr=True)


def print_check(config: Path, start: date | None, end: date | None, *, data: Path | None = None,
                bars: int | None = None, settings: CheckSettings | None = None) -> bool:
    """Check ``config`` for look-ahead, print a table per component; True when every component passed.

    Raises ConfigError, PluginError or MiaError when the system cannot be built or its data loaded.
    """
    from adapters.check.lookahead import check_system
    from adapters.check.tables import tables

    checked = check_system(config, bars, start, end, settings, data)
    for table in tables(checked):
        console.print(table)
    if checked.failed:
        console.print(f"[red]look-ahead found in: {', '.join(checked.failed)}[/]", highlight=False)
        return False
    console.print(f"[green]ok[/]: no look-ahead in {len(checked.components)} component(s)")
    return True


@check_app.command("lookahead")
def lookahead(
    config: Annotated[Path | None, typer.Argument(help="A system YAML file (default: the shipped default).")] = None,
    bars: Annotated[int, typer.Option("--bars", help="Check the first N bars of the system's data (0: all).")] = 0,
    cuts: Annotated[int, typer.Option("--cuts", help="Sampled cuts where every bar is covered otherwise.")] = 24,
    rows: Annotated[int, typer.Option("--every-bar-rows", help="Cut single-form array components after every "
                                      "bar while the cuts add up to at most this many rows.")] = 20_000_000,
    data: Annotated[Path | None, typer.Option("--data", help="CSV or Parquet bars replacing the data feed.")] = None,
    start: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")] = None,
) -> None:
    """Check every technique, analyzer and the strategy of a system for look-ahead (docs/lookahead.md).

    Exit status 1 when any component fails, 2 when the system cannot be built.
    """
    try:
        passed = print_check(config or default_config(), start.date() if start else None,
                             end.date() if end else None, data=data, bars=bars or None,
                             settings=CheckSettings(cuts=cuts, every_bar_rows=rows))
    except (ConfigError, PluginError, MiaError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    if not passed:
        raise typer.Exit(1)
