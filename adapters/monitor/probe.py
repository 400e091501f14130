"""Figures of the process and its event loop: CPU, memory, disk and how late the loop runs its callbacks."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from pathlib import Path

import psutil

from adapters.live.health import disk_free_pct


class LoopLag:
    """Samples the event loop's lag: how much later than asked a ``sleep(interval)`` wakes up.

    A trading loop kept busy (by a slow handler, or by serving dashboards) shows here
    first. ``recent_ms`` keeps the last ``keep`` samples; ``p99_ms`` is over them.
    """

    def __init__(self, interval_s: float = 0.05, keep: int = 1200) -> None:
        self.interval_s = interval_s
        self.recent_ms: deque[float] = deque(maxlen=keep)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin sampling on the running loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._sample(), name="mia-loop-lag")

    async def stop(self) -> None:
        """Stop sampling."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _sample(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(self.interval_s)
            self.recent_ms.append(max(0.0, (time.perf_counter() - asked - self.interval_s) * 1000.0))

    @property
    def last_ms(self) -> float:
        """The latest sample (0 before the first)."""
        return self.recent_ms[-1] if self.recent_ms else 0.0

    @property
    def p99_ms(self) -> float:
        """The 99th percentile of the kept samples (0 before the first)."""
        if not self.recent_ms:
            return 0.0
        ordered = sorted(self.recent_ms)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


class ProcessProbe:
    """CPU share, resident memory and free disk of this process (disk where the journal is written)."""

    def __init__(self, disk_path: Path) -> None:
        self.disk_path = disk_path
        self._process = psutil.Process()
        self._process.cpu_percent(None)  # the first reading only starts the count

    def read(self) -> dict[str, float | None]:
        """``cpu_pct``, ``rss_mb`` and ``disk_free_pct`` now."""
        with self._process.oneshot():
            cpu = self._process.cpu_percent(None)
            rss = self._process.memory_info().rss / 1_048_576
        return {"cpu_pct": cpu, "rss_mb": rss, "disk_free_pct": disk_free_pct(self.disk_path)}
