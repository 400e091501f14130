"""``python -m adapters.ib.gateway``: run the simulated IB Gateway until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random

from adapters.ib.gateway.server import SimulatedGateway


async def serve(args: argparse.Namespace) -> None:
    """Listen, optionally move prices in a seeded random walk, stop after ``--lifetime`` seconds if given."""
    gw = SimulatedGateway(host=args.host, port=args.port, account=args.account)
    await gw.start()
    print(f"simulated IB Gateway listening on {args.host}:{gw.port} (account {args.account}); Ctrl-C stops it",
          flush=True)
    rng = random.Random(args.seed)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.lifetime if args.lifetime else None
    try:
        while deadline is None or loop.time() < deadline:
            await asyncio.sleep(args.tick)
            if args.tick > 0 and not args.still:
                for root in ("ES", "NQ", "SPX", "NDX"):
                    book = gw.quotes.book(root)
                    step = max(book.tick, 0.25) * rng.choice((-1, 0, 0, 1))
                    gw.set_price(root, book.last + step, size=rng.randint(1, 5))
    finally:
        await gw.stop()


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m adapters.ib.gateway", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=4002, help="port (4002 is IB Gateway's paper port)")
    parser.add_argument("--account", default="DU1234567", help="account id to report")
    parser.add_argument("--tick", type=float, default=0.5, help="seconds between simulated trades")
    parser.add_argument("--still", action="store_true", help="keep prices still (move them only by orders)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the price walk")
    parser.add_argument("--lifetime", type=float, default=0.0, help="stop after this many seconds (0: never)")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
