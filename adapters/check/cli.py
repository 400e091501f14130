"""The ``mia check`` command group (registered in ``adapters.bootstrap.cli``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adapters.bootstrap.errors import ConfigError, PluginError
from mia_core.errors import MiaError

check_app = typer.Typer(no_args_is_help=True, help="Checks of a composed system.")
console = Console()
err = Console(stderr=True)


@check_app.command("lookahead")
def lookahead(
    config: Annotated[Path, typer.Argument(help="A system YAML file.")],
    bars: Annotated[int, typer.Option("--bars", help="Check the first N bars of the system's data (0: all).")] = 5000,
    cuts: Annotated[int, typer.Option("--cuts", help="How many places to cut the data at.")] = 24,
    start: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")] = None,
) -> None:
    """Recompute every technique of the system on its data cut at many bars; a value that changes looked ahead.

    Exit status 1 when any technique fails, 2 when the system cannot be built.
    """
    from adapters.check.lookahead import check_system, report_table

    try:
        series, checked = check_system(config, bars or None, start.date() if start else None,
                                       end.date() if end else None, cuts)
    except (ConfigError, PluginError, MiaError) as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    console.print(report_table(series, checked))
    failed = [item.use for item in checked if not item.report.passed]
    if not checked:
        console.print("no techniques to check in this system")
    elif failed:
        console.print(f"[red]look-ahead found in: {', '.join(failed)}[/]", highlight=False)
        raise typer.Exit(1)
    else:
        console.print(f"[green]ok[/]: no look-ahead in {len(checked)} component(s)")
