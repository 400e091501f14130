"""Read-only views the engine hands to strategies, filters and risk policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from mia_core.instruments import Instrument
from mia_core.orders import Order, Position


class StrategyContext(Protocol):
    """What a strategy or signal filter may know when it decides, and nothing later.

    The engine builds it before each call; every value is as of ``now_ns`` (the close
    of the bar being processed), so using it cannot look ahead.
    """

    @property
    def now_ns(self) -> int:
        """Current instant, UTC nanoseconds."""
        ...

    @property
    def instrument(self) -> Instrument:
        """The instrument being traded."""
        ...

    @property
    def position(self) -> Position:
        """Net position before this decision."""
        ...

    @property
    def features(self) -> Mapping[str, float]:
        """Latest technique outputs, keyed ``"<technique>.<output>"``."""
        ...

    @property
    def analyses(self) -> Mapping[str, Mapping[str, float]]:
        """Latest analyzer values, keyed by analyzer name then value name."""
        ...


class RiskContext(Protocol):
    """Account and session figures a risk policy judges an intent against.

    Money is in integer cents; "today" is the current CME trading day (17:00
    America/Chicago rollover).
    """

    @property
    def now_ns(self) -> int:
        """Current instant, UTC nanoseconds."""
        ...

    @property
    def position(self) -> Position:
        """Net position before the intent would fill."""
        ...

    @property
    def open_orders(self) -> tuple[Order, ...]:
        """Orders still working at the broker."""
        ...

    @property
    def equity_cents(self) -> int:
        """Marked-to-market account equity."""
        ...

    @property
    def peak_equity_cents(self) -> int:
        """Highest equity seen so far (for drawdown limits)."""
        ...

    @property
    def realized_today_cents(self) -> int:
        """Realized P&L of today's closed trades, after commissions."""
        ...

    @property
    def trades_today(self) -> int:
        """Entries made today."""
        ...

    @property
    def consecutive_losses(self) -> int:
        """Losing round trips in a row, most recent last."""
        ...

    @property
    def features(self) -> Mapping[str, float]:
        """Latest technique outputs (ATR, confluence, ML confidence, ...)."""
        ...
