"""Take a chain snapshot every few minutes (5 by default) and store it with its timestamp.

Run it beside a paper or live session (``mia gex-collect``, or as an asyncio task next
to the live shell): the ``dealers_bias`` analyzer reading the same directory picks up
each new snapshot on the next bar. A failing source is logged and counted, and the
next slot is tried; the scheduler never raises into the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence

from adapters.options.store import SnapshotStore
from mia_core.errors import MiaError
from mia_core.options import OptionsChainSnapshot
from ports.options_source import OptionsChainSource

log = logging.getLogger("mia.options")


class SnapshotScheduler:
    """Every ``interval_seconds`` (aligned to wall-clock multiples when ``align``), snapshot each underlying."""

    def __init__(
        self,
        source: OptionsChainSource,
        store: SnapshotStore,
        underlyings: Sequence[str] = ("SPX",),
        *,
        interval_seconds: float = 300.0,
        align: bool = True,
        on_snapshot: Callable[[OptionsChainSnapshot], None] | None = None,
        wall_time: Callable[[], float] = time.time,
    ) -> None:
        if interval_seconds <= 0:
            raise MiaError(f"snapshot interval {interval_seconds}: must be greater than zero")
        self.source, self.store = source, store
        self.underlyings = tuple(u.upper() for u in underlyings)
        self.interval, self.align = interval_seconds, align
        self.on_snapshot = on_snapshot
        self.wall_time = wall_time
        self.taken = 0
        self.failed = 0
        self.last_error = ""

    def seconds_to_next_slot(self) -> float:
        """Wait before the next slot: to the next multiple of the interval (aligned) or one interval."""
        if not self.align:
            return self.interval
        now = self.wall_time()
        return self.interval - (now % self.interval)

    async def run_once(self) -> list[OptionsChainSnapshot]:
        """Snapshot and store each underlying once; failures are logged and counted."""
        taken = []
        for underlying in self.underlyings:
            try:
                snapshot = await self.source.snapshot(underlying)
                if not snapshot.quotes:
                    raise MiaError(f"empty chain (no quotes, {snapshot.rejected} rejected rows); not stored")
                self.store.write(snapshot)
            except Exception as exc:  # any source failure: log, count, try again at the next slot
                self.failed += 1
                self.last_error = f"{underlying}: {exc}"
                log.warning("options snapshot from %s failed: %s", self.source.name, self.last_error)
                continue
            self.taken += 1
            taken.append(snapshot)
            if self.on_snapshot is not None:
                self.on_snapshot(snapshot)
        return taken

    async def run(self, stop: asyncio.Event | None = None, max_rounds: int | None = None) -> None:
        """Take a round now, then one per slot until ``stop`` is set or ``max_rounds`` rounds are done."""
        stop = stop or asyncio.Event()
        rounds = 0
        while not stop.is_set():
            await self.run_once()
            rounds += 1
            if max_rounds is not None and rounds >= max_rounds:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.seconds_to_next_slot())
