"""The session board: everything the dashboard, the metrics and the health verdict show, in one JSON-able dict."""

from __future__ import annotations

import itertools
import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from adapters.live.shell import LiveShell
from adapters.monitor.probe import LoopLag, ProcessProbe
from adapters.monitor.readiness import verdict
from mia_core.journal import JournalEntry
from mia_core.metrics.ratios import sharpe_ratio
from mia_core.orders import Order
from mia_core.signals import RiskVerdict
from mia_core.timeutil import ns_to_datetime

RECENT = 20  # trades, decisions and alerts kept for the page
EQUITY_POINTS = 2000  # the equity curve's points (older ones thinned out)


@attrs.frozen
class BoardLimits:
    """The day's limits the figures are shown against (dollars), and what counts as a slow link (ms)."""

    daily_loss_limit: float = 500.0
    profit_target: float = 1000.0
    latency_ms: float = 100.0
    error_rate: float = 0.05
    disk_free_pct: float = 10.0
    loop_lag_ms: float = 100.0


def _iso(ns: int) -> str | None:
    return ns_to_datetime(ns).isoformat(timespec="seconds") if ns else None


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def _order_row(order: Order) -> dict[str, Any]:
    intent = order.intent
    return {"id": order.order_id, "side": intent.side.value, "quantity": intent.quantity,
            "filled": order.filled_quantity, "type": intent.order_type.value, "limit": intent.limit_price,
            "stop": intent.stop_price, "status": order.status.value}


