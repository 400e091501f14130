"""A bounded outbox and its sender thread: notifiers never block the trading loop."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import attrs

from mia_core.validation import within

T = TypeVar("T")
log = logging.getLogger("mia.notify")


class RetryLater(Exception):
    """The receiver asked to wait (HTTP 429): ``after`` seconds, if it said."""

    def __init__(self, after: float | None, what: str) -> None:
        super().__init__(what)
        self.after = after


class Transient(Exception):
    """A failure worth retrying (5xx, timeout, connection refused); the message carries no secret."""


class Permanent(Exception):
    """A failure retrying cannot mend (4xx other than 429, a malformed message)."""


@attrs.frozen
class DeliveryConfig:
    """How an outbox delivers: queue size, attempts, back-off (seconds), timeout."""

    queue_size: int = attrs.field(default=1000, validator=within(1, 1_000_000))
    max_attempts: int = attrs.field(default=5, validator=within(1, 100))
    backoff_seconds: float = attrs.field(default=1.0, validator=within(0, 3600))
    max_backoff_seconds: float = attrs.field(default=60.0, validator=within(0, 86400))
    timeout_seconds: float = attrs.field(default=10.0, validator=within(0, 600, low_open=True))


class Outbox(Generic[T]):
    """Queues messages and sends them from one daemon thread, retrying with back-off.

    ``put`` never blocks: a message that finds the queue full, and one that failed
    every attempt (or failed permanently), goes to ``undelivered`` and is counted and
    logged (by kind of failure, never the message's address). ``close`` sends what is
    queued (up to ``drain_seconds``) and stops the thread.
    """

    def __init__(self, name: str, send: Callable[[T], None], config: DeliveryConfig,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.name = name
        self.config = config
        self._send = send
        self._sleep = sleep
        self._queue: queue.Queue[T | None] = queue.Queue(maxsize=config.queue_size)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.sent = 0
        self.retries = 0
        self.overflow = 0
        self.failed = 0
        self.undelivered: list[T] = []
        self.reasons: list[str] = []  # why each of ``undelivered`` was not sent

    def put(self, message: T) -> bool:
        """Queue ``message``; False (kept in ``undelivered``) when the queue is full or closed."""
        with self._lock:
            if self._thread is None and not self._stopping.is_set():
                self._thread = threading.Thread(target=self._run, name=f"mia-notify-{self.name}", daemon=True)
                self._thread.start()
        if self._stopping.is_set():
            return self._keep(message, "closed")
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            self.overflow += 1
            return self._keep(message, "queue full")
        return True

    def _keep(self, message: T, why: str) -> bool:
        self.undelivered.append(message)
        self.reasons.append(why)
        log.warning("notifier %s: a message was not sent (%s); %d kept unsent", self.name, why, len(self.undelivered))
        return False

    def unsent(self) -> list[tuple[T, str]]:
        """What was not delivered, each with why (queue full, refused, every attempt failed, closed)."""
        return list(zip(self.undelivered, self.reasons, strict=True))

    def pending(self) -> int:
        """Messages queued and not yet sent."""
        return self._queue.qsize()

    def _run(self) -> None:
        while True:
            message = self._queue.get()
            try:
                if message is None:
                    return
                self._deliver(message)
            finally:
                self._queue.task_done()

    def _deliver(self, message: T) -> None:
        config = self.config
        for attempt in range(1, config.max_attempts + 1):
            try:
                self._send(message)
            except RetryLater as exc:
                wait = exc.after if exc.after is not None else config.backoff_seconds * 2 ** (attempt - 1)
                reason = str(exc)
            except Transient as exc:
                wait = config.backoff_seconds * 2 ** (attempt - 1)
                reason = str(exc)
            except Permanent as exc:
                self.failed += 1
                self._keep(message, f"refused: {exc}")
                return
            except Exception as exc:  # a bug in a transport: keep the message, say what kind of error
                self.failed += 1
                self._keep(message, f"{type(exc).__name__}")
                return
            else:
                self.sent += 1
                return
            if attempt == config.max_attempts:
                break
            self.retries += 1
            log.info("notifier %s: %s; retry %d in %.1f s", self.name, reason, attempt, wait)
            self._sleep(min(wait, config.max_backoff_seconds))
        self.failed += 1
        self._keep(message, f"{config.max_attempts} attempts failed, last: {reason}")

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until the queue is empty (True) or ``timeout`` passes (False)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def close(self, drain_seconds: float = 10.0) -> None:
        """Send what is queued (for up to ``drain_seconds``), then stop the thread."""
        self._stopping.set()
        thread = self._thread
        if thread is None:
            return
        self.flush(drain_seconds)
        with self._lock:
            while True:  # what is still queued after the drain is kept, counted
                try:
                    left = self._queue.get_nowait()
                except queue.Empty:
                    break
                self._queue.task_done()
                if left is not None:
                    self._keep(left, "closed before it was sent")
        self._queue.put(None)
        thread.join(timeout=drain_seconds + 1)
