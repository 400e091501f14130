"""``mia ib``: first contact with TWS / IB Gateway (``check``) and the simulated gateway (``gateway``)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.ib.config import IbConnectionConfig

ib_app = typer.Typer(no_args_is_help=True, help="Interactive Brokers: check the connection, run a simulated gateway.")
console = Console()
err = Console(stderr=True)


@ib_app.command("check")
def check(
    host: Annotated[str, typer.Option("--host", help="Where TWS / IB Gateway runs.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="API port: TWS 7497 paper / 7496 live, Gateway 4002 paper / 4001 live.")
    ] = 4002,
    client_id: Annotated[int, typer.Option("--client-id", help="API client id, unique per connection.")] = 99,
    symbol: Annotated[str, typer.Option("--symbol", help="Futures root whose front month to show.")] = "ES",
    delayed: Annotated[bool, typer.Option("--delayed", help="Ask for delayed data (no subscription needed).")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to connect and to wait for a quote.")] = 10.0,
) -> None:
    """Connect, print the account, the resolved front-month contract and a live quote; explain any failure."""
    from adapters.ib.check import run_check

    try:
        config = IbConnectionConfig(
            host=host,
            port=port,
            client_id=client_id,
            connect_timeout=timeout,
            request_timeout=timeout,
            market_data_type="delayed" if delayed else "realtime",
        )
    except ValueError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    report = asyncio.run(run_check(config, symbol, timeout))
    table = Table(title=f"IB check {host}:{port}", show_header=False)
    table.add_column("step")
    table.add_column("result")
    for step, result in report.steps:
        table.add_row(f"[green]ok[/] {step}", result)
    if report.steps:  # a table with no row says nothing: the problem below does
        console.print(table)
    if not report.ok:
        err.print(f"[bold red]problem:[/] {report.problem}", highlight=False)
        raise typer.Exit(1)
    console.print("[green]IB connection works.[/]")


@ib_app.command("gateway")
def gateway(
    host: Annotated[
        str, typer.Option("--host", help="Interface to listen on (loopback only by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (4002 is IB Gateway's paper port).")] = 4002,
    account: Annotated[str, typer.Option("--account", help="Account id the simulated gateway reports.")] = "DU1234567",
    walk: Annotated[
        float, typer.Option("--walk", help="Seconds between steps of the seeded random price walk (0: prices stand).")
    ] = 0.5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the price walk (same seed, same path).")] = 7,
    control_port: Annotated[
        int | None,
        typer.Option("--control-port", help="Loopback port for faults at run time (0: any free; default: none)."),
    ] = None,
    fill_delay_ms: Annotated[
        float, typer.Option("--fill-delay-ms", help="Hold each fill this many milliseconds after it could fill.")
    ] = 0.0,
    drop_next_order: Annotated[
        str,
        typer.Option("--drop-next-order", help="Close the connection of the next order's client: before_ack or "
                                               "after_ack (the order reaches the gateway either way)."),
    ] = "",
    lifetime: Annotated[float, typer.Option("--lifetime", help="Stop after this many seconds (0: never).")] = 0.0,
) -> None:
    """Run the simulated IB Gateway (the TWS API on loopback) until Ctrl-C, for tests and trying MIA without IB."""
    from adapters.ib.gateway.serve import GatewayOptions, serve

    try:
        options = GatewayOptions(
            host=host, port=port, account=account, source="walk" if walk > 0 else "still", tick=walk, seed=seed,
            lifetime=lifetime, control_port=control_port, fill_delay_ms=fill_delay_ms,
            drop_next_order=drop_next_order,
        )
    except ValueError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc

    def announce(line: str) -> None:
        print(line, flush=True)  # one plain line (never wrapped): scripts read the ports from it

    try:
        asyncio.run(serve(options, announce))
    except KeyboardInterrupt:
        console.print("stopped")
    except ValueError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