class SessionBoard:
    """Reads a running :class:`LiveShell` (never changes it) and keeps what the journal told it recently.

    ``on_entry`` is fed every journal entry the session records; ``state()`` is the
    whole picture now. It is cheap enough to call after every event, but the server
    calls it at most a few times a second and hands the same bytes to every viewer.
    """

    def __init__(self, shell: LiveShell, name: str, limits: BoardLimits, probe: ProcessProbe, lag: LoopLag,
                 *, started: float | None = None, ml: Callable[[], Mapping[str, float]] | None = None) -> None:
        self.shell = shell
        self.name = name
        self.limits = limits
        self.probe = probe
        self.lag = lag
        self.ml = ml
        self.started = time.monotonic() if started is None else started
        self.equity: deque[tuple[int, float]] = deque(maxlen=EQUITY_POINTS)
        self.day_close: dict[str, float] = {}
        self.trades: deque[dict[str, Any]] = deque(maxlen=RECENT)
        self.decisions: deque[dict[str, Any]] = deque(maxlen=RECENT)
        self.alerts: deque[dict[str, Any]] = deque(maxlen=RECENT)
        self.controls: deque[dict[str, Any]] = deque(maxlen=RECENT)
        self.rule_blocks = 0
        self.messages = 0

    def on_entry(self, entry: JournalEntry) -> None:
        """Note one journal entry: a trade, a signal, a risk verdict, an alert, a control action."""
        self.messages += 1
        kind, payload = entry.kind, entry.payload
        if kind == "round_trip":
            trip = payload["trip"]
            self.trades.append({"exit": _iso(trip.exit_ts), "side": trip.side.value, "quantity": trip.quantity,
                                "entry_price": trip.entry_price, "exit_price": trip.exit_price,
                                "net": trip.net_cents / 100, "reason": trip.exit_reason or "exit"})
        elif kind == "signal":
            signal = payload["event"].signal
            self.decisions.append({"time": _iso(entry.ts), "what": "signal", "direction": signal.direction.name,
                                   "source": signal.source, "detail": ""})
        elif kind == "risk":
            checked = payload["event"]
            blocked = [d for d in checked.decisions if d.verdict is RiskVerdict.REJECT]
            self.rule_blocks += bool(blocked)
            detail = "; ".join(f"{d.policy}: {d.reason}" for d in blocked) or "allowed"
            self.decisions.append({"time": _iso(entry.ts), "what": "risk",
                                   "direction": checked.intent.side.value, "source": "blocked" if blocked else "ok",
                                   "detail": detail})
        elif kind == "alert":
            self.alerts.append({"time": _iso(entry.ts), "level": str(payload.get("level", "")),
                                "rule": str(payload.get("rule", "")), "state": str(payload.get("state", "raised")),
                                "message": str(payload.get("message", ""))})
        elif kind == "control":
            self.controls.append({"time": _iso(entry.ts), **{k: str(v) for k, v in payload.items()}})

    def sample(self) -> None:
        """Add the equity now to the curve (called after each event; one point per second of market time)."""
        engine = self.shell.engine
        ts = engine.now_ns
        if not ts or (self.equity and ts - self.equity[-1][0] < 1_000_000_000):
            return
        equity = engine.portfolio.equity_cents / 100
        self.equity.append((ts, equity))
        self.day_close[ns_to_datetime(ts).date().isoformat()] = equity

    def state(self) -> dict[str, Any]:
        """The whole picture now, as JSON-able data."""
        shell, engine = self.shell, self.shell.engine
        portfolio, status = engine.portfolio, engine.desk.status()
        health = shell.health
        uptime = max(1e-9, time.monotonic() - self.started)
        process = self.probe.read()
        latency = getattr(shell.broker, "latency_ms", None)
        outcomes = list(health.outcomes) if health is not None else []
        trips = portfolio.round_trips
        wins = [t.net_cents for t in trips if t.net_cents > 0]
        losses = [-t.net_cents for t in trips if t.net_cents < 0]
        latch = status.latch
        system = {
            "name": self.name, "instrument": engine.instrument.symbol, "market_time": _iso(engine.now_ns),
            "uptime_s": round(uptime, 1), "events": shell.events_seen,
            "events_per_s": round(shell.events_seen / uptime, 2), "messages": self.messages,
            "cpu_pct": process["cpu_pct"], "rss_mb": _number(process["rss_mb"]),
            "disk_free_pct": _number(process["disk_free_pct"]),
            "loop_lag_ms": round(self.lag.last_ms, 3), "loop_lag_p99_ms": round(self.lag.p99_ms, 3),
            "broker_latency_ms": _number(float(latency)) if isinstance(latency, int | float) else None,
            "error_rate": sum(outcomes) / len(outcomes) if outcomes else 0.0,
            "component_errors": shell.component_errors, "halted": shell.halted,
            "lost_links": sorted(health.lost) if health is not None else [],
        }
        trading = {
            "position": portfolio.position.quantity,
            "average_price": portfolio.position.average_price if portfolio.position.quantity else None,
            "working_orders": [_order_row(o) for o in engine.working.values()],
            "equity": portfolio.equity_cents / 100, "day_pnl": status.day_pnl_cents / 100,
            "realized": (portfolio.realized_cents - portfolio.commission_cents) / 100,
            "unrealized": portfolio.unrealized_cents / 100,
            "daily_loss_limit": self.limits.daily_loss_limit, "profit_target": self.limits.profit_target,
            "entries_today": status.entries_today, "trades_today": status.trades_today,
            "round_trips": len(trips), "win_rate": _number(len(wins) / len(trips)) if trips else None,
            "profit_factor": _number(sum(wins) / sum(losses)) if losses else None,
            "drawdown_pct": _number(status.drawdown_pct), "sharpe": self._sharpe(), "rule_blocks": self.rule_blocks,
        }
        picture = {
            "system": system, "trading": trading, "ml": dict(self.ml()) if self.ml is not None else {},
            "equity": [[ts // 1_000_000, value] for ts, value in self.equity],
            "trades": list(self.trades)[::-1], "decisions": list(self.decisions)[::-1],
            "alerts": list(self.alerts)[::-1], "controls": list(self.controls)[::-1],
            "latch": {"latched": latch.latched, "trigger": latch.trigger, "detail": latch.detail,
                      "since": _iso(latch.since_ns)},
        }
        status_word, reasons = verdict(picture, self.limits)
        picture["health"] = {"status": status_word, "reasons": reasons}
        return picture

    def _sharpe(self) -> float | None:
        closes = list(self.day_close.values())
        if len(closes) < 3:
            return None
        returns = [b / a - 1 for a, b in itertools.pairwise(closes) if a > 0]
        return _number(sharpe_ratio(returns)) if len(returns) >= 2 else None
