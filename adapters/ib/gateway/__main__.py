"""``python -m adapters.ib.gateway``: run the simulated IB Gateway until Ctrl-C (or ``--lifetime``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools

from adapters.ib.gateway.faults import DROP_MOMENTS
from adapters.ib.gateway.serve import SOURCES, GatewayOptions, serve


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m adapters.ib.gateway", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=4002, help="port (4002 is IB Gateway's paper port; 0: any free)")
    parser.add_argument("--account", default="DU1234567", help="account id to report")
    parser.add_argument("--source", choices=SOURCES, default="walk",
                        help="how prices move: seeded random walk, seeded synthetic one-minute bars, or not at all")
    parser.add_argument("--tick", type=float, default=0.5, help="seconds between price steps (or replayed bars)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the walk or the synthetic bars")
    parser.add_argument("--lifetime", type=float, default=0.0, help="stop after this many seconds (0: never)")
    parser.add_argument("--control-port", type=int, default=None,
                        help="loopback control port for faults at run time (0: any free; default: none)")
    parser.add_argument("--fill-delay-ms", type=float, default=0.0, help="hold each fill this many milliseconds")
    parser.add_argument("--drop-next-order", choices=DROP_MOMENTS, default="",
                        help="close the connection of the next transmitted order's client")
    args = parser.parse_args(argv)
    options = GatewayOptions(host=args.host, port=args.port, account=args.account, source=args.source,
                             tick=args.tick, seed=args.seed, lifetime=args.lifetime, control_port=args.control_port,
                             fill_delay_ms=args.fill_delay_ms, drop_next_order=args.drop_next_order)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(options, functools.partial(print, flush=True)))


if __name__ == "__main__":
    main()
