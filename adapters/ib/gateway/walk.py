"""A seeded random walk of the simulated gateway's prices, so a paper session against it trades."""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.ib.gateway.session import Gateway

ROOTS = ("ES", "NQ", "SPX", "NDX")
STEPS = (-1, 0, 0, 1)  # ticks per step: a driftless walk that stands still half the time


class PriceWalk:
    """Every ``interval`` s each root trades one step away: -1, 0, 0 or +1 tick, drawn from ``seed``.

    The same seed gives the same path (whatever else the gateway does); sizes are 1-5.
    """

    def __init__(self, gateway: Gateway, interval: float, seed: int, roots: tuple[str, ...] = ROOTS) -> None:
        if not interval > 0:
            raise ValueError(f"price walk: interval must be > 0 seconds, got {interval!r}")
        self.gateway, self.interval, self.seed, self.roots = gateway, interval, seed, roots
        self.rng = random.Random(seed)
        self.steps = 0
        self._task: asyncio.Task[None] | None = None

    def next_prices(self) -> dict[str, float]:
        """The next step's price of each root (advances the walk's random sequence)."""
        out: dict[str, float] = {}
        for root in self.roots:
            book = self.gateway.quotes.book(root)
            out[root] = book.last + max(book.tick, 0.25) * self.rng.choice(STEPS)
        return out

    def step(self) -> None:
        """Trade every root one step on."""
        for root, price in self.next_prices().items():
            self.gateway.set_price(root, price, size=self.rng.randint(1, 5))
        self.steps += 1

    def start(self) -> None:
        """Walk on the running event loop until :meth:`stop`."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.step()

    def stop(self) -> None:
        """Stop walking (idempotent)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
