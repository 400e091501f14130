"""``mia data import FILE.scid --bar 1min --out bars.parquet``: a Sierra Chart intraday file to Parquet bars."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from adapters.bootstrap.cli_shared import fail
from mia_core.errors import MiaError

if TYPE_CHECKING:
    pass

console = Console()


def import_command(
    path: Annotated[Path, typer.Argument(help="A Sierra Chart intraday data file (.scid).")],
    out: Annotated[Path, typer.Option("--out", help="The Parquet bar file to write.")],
    bar: Annotated[str, typer.Option("--bar", help="Bar size: 30s, 1min, 5min, 1h, 1d ...")] = "1min",
    instrument: Annotated[str, typer.Option("--instrument", help="Whose tick grid prices are put on.")] = "ES",
    price_multiplier: Annotated[float, typer.Option("--price-multiplier", help="Sierra Chart's Real-Time Price "
                                                    "Multiplier when the file's prices are scaled.")] = 1.0,
) -> None:
    """Turn a .scid file (tick or bar records) into Parquet bars with bid/ask volume (for --data or the YAML)."""
    import pandas as pd

    from adapters.sierra.files.bars import parse_bar_size
    from adapters.sierra.files.export_bars import import_scid
    from mia_core.instruments import instrument_for

    if path.suffix.lower() != ".scid":
        raise fail(f"{path}: mia data import reads Sierra Chart .scid files (CSV and Parquet are read as they are "
                   "by --data)")
    try:
        seconds = parse_bar_size(bar)
        done = import_scid(path, out, instrument_for(instrument), seconds, multiplier=price_multiplier)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    except MiaError as exc:
        raise fail(str(exc)) from exc
    first, last = (pd.Timestamp(ns, tz="UTC") for ns in (done.first_ns, done.last_ns))
    span = f"{first:%Y-%m-%d %H:%M} .. {last:%Y-%m-%d %H:%M} UTC" if done.bars else "no bars"
    console.print(f"{done.out}: {done.bars:,} bars of {bar} from {done.records:,} records ({done.time_format} "
                  f"times), {span}", highlight=False)
    console.print(done.report.headline(), highlight=False)
