"""Read-only views the engine hands to strategies, filters and risk policies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Protocol

from mia_core.instruments import Instrument
from mia_core.orders import Order, Position
from mia_core.signals import Signal


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
    America/Chicago rollover), never the calendar day. ``open_orders`` includes the
    intents already approved earlier in the same decision (a reversal's exit is seen
    by the policies judging its entry), so exposure sums are right mid-batch.
    """

    @property
    def instrument(self) -> Instrument:
        """The instrument being traded (tick size and value turn prices into money)."""
        ...

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

    @property
    def analyses(self) -> Mapping[str, Mapping[str, float]]:
        """Latest analyzer values by analyzer name, then value name (e.g. ``gamma_cycles`` -> ``size_factor``).

        An analyzer that has returned nothing yet is absent.
        """
        ...

    @property
    def exposure(self) -> int:
        """Signed contracts if every working parent order filled: the position, plus working orders
        without a ``parent_id`` (bracket children only close what their parent opened), plus intents
        approved earlier in the same decision. An intent is an entry when it opens exposure."""
        ...

    @property
    def signal(self) -> Signal | None:
        """The signal (after filters) the intent was planned from; ``None`` for engine-made intents.

        Quality rules read it: ``signal.confluence`` and ``signal.components`` (for
        example ``components["ml_confidence"]``, set by an ML signal filter).
        """
        ...

    @property
    def last_price(self) -> float | None:
        """Close of the latest bar seen (the reference price of a market entry); ``None`` before any."""
        ...

    @property
    def trading_day(self) -> date | None:
        """The CME trading day of ``now_ns`` as the risk ledger last rolled it; ``None`` before any event."""
        ...

    @property
    def day_start_equity_cents(self) -> int:
        """Equity when the current trading day began (the last equity of the previous day)."""
        ...

    @property
    def day_pnl_cents(self) -> int:
        """Today's P&L: equity now (unrealized included, after commissions) minus ``day_start_equity_cents``."""
        ...

    @property
    def entries_today(self) -> int:
        """Entries sent today (approved by risk, filled or not); ``trades_today`` counts filled ones."""
        ...

    @property
    def risk_today_cents(self) -> int:
        """Initial risk (entry to protective stop, times contracts) of the entries sent today."""
        ...

    @property
    def last_loss_ns(self) -> int | None:
        """When the latest losing round trip closed (UTC ns); ``None`` if none yet."""
        ...

    @property
    def atr(self) -> float | None:
        """Average true range in price points from the position manager; ``None`` when not computed yet."""
        ...

    @property
    def latched(self) -> bool:
        """True while the catastrophe monitor is latched (no entries until an explicit re-arm)."""
        ...
