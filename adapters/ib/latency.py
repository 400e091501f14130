"""API round-trip latency to TWS / IB Gateway, measured with ``reqCurrentTime`` at an interval, for the alert rules."""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger("mia.ib")

#: Seconds between two probes.
EVERY_SECONDS = 10.0
#: A reply slower than this counts as this slow (the probe does not wait longer).
TIMEOUT_SECONDS = 5.0
#: The reading is the median of the last few probes: one slow reply does not raise an alert by itself.
WINDOW = 3


class CurrentTime(Protocol):
    """What the probe needs of ``ib_async.IB``."""

    def isConnected(self) -> bool: ...

    def reqCurrentTimeAsync(self) -> Awaitable[object]: ...


class LatencyProbe:
    """Asks IB for its time (``reqCurrentTime``) at most every ``every`` seconds and keeps the round trips.

    ``latency_ms`` is the median of the last ``window`` round trips in milliseconds
    (``None`` before the first answer or while disconnected): the session's health watch
    reads it from the broker after each event and the ``latency`` alert rule judges it
    (> 100 ms by default). Reading it starts the next probe in the background when the
    last is older than ``every`` seconds, so a broker nobody watches sends nothing and
    there is no task to stop. A request unanswered within ``timeout`` counts as ``timeout``.
    """

    def __init__(self, ib: CurrentTime, every: float = EVERY_SECONDS, timeout: float = TIMEOUT_SECONDS,
                 window: int = WINDOW, timer: Callable[[], float] = time.perf_counter) -> None:
        self.ib = ib
        self.every = every
        self.timeout = timeout
        self.timer = timer
        self.samples: deque[float] = deque(maxlen=window)
        self._last: float | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def latency_ms(self) -> float | None:
        """The median of the last round trips (ms), or ``None`` when there is none or the link is down."""
        if not self.ib.isConnected():
            self.samples.clear()
            return None
        self._maybe_probe()
        return float(statistics.median(self.samples)) if self.samples else None

    def _maybe_probe(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # read outside the event loop (a report, a test): no probe
            return
        now = self.timer()
        if (self._task is not None and not self._task.done()) or (self._last is not None
                                                                   and now - self._last < self.every):
            return
        self._last = now
        self._task = loop.create_task(self._quietly())

    async def _quietly(self) -> None:
        try:
            await self.probe()
        except (ConnectionError, OSError) as exc:  # the link went down mid-request: the next reading tells
            log.debug("latency probe: %s", exc)

    async def probe(self) -> float:
        """One round trip in milliseconds (``timeout`` when IB does not answer in time); kept in ``samples``."""
        began = self.timer()
        try:
            await asyncio.wait_for(self.ib.reqCurrentTimeAsync(), self.timeout)
            elapsed = (self.timer() - began) * 1000.0
        except TimeoutError:
            elapsed = self.timeout * 1000.0
        self.samples.append(elapsed)
        return elapsed
