"""``mia data``: what MIA makes of a bar file (``inspect``), history downloads; the ``--data`` flags."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.bootstrap.cli_shared import fail
from adapters.bootstrap.data_options import DataOptions
from adapters.replay.layouts import parse_columns_option
from mia_core.errors import MiaError

data_app = typer.Typer(no_args_is_help=True, help="Bar files: inspect one, download history.")
console = Console()

ColumnsOption = Annotated[str | None, typer.Option(
    "--columns", help="The file's column for each field, e.g. ts=Date,time=Time,close=Last (names match "
                      "ignoring case; FIELD= for none). Fields: ts time open high low close volume bid_volume "
                      "ask_volume trade_count.")]
TzOption = Annotated[str | None, typer.Option("--tz", help="Time zone of timestamps without one, e.g. "
                                                           "America/Chicago (default UTC).")]
CloseTimeOption = Annotated[str | None, typer.Option("--close-time", help="For dates without a time: the bar's "
                                                                          "local close HH:MM (default 16:00).")]
BadDataOption = Annotated[str | None, typer.Option("--on-bad-data", help="repair (default with --data: round "
                                                   "to the tick grid, drop bad rows, say so) or error.")]
DataReportOption = Annotated[bool, typer.Option("--data-report", help="List every data problem found, row by "
                                                "row (default: one line per file).")]


def data_options(columns: str | None, tz: str | None, close_time: str | None,
                 on_bad_data: str | None) -> DataOptions:
    """The ``--data`` flags as :class:`DataOptions`; a malformed ``--columns`` is a usage error."""
    try:
        mapping = parse_columns_option(columns) if columns else {}
    except ValueError as exc:
        raise fail(str(exc)) from exc
    return DataOptions(mapping, tz, close_time, on_bad_data)


def show_data_details(enabled: bool) -> None:
    """With ``--data-report``, let the feed's row-by-row data report through (logger ``mia.data`` at DEBUG)."""
    if enabled:
        logging.getLogger("mia.data").setLevel(logging.DEBUG)


def _when(ns: int) -> str:
    import pandas as pd
    stamp = pd.Timestamp(ns, tz="UTC")
    return f"{stamp:%Y-%m-%d %H:%M} UTC ({stamp.tz_convert('America/Chicago'):%Y-%m-%d %H:%M} Chicago)"


def _inspect_scid(path: Path) -> None:
    """What MIA reads in a Sierra Chart .scid file (bars come from ``mia data import`` or ``--data``)."""
    from adapters.sierra.files.inspect import describe_scid

    try:
        rows = describe_scid(path)
    except MiaError as exc:
        raise fail(str(exc)) from exc
    table = Table(title=str(path), show_header=False)
    table.add_column("what")
    table.add_column("MIA reads", overflow="fold")
    for what, text in rows:
        table.add_row(what, text)
    console.print(table)


@data_app.command("inspect")
def inspect(
    path: Annotated[Path, typer.Argument(help="A CSV or Parquet bar file, or a Sierra Chart .scid file.")],
    instrument: Annotated[str, typer.Option("--instrument", help="Whose tick grid prices are checked on.")] = "ES",
    columns: ColumnsOption = None,
    tz: TzOption = None,
    close_time: CloseTimeOption = None,
    on_bad_data: BadDataOption = None,
) -> None:
    """Show what MIA makes of a bar file: layout, columns, bar size, span, rows, repairs and assumptions."""
    from adapters.bootstrap.structure import StructureError, structure_attrs
    from adapters.replay.file import FileFeedConfig, read_file
    from mia_core.instruments import instrument_for

    if path.suffix.lower() == ".scid":
        _inspect_scid(path)
        return
    options = data_options(columns, tz, close_time, on_bad_data)
    settings: dict[str, object] = {"path": str(path), "on_bad_data": options.on_bad_data or "repair"}
    if options.columns:
        settings["columns"] = options.columns
    settings.update({k: v for k, v in (("timezone", tz), ("close_time", close_time)) if v is not None})
    try:
        config = structure_attrs(FileFeedConfig, settings, "flags")
        reading = read_file(config, instrument_for(instrument))
    except (StructureError, MiaError, ValueError) as exc:
        raise fail(str(exc)) from exc
    series, report = reading.checked.series, reading.checked.report
    table = Table(title=str(path), show_header=False)
    table.add_column("what")
    table.add_column("MIA reads", overflow="fold")
    table.add_row("format", reading.format)
    table.add_row("layout", reading.layout)
    table.add_row("columns", ", ".join(f"{ours}={theirs.strip()!r}" for ours, theirs in reading.columns.items()))
    table.add_row("bar size", reading.bar_size + " (inferred from the spacing of the bars)")
    table.add_row("first bar closes", _when(int(series.ts[0])))
    table.add_row("last bar closes", _when(int(series.ts[-1])))
    table.add_row("rows", f"{report.rows_read:,} read, {report.rows_kept:,} kept")
    table.add_row("order flow", "bid/ask volume present" if series.has_order_flow else "none")
    for note in reading.notes:
        table.add_row("assumed", note)
    console.print(table)
    console.print(report.summary(), highlight=False)


from adapters.bootstrap.download_cli import download_command  # noqa: E402  (its own module, registered here)

data_app.command("download")(download_command)
from adapters.bootstrap.import_cli import import_command  # noqa: E402  (its own module, registered here)

data_app.command("import")(import_command)
from adapters.sierra.files.levels_cli import levels_command  # noqa: E402  (its own module, registered here)

if TYPE_CHECKING:
    pass

data_app.command("levels")(levels_command)
