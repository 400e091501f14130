"""Pacing governor for IB historical-data requests: pure logic on an injected clock (integer ns).

Interactive Brokers disconnects or answers error 162 ("pacing violation") when a
client makes identical historical requests within 15 seconds, six or more requests
for one contract, exchange and tick type within 2 seconds, more than 60 requests in
any 10 minutes, or sends 50 or more messages a second. The governor queues requests
and releases each one at the earliest moment every rule allows, in arrival order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable

import attrs

NS = 1_000_000_000


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"PacingLimits.{attribute.name} = {value!r}: must be a whole number of at least 1")


@attrs.frozen
class PacingLimits:
    """IB's historical-data pacing rules, as counts within sliding windows (seconds).

    ``per_contract_max`` is 5 because IB's rule is violated by the sixth request for one
    contract and tick type within 2 s; ``messages_per_second`` stays under IB's 50.
    """

    identical_window_s: int = attrs.field(default=15, validator=_positive)
    per_contract_max: int = attrs.field(default=5, validator=_positive)
    per_contract_window_s: int = attrs.field(default=2, validator=_positive)
    total_max: int = attrs.field(default=60, validator=_positive)
    total_window_s: int = attrs.field(default=600, validator=_positive)
    messages_per_second: int = attrs.field(default=45, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.messages_per_second >= 50:
            raise ValueError(f"PacingLimits.messages_per_second = {self.messages_per_second}: IB allows under 50")


@attrs.frozen
class HistoricalRequest:
    """What identifies a historical request for pacing: the contract, its tick type and the query."""

    contract: str
    what_to_show: str
    end: str = ""
    duration: str = ""
    bar_size: str = ""
    use_rth: bool = False
    exchange: str = ""

    @property
    def series_key(self) -> tuple[str, str, str]:
        """Contract, exchange and tick type: the key of the 2-second rule."""
        return (self.contract, self.exchange, self.what_to_show)


@attrs.frozen
class Queued:
    """A request waiting in the governor's queue and the earliest time it may go (ns)."""

    request: HistoricalRequest
    enqueued_ns: int
    ticket: Hashable


class _Window:
    """Send times within a sliding window of ``span_ns``."""

    def __init__(self, limit: int, span_ns: int) -> None:
        self.limit, self.span_ns = limit, span_ns
        self.times: deque[int] = deque()

    def earliest(self, now: int) -> int:
        """The first moment at or after ``now`` when one more send stays within the limit."""
        while self.times and self.times[0] <= now - self.span_ns:
            self.times.popleft()
        if len(self.times) < self.limit:
            return now
        return self.times[-self.limit] + self.span_ns

    def add(self, ts: int) -> None:
        self.times.append(ts)


class PacingGovernor:
    """Decides when each historical request may be sent; exposes what is waiting.

    ``clock`` returns integer nanoseconds (monotonic). The governor never sends
    anything itself: callers ``enqueue`` requests and send those returned by
    ``release`` (which records them as sent), sleeping ``wait_ns`` in between.
    """

    def __init__(self, limits: PacingLimits | None = None, clock: Callable[[], int] | None = None) -> None:
        import time

        self.limits = limits or PacingLimits()
        self._clock = clock or time.monotonic_ns
        self._queue: deque[Queued] = deque()
        self._last_identical: dict[HistoricalRequest, int] = {}
        self._series: dict[tuple[str, str, str], _Window] = {}
        self._total = _Window(self.limits.total_max, self.limits.total_window_s * NS)
        self._messages = _Window(self.limits.messages_per_second, NS)
        self.sent = 0

    @property
    def queue(self) -> tuple[Queued, ...]:
        """Requests waiting, oldest first."""
        return tuple(self._queue)

    def enqueue(self, request: HistoricalRequest, ticket: Hashable = None) -> Queued:
        """Put ``request`` at the back of the queue; ``ticket`` lets the caller recognise it on release."""
        item = Queued(request, self._clock(), ticket)
        self._queue.append(item)
        return item

    def earliest(self, request: HistoricalRequest, now: int | None = None) -> int:
        """The earliest time (ns, at or after now) ``request`` may be sent given what was sent so far."""
        now = self._clock() if now is None else now
        limits = self.limits
        at = now
        last = self._last_identical.get(request)
        if last is not None:
            at = max(at, last + limits.identical_window_s * NS)
        series = self._series.get(request.series_key)
        if series is not None:
            at = max(at, series.earliest(now))
        return max(at, self._total.earliest(now), self._messages.earliest(now))

    def withdraw(self, ticket: Hashable) -> bool:
        """Take the request queued with ``ticket`` out of the queue unsent (its caller gave up); False if absent."""
        for item in self._queue:
            if item.ticket is ticket:
                self._queue.remove(item)
                return True
        return False

    def release(self) -> list[Queued]:
        """Take every queued request that may go now, in queue order, recording each as sent.

        A request held back by a rule does not hold back later requests of other
        series; requests of one series keep their order.
        """
        now = self._clock()
        released: list[Queued] = []
        blocked: set[tuple[str, str, str]] = set()
        for item in list(self._queue):
            key = item.request.series_key
            if key in blocked:
                continue
            if self.earliest(item.request, now) > now:
                blocked.add(key)
                continue
            self._record(item.request, now)
            self._queue.remove(item)
            released.append(item)
        return released

    def wait_ns(self) -> int | None:
        """Nanoseconds until the next queued request may go (0: now), or ``None`` when the queue is empty."""
        if not self._queue:
            return None
        now = self._clock()
        heads: dict[tuple[str, str, str], Queued] = {}
        for item in self._queue:
            heads.setdefault(item.request.series_key, item)
        return min(self.earliest(item.request, now) for item in heads.values()) - now

    def record_message(self, now: int | None = None) -> None:
        """Count one other API message sent (market data, orders) against the per-second limit."""
        self._messages.add(self._clock() if now is None else now)

    def message_wait_ns(self) -> int:
        """Nanoseconds until one more message may be sent (0: now)."""
        now = self._clock()
        return self._messages.earliest(now) - now

    def _record(self, request: HistoricalRequest, now: int) -> None:
        limits = self.limits
        self._last_identical[request] = now
        horizon = now - limits.identical_window_s * NS
        if len(self._last_identical) > 1000:
            self._last_identical = {r: t for r, t in self._last_identical.items() if t > horizon}
        series = self._series.setdefault(
            request.series_key, _Window(limits.per_contract_max, limits.per_contract_window_s * NS)
        )
        series.add(now)
        self._total.add(now)
        self._messages.add(now)
        self.sent += 1
