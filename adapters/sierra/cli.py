"""``mia sierra``: check the connection to Sierra Chart's DTC server (``check``), run the loopback server."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from adapters.sierra.config import SierraConnectionConfig

sierra_app = typer.Typer(no_args_is_help=True, help="Sierra Chart: check the DTC connection, run a loopback server.")
console = Console()
err = Console(stderr=True)


@sierra_app.command("check")
def check(
    host: Annotated[str, typer.Option("--host", help="Where Sierra Chart runs.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="DTC Protocol Server >> Listening Port.")] = 11099,
    encoding: Annotated[str, typer.Option("--encoding", help="binary, json or json-compact.")] = "binary",
    symbol: Annotated[str, typer.Option("--symbol", help="Sierra Chart symbol to try market data on.")] = "ES",
    account: Annotated[str, typer.Option("--account", help="Trade account (default: the first offered).")] = "",
    username: Annotated[str, typer.Option("--username", help="Only with Require Authentication; the password "
                                                             "comes from $MIA_SIERRA_PASSWORD.")] = "",
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to connect and per request.")] = 10.0,
) -> None:
    """Log on, list trade accounts, positions and balance, try market data; explain each failure."""
    from adapters.sierra.check import check_blocking

    try:
        config = SierraConnectionConfig(host=host, port=port, encoding=encoding,  # type: ignore[arg-type]
                                        trade_account=account, username=username, connect_timeout=timeout,
                                        request_timeout=timeout)
    except (ValueError, TypeError) as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from exc
    if encoding not in ("binary", "json", "json-compact"):
        err.print(f"[bold red]error:[/] --encoding {escape(encoding)}: use binary, json or json-compact")
        raise typer.Exit(2)
    report = check_blocking(config, symbol, timeout)
    table = Table(title=f"Sierra Chart DTC check {host}:{port}", show_header=False)
    table.add_column("step")
    table.add_column("result")
    for step, result in report.steps:
        table.add_row(f"[green]ok[/] {step}", escape(result))
    if report.steps:
        console.print(table)
    for note in report.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    if not report.ok:
        err.print(f"[bold red]problem:[/] {escape(report.problem)}", highlight=False)
        raise typer.Exit(1)
    console.print("[green]DTC connection works.[/]")


@sierra_app.command("server")
def server(
    host: Annotated[str, typer.Option("--host", help="Interface (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Main (Listening) port.")] = 11099,
    historical_port: Annotated[int, typer.Option("--historical-port", help="Historical Data Port.")] = 11098,
    refuse: Annotated[list[str] | None, typer.Option(
        "--refuse", help="Refuse market data and history for symbols matching this pattern, as Sierra Chart does "
                         "for CME (repeatable, e.g. --refuse 'ES*').")] = None,
    account: Annotated[str, typer.Option("--account", help="The trade account offered.")] = "Sim1",
    symbol: Annotated[str, typer.Option("--symbol", help="Symbol whose market moves (a random walk).")] = "ESZ26",
    price: Annotated[float, typer.Option("--price", help="Where the walk starts.")] = 5000.0,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between trades (0: no walk).")] = 0.5,
) -> None:
    """Run the loopback DTC server (orders filled by the simulated exchange) until Ctrl-C."""
    from adapters.sierra.server import LoopbackDtcServer, ServerOptions

    async def serve() -> None:
        dtc = LoopbackDtcServer(host, port, historical_port, ServerOptions(accounts=(account,),
                                                                            restricted=list(refuse or [])))
        await dtc.start()
        console.print(f"loopback DTC server on {host}:{dtc.port} (historical {dtc.historical_port}), account "
                      f"{account}; Ctrl-C stops it", highlight=False)
        walk = asyncio.ensure_future(dtc.walk(symbol, price, interval)) if interval > 0 else None
        try:
            await asyncio.Event().wait()
        finally:
            if walk is not None:
                walk.cancel()
            await dtc.stop()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        console.print("stopped")
