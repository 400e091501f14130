"""``python -m adapters.ib.gateway``: run the simulated IB Gateway until Ctrl-C (or ``--lifetime``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random

from adapters.ib.gateway.replay import synthetic_minutes
from adapters.ib.gateway.server import SimulatedGateway

SOURCES = ("walk", "synthetic", "still")


async def _walk(gw: SimulatedGateway, tick: float, seed: int) -> None:
    rng = random.Random(seed)
    while True:
        await asyncio.sleep(tick)
        for root in ("ES", "NQ", "SPX", "NDX"):
            book = gw.quotes.book(root)
            step = max(book.tick, 0.25) * rng.choice((-1, 0, 0, 1))
            gw.set_price(root, book.last + step, size=rng.randint(1, 5))


async def _synthetic(gw: SimulatedGateway, tick: float, seed: int) -> None:
    series = {root: synthetic_minutes(root, 20_000, gw.quotes.book(root).last, seed) for root in ("ES", "NQ")}
    for i in range(len(series["ES"].ts)):
        for root, bars in series.items():
            await gw.replay(root, bars.slice(i, i + 1))
        await asyncio.sleep(tick)


async def serve(args: argparse.Namespace) -> None:
    """Listen and move prices as ``--source`` says; stop after ``--lifetime`` seconds if given."""
    gw = SimulatedGateway(host=args.host, port=args.port, account=args.account)
    await gw.start()
    print(f"simulated IB Gateway listening on {args.host}:{gw.port} (account {args.account}); Ctrl-C stops it",
          flush=True)
    mover = None
    if args.source == "walk" and args.tick > 0:
        mover = asyncio.create_task(_walk(gw, args.tick, args.seed))
    elif args.source == "synthetic":
        mover = asyncio.create_task(_synthetic(gw, max(args.tick, 0.0), args.seed))
    try:
        if args.lifetime:
            await asyncio.sleep(args.lifetime)
        else:
            await asyncio.Event().wait()
    finally:
        if mover is not None:
            mover.cancel()
        await gw.stop()


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
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
