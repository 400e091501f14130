"""What the alert rules need from a running session: the account, links, order errors, disk, latency."""

from __future__ import annotations

import shutil
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mia_core.alerts.book import AlertBook, AlertEvent
from mia_core.alerts.rules import Observation
from mia_core.engine.core import TradingEngine
from mia_core.events import ConnectionChanged, ConnectionState
from mia_core.journal import JournalEntry, record
from mia_core.orders import OrderStatus

DISK_EVERY_NS = 60_000_000_000  # disk space is read at most once a minute of session time
_DONE = {OrderStatus.FILLED, OrderStatus.REJECTED, OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED}


def disk_free_pct(path: Path) -> float | None:
    """Free share of the disk holding ``path`` (its nearest existing parent), in percent; None if unreadable."""
    where = path.expanduser().resolve()
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        usage = shutil.disk_usage(where)
    except OSError:
        return None
    return 100.0 * usage.free / usage.total if usage.total else None


class HealthWatch:
    """Gathers an :class:`Observation` after each event and runs the alert book on it.

    Links lost come from ``ConnectionChanged`` events; the error rate from the orders
    the engine journalled (rejected among the last ``window`` orders the broker
    answered); latency from the broker's ``latency_ms`` when it reports one; the free
    disk share from ``disk`` (at most once a minute).
    """

    def __init__(self, book: AlertBook, disk: Callable[[], float | None], window: int = 100) -> None:
        self.book = book
        self.disk = disk
        self.lost: set[str] = set()
        self.outcomes: deque[bool] = deque(maxlen=window)
        self.failures = 0
        self.last_failure = ""
        self._disk: float | None = None
        self._disk_read_ns: int | None = None

    def on_event(self, event: object) -> None:
        """Note a link lost or restored."""
        if isinstance(event, ConnectionChanged):
            if event.state is ConnectionState.LOST:
                self.lost.add(event.source)
            else:
                self.lost.discard(event.source)

    def on_entry(self, entry: JournalEntry) -> None:
        """Note an order the broker answered (accepted or rejected), once per order."""
        if entry.kind != "order":
            return
        event = entry.payload.get("event")
        order = getattr(event, "order", None)
        previous = getattr(event, "previous_status", None)
        if order is None or order.status not in _DONE or previous not in (OrderStatus.PENDING, None):
            return
        self.outcomes.append(order.status is OrderStatus.REJECTED)

    def on_failure(self, what: str) -> None:
        """A component failed (the shell caught it)."""
        self.failures += 1
        self.last_failure = what

    def observe(self, engine: TradingEngine, broker: Any, ts: int) -> list[AlertEvent]:
        """Run the rules on the session as it is at ``ts``."""
        if self._disk_read_ns is None or ts - self._disk_read_ns >= DISK_EVERY_NS:
            self._disk, self._disk_read_ns = self.disk(), ts
        status = engine.desk.status()
        peak = status.peak_equity_cents
        drawdown = 100.0 * (peak - status.equity_cents) / peak if peak > 0 else 0.0
        monitor = engine.desk.monitor
        latch = monitor.state if monitor is not None else None
        latency = getattr(broker, "latency_ms", None)
        rejected = sum(self.outcomes)
        obs = Observation(
            ts=ts,
            day_pnl_cents=status.day_pnl_cents,
            drawdown_pct=drawdown,
            consecutive_losses=status.consecutive_losses,
            lost_links=tuple(sorted(self.lost)),
            latency_ms=float(latency) if isinstance(latency, int | float) else None,
            orders_seen=len(self.outcomes),
            error_rate=rejected / len(self.outcomes) if self.outcomes else 0.0,
            disk_free_pct=self._disk,
            latched=bool(latch and latch.latched),
            latch_detail=f"{latch.trigger}: {latch.detail}" if latch is not None and latch.latched else "",
            plugin_failures=self.failures,
            last_failure=self.last_failure,
        )
        return self.book.observe(obs)


def alert_entry(event: AlertEvent) -> JournalEntry:
    """The journal entry of an alert raised, escalated or cleared."""
    payload = {
        "rule": event.rule,
        "state": event.state.value,
        "level": event.level.value,
        "message": event.message,
        "since_ns": event.since_ns,
    }
    return record(event.ts, "alert", payload)
