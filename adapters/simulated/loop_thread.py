"""An event loop on a background thread, for a simulated venue (a gateway, a DTC server) beside the code under test."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """Runs its own asyncio loop in a daemon thread; ``call`` and ``do`` run work there and wait for it.

    A simulated venue lives on this loop (as a real one is another process) while the
    broker under test runs on the caller's loop.
    """

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        """Whether the loop's thread still runs."""
        return self._thread.is_alive()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        """Run ``coro`` on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def do(self, action: Callable[[], T], timeout: float = 60.0) -> T:
        """Run a plain call on the loop (the venue's state belongs to that thread)."""

        async def wrapped() -> T:
            return action()

        return self.call(wrapped(), timeout)

    def shut(self, last: Coroutine[Any, Any, Any] | None = None) -> None:
        """Run ``last`` (the venue's stop), then stop the loop, join the thread and close the loop (idempotent)."""
        if not self._thread.is_alive():
            if last is not None:
                last.close()
            return
        if last is not None:
            with contextlib.suppress(Exception):
                self.call(last, 5.0)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5.0)
        with contextlib.suppress(Exception):
            self.loop.close()
