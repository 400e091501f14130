"""Journal entries as plain data (the JSON-lines form): trades, risk blocks, alerts, signals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from mia_core.timeutil import cme_trading_day


@attrs.frozen(slots=True)
class Trade:
    """A closed round trip: times (UTC ns), side, net P&L after costs (cents), how it ended, its setup."""

    index: int  # its place among the journal's trades, what advice cites (``trade #12``)
    entry_ts: int
    exit_ts: int
    side: str
    net_cents: int
    commission_cents: int
    exit_reason: str
    setup: str  # the source of the last signal before the entry ("" when none was journalled)


@attrs.frozen(slots=True)
class Block:
    """An entry a risk policy refused or shrank: when, by which policy, the side and why.

    ``index`` is its place among the journal's blocks (what advice cites: ``decision
    #3``); the intent's size and bracket let the mentor replay what it would have made.
    """

    ts: int
    policy: str
    side: str
    reason: str
    index: int = 0
    verdict: str = "reject"
    quantity: int = 0
    stop_loss: float | None = None
    take_profit: float | None = None


@attrs.frozen(slots=True)
class AlertRecord:
    """An alert as journalled."""

    ts: int
    level: str
    message: str
    rule: str = ""
    state: str = ""


@attrs.frozen(slots=True)
class JournalFacts:
    """What the summary and the mentor read from a journal, in time order."""

    trades: tuple[Trade, ...]
    blocks: tuple[Block, ...]
    alerts: tuple[AlertRecord, ...]

    def on_day(self, day: date) -> JournalFacts:
        """The facts of one CME trading day (trades by their exit)."""
        return JournalFacts(
            tuple(t for t in self.trades if cme_trading_day(t.exit_ts) == day),
            tuple(b for b in self.blocks if cme_trading_day(b.ts) == day),
            tuple(a for a in self.alerts if cme_trading_day(a.ts) == day),
        )

    def until(self, day: date) -> JournalFacts:
        """The facts of every CME trading day up to and including ``day``: what was known at its close."""
        return JournalFacts(
            tuple(t for t in self.trades if cme_trading_day(t.exit_ts) <= day),
            tuple(b for b in self.blocks if cme_trading_day(b.ts) <= day),
            tuple(a for a in self.alerts if cme_trading_day(a.ts) <= day),
        )

    def days(self) -> list[date]:
        """The trading days with a trade, a block or an alert."""
        stamps = [t.exit_ts for t in self.trades] + [b.ts for b in self.blocks] + [a.ts for a in self.alerts]
        return sorted({cme_trading_day(ts) for ts in stamps})


def read_facts(entries: Iterable[Mapping[str, Any]]) -> JournalFacts:
    """Facts from plain entries (``{"ts", "kind", "payload"}`` as the JSON-lines journal stores them)."""
    trades: list[Trade] = []
    blocks: list[Block] = []
    alerts: list[AlertRecord] = []
    signals: list[tuple[int, str]] = []
    for entry in entries:
        kind, payload, ts = entry["kind"], entry["payload"], int(entry["ts"])
        if kind == "signal":
            signal = payload["event"]["signal"]
            signals.append((int(signal["ts"]), str(signal["source"])))
        elif kind == "round_trip":
            trip = payload["trip"]
            setup = next((source for when, source in reversed(signals) if when <= int(trip["entry_ts"])), "")
            trades.append(Trade(len(trades) + 1, int(trip["entry_ts"]), int(trip["exit_ts"]), str(trip["side"]),
                                int(trip["net_cents"]), int(trip["commission_cents"]), str(trip["exit_reason"]), setup))
        elif kind == "risk":
            event = payload["event"]
            intent = event["intent"]
            bracket = intent.get("bracket") or {}
            for decision in event.get("decisions", ()):
                if decision["verdict"] != "allow":
                    blocks.append(Block(ts, str(decision["policy"]), str(intent["side"]),
                                        str(decision.get("reason", "")), len(blocks) + 1, str(decision["verdict"]),
                                        int(intent.get("quantity") or 0), _price(bracket.get("stop_loss")),
                                        _price(bracket.get("take_profit"))))
        elif kind == "alert":
            alerts.append(AlertRecord(ts, str(payload.get("level", "")), str(payload.get("message", "")),
                                      str(payload.get("rule", "")), str(payload.get("state", ""))))
    return JournalFacts(tuple(trades), tuple(blocks), tuple(alerts))


def _price(value: Any) -> float | None:
    return None if value is None else float(value)
