"""``mia data levels FILE.scid --out levels.csv``: support/resistance and gamma levels for the MIA Levels study."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from mia_core.errors import MiaError

console = Console()


def _once(path: Path, out: Path, instrument: str, bar: str, lookback: int, bias: dict[str, Any] | None) -> str:
    from adapters.sierra.files.bars import file_bars, parse_bar_size
    from adapters.sierra.files.levels import compute_levels, write_levels
    from mia_core.instruments import instrument_for

    inst = instrument_for(instrument)
    series = file_bars(path, inst, parse_bar_size(bar)).checked.series
    levels = compute_levels(series, inst, lookback=lookback, bias=bias)
    write_levels(out, levels, int(series.ts[-1]))
    return ", ".join(f"{lv.label} {lv.price:.2f}" if lv.price is not None else f"{lv.label} {lv.value:.2f}"
                     for lv in levels)


def levels_command(
    path: Annotated[Path, typer.Argument(help="The chart's Sierra Chart intraday data file (.scid).")],
    out: Annotated[Path, typer.Option("--out", help="The levels CSV the MIA Levels study reads.")],
    bar: Annotated[str, typer.Option("--bar", help="Bar size the levels are computed on.")] = "1min",
    lookback: Annotated[int, typer.Option("--lookback", help="support_resistance look-back in bars.")] = 20,
    snapshots: Annotated[Path | None, typer.Option("--snapshots", help="Options snapshots directory (mia "
                                                   "gex-collect): adds the dealer's-bias gamma levels.")] = None,
    underlying: Annotated[str, typer.Option("--underlying", help="Index of the snapshots.")] = "SPX",
    basis: Annotated[float, typer.Option("--basis", help="Futures minus index, points.")] = 0.0,
    instrument: Annotated[str, typer.Option("--instrument", help="ES or NQ.")] = "ES",
    watch: Annotated[float | None, typer.Option("--watch", help="Recompute every N seconds (Ctrl-C stops).")] = None,
) -> None:
    """Write the levels MIA sees at the file's last bar for the MIA Levels study (docs/adapters/sierra_files.md)."""
    from adapters.bootstrap.cli_shared import fail

    bias = None if snapshots is None else {"snapshot_dir": str(snapshots), "underlying": underlying,
                                           "basis": basis}
    while True:
        try:
            shown = _once(path, out, instrument, bar, lookback, bias)
        except (MiaError, ValueError) as exc:
            if watch is None:
                raise fail(str(exc)) from exc
            console.print(f"[yellow]warning:[/] {exc}", highlight=False)
        else:
            console.print(f"{out}: {shown or 'no level yet'}", highlight=False)
        if watch is None:
            return
        time.sleep(watch)
