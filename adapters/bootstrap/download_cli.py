"""``mia data download ib SYMBOL``: futures history from TWS / IB Gateway to a Parquet bar file (resumable)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console

from adapters.bootstrap.cli_shared import fail
from mia_core.errors import MiaError

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:
    from adapters.ib.config import IbConnectionConfig
    from adapters.ib.download import DownloadRequest, DownloadResult

console = Console()
UNITS = {"s": "secs", "sec": "secs", "secs": "secs", "m": "min", "min": "min", "mins": "min", "h": "hour",
         "hour": "hour", "hours": "hour", "d": "day", "day": "day", "days": "day"}


def ib_bar_size(text: str) -> str:
    """``1min``, ``5 mins``, ``1h``, ``1d`` -> IB's words (``1 min``, ``5 mins``, ``1 hour``, ``1 day``)."""
    from adapters.ib.history import BAR_SIZES

    match = re.fullmatch(r"\s*(\d+)\s*([a-z]+)\s*", text.lower())
    unit = UNITS.get(match.group(2), "") if match else ""
    if match and unit:
        count = int(match.group(1))
        words = f"{count} {unit}" + ("s" if count > 1 and unit in ("min", "hour", "day") else "")
        if words in BAR_SIZES:
            return words
    sizes = ", ".join(s.replace(" ", "") for s in BAR_SIZES)
    raise ValueError(f"--bar {text!r}: IB bar sizes MIA downloads are {sizes}")


def _day(text: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"{flag} {text!r}: a date YYYY-MM-DD") from None


def download_command(
    source: Annotated[str, typer.Argument(help="Where from: ib (TWS / IB Gateway).")],
    symbol: Annotated[str, typer.Argument(help="Futures root: ES or NQ.")],
    first: Annotated[str, typer.Option("--from", help="First CME trading day, YYYY-MM-DD.")],
    last: Annotated[str, typer.Option("--to", help="Last CME trading day, YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option("--out", help="The Parquet file to write (pieces wait in OUT.parts/).")],
    bar: Annotated[str, typer.Option("--bar", help="Bar size: 5s 15s 30s 1min 5min 15min 1h 1d.")] = "1min",
    adjust: Annotated[bool, typer.Option("--adjust/--no-adjust", help="Back-adjust earlier months by the gap at "
                                         "each roll (default), or keep prices as traded.")] = True,
    roll_method: Annotated[Literal["days_before_expiry", "volume"], typer.Option(
        "--roll-method", help="Roll a fixed number of days before expiry, or when the next month trades more.")
    ] = "days_before_expiry",
    roll_days: Annotated[int, typer.Option("--roll-days", help="Calendar days before the last trade date "
                                           "(8: the CME equity roll, Thursday before expiry).")] = 8,
    rth: Annotated[bool, typer.Option("--rth", help="Regular trading hours only.")] = False,
    host: Annotated[str, typer.Option("--host", envvar="MIA_IB_HOST", help="Where TWS / IB Gateway runs.")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", envvar="MIA_IB_PORT", help="API port (Gateway 4002 paper).")
                    ] = 4002,
    client_id: Annotated[int, typer.Option("--client-id", envvar="MIA_IB_CLIENT_ID", help="API client id.")] = 97,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to connect and per history request.")] = 60.0,
) -> None:
    """Download futures bars through the IB adapter (paced, retried), stitched across rolls, to Parquet.

    The account id, if one is needed, comes from MIA_IB_ACCOUNT; it is never printed. An
    interrupted download keeps what it had: the same command again fetches only the rest.
    """
    import pandas as pd

    from adapters.ib.config import IbConnectionConfig
    from adapters.ib.download import DownloadRequest, trading_day_bounds
    from mia_core.rolls import RollMethod, RollRule

    if source.lower() != "ib":
        raise fail(f"download source {source!r}: MIA downloads from ib (TWS / IB Gateway)")
    if out.suffix.lower() not in (".parquet", ".pq", ".parq"):
        raise fail(f"--out {out}: a Parquet file name (.parquet)")
    day_from, day_to = _day(first, "--from"), _day(last, "--to")
    if day_from > day_to:
        raise fail(f"--from {day_from} is after --to {day_to}")
    try:
        rule = RollRule(RollMethod(roll_method), roll_days)
        request = DownloadRequest(symbol.upper(), ib_bar_size(bar), *trading_day_bounds(day_from, day_to), rule,
                                  adjust, use_rth=rth)
        config = IbConnectionConfig(host=host, port=port, client_id=client_id, connect_timeout=min(timeout, 30.0),
                                    request_timeout=timeout)
    except (MiaError, ValueError) as exc:
        raise fail(str(exc)) from exc
    try:
        result = asyncio.run(_download(config, request, out))
    except MiaError as exc:
        raise fail(str(exc), 1) from exc
    span = " .. ".join(f"{pd.Timestamp(t, tz='UTC'):%Y-%m-%d %H:%M}" for t in (result.first_ns, result.last_ns))
    rolls = "; ".join(result.rolls) or "none in the period"
    how = "back-adjusted by the gap at each roll" if adjust else "not adjusted"
    for line in (f"wrote {result.path}: {result.bars:,} {request.bar_size} bars of {request.symbol}",
                 f"  bars close {span} UTC",
                 f"  months {', '.join(result.months)}; rolls {rolls} ({how})",
                 f"  pieces fetched {result.fetched}, reused {result.reused}"):
        console.print(line, highlight=False, soft_wrap=True)


async def _download(config: IbConnectionConfig, request: DownloadRequest, out: Path) -> DownloadResult:
    from adapters.clocks import WallClock
    from adapters.ib.connection import IbConnection
    from adapters.ib.download import download_history
    from adapters.ib.history import PacedHistory
    from mia_core.instruments import instrument_for

    connection = IbConnection(config, WallClock())
    try:
        await connection.ensure_connected()
        paced = PacedHistory(connection.ib, timeout=config.request_timeout)
        return await download_history(connection.ib, paced, instrument_for(request.symbol), request, out)
    finally:
        connection.close()
