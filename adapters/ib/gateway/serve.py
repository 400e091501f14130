"""Run the simulated gateway as a program (``mia ib gateway``, ``python -m adapters.ib.gateway``) until stopped."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import attrs

from adapters.ib.gateway.control import ControlServer
from adapters.ib.gateway.faults import DROP_MOMENTS
from adapters.ib.gateway.replay import synthetic_minutes
from adapters.ib.gateway.server import SimulatedGateway

SOURCES = ("walk", "synthetic", "still")


@attrs.frozen
class GatewayOptions:
    """What the program serves: where, how prices move, which faults are set from the start.

    ``source``: ``walk`` (a seeded random walk, one step every ``tick`` s), ``synthetic``
    (seeded one-minute bars, one every ``tick`` s) or ``still``; ``control_port``: a
    loopback port for :mod:`adapters.ib.gateway.control` (None: none, 0: a free one);
    ``fill_delay_ms``, ``drop_next_order``: the faults of the same names;
    ``lifetime``: stop after this many seconds (0: run until stopped).
    """

    host: str = "127.0.0.1"
    port: int = 4002
    account: str = "DU1234567"
    source: str = "walk"
    tick: float = 0.5
    seed: int = 7
    lifetime: float = 0.0
    control_port: int | None = None
    fill_delay_ms: float = 0.0
    drop_next_order: str = ""
    prices: dict[str, float] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {self.source!r}")
        if self.drop_next_order and self.drop_next_order not in DROP_MOMENTS:
            raise ValueError(f"drop_next_order must be one of {', '.join(DROP_MOMENTS)}, got {self.drop_next_order!r}")


async def _synthetic(gw: SimulatedGateway, tick: float, seed: int) -> None:
    series = {root: synthetic_minutes(root, 20_000, gw.quotes.book(root).last, seed) for root in ("ES", "NQ")}
    for i in range(len(series["ES"].ts)):
        for root, bars in series.items():
            await gw.replay(root, bars.slice(i, i + 1))
        await asyncio.sleep(tick)


def banner(gw: SimulatedGateway, options: GatewayOptions, control: ControlServer | None) -> str:
    """The first line printed: where clients (and the control port, if any) connect."""
    line = f"simulated IB Gateway listening on {options.host}:{gw.port} (account {options.account})"
    if control is not None:
        line += f"; control on {options.host}:{control.port}"
    return line + "; Ctrl-C stops it"


async def serve(options: GatewayOptions, announce: Callable[[str], None] = print) -> None:
    """Listen, move prices as ``options.source`` says, set the faults; stop after ``lifetime`` s if given."""
    gw = SimulatedGateway(host=options.host, port=options.port, account=options.account, prices=options.prices)
    gw.delay_fills(options.fill_delay_ms)
    if options.drop_next_order:
        gw.drop_next_order(options.drop_next_order)
    await gw.start()
    control = ControlServer(gw, options.host, options.control_port) if options.control_port is not None else None
    mover: asyncio.Task[None] | None = None
    try:
        if control is not None:
            await control.start()
        announce(banner(gw, options, control))
        if options.source == "walk" and options.tick > 0:
            gw.walk(options.tick, options.seed)
        elif options.source == "synthetic":
            mover = asyncio.create_task(_synthetic(gw, max(options.tick, 0.0), options.seed))
        if options.lifetime:
            await asyncio.sleep(options.lifetime)
        else:
            await asyncio.Event().wait()
    finally:
        if mover is not None:
            mover.cancel()
        if control is not None:
            await control.stop()
        await gw.stop()
