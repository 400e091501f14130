"""The read-only view of engine state given to strategies, filters and risk policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Protocol

from mia_core.accounting import Portfolio
from mia_core.instruments import Instrument
from mia_core.orders import Order, OrderIntent, OrderStatus, Position
from mia_core.risk.desk import RiskDesk
from mia_core.signals import Signal


class ViewedEngine(Protocol):
    """The engine state an ``EngineView`` reads (``TradingEngine`` is one), as it is at each read."""

    @property
    def now_ns(self) -> int:
        """Instant of the event being processed (UTC ns)."""
        ...

    @property
    def instrument(self) -> Instrument:
        """The traded instrument."""
        ...

    @property
    def portfolio(self) -> Portfolio:
        """Position, cash, P&L and equity."""
        ...

    @property
    def features(self) -> Mapping[str, float]:
        """Latest technique outputs, ``<technique>.<output>``."""
        ...

    @property
    def analyses(self) -> Mapping[str, Mapping[str, float]]:
        """Latest analyzer values by analyzer name."""
        ...

    @property
    def batch(self) -> Sequence[OrderIntent]:
        """Intents approved earlier in the decision being made."""
        ...

    @property
    def signal(self) -> Signal | None:
        """The signal being acted on (``None`` outside a signal's decision)."""
        ...

    @property
    def desk(self) -> RiskDesk:
        """The risk desk: ledger, ATR, catastrophe latch."""
        ...

    def live_orders(self) -> list[Order]:
        """Working orders, less those the decision being made cancels."""
        ...

    def exposure(self) -> int:
        """Signed position plus working parent orders plus intents approved earlier in this decision."""
        ...


class EngineView:
    """Implements the StrategyContext and RiskContext ports over one engine (no copies)."""

    __slots__ = ("_engine",)

    def __init__(self, engine: ViewedEngine) -> None:
        self._engine = engine

    @property
    def now_ns(self) -> int:
        """Instant of the event being processed."""
        return self._engine.now_ns

    @property
    def instrument(self) -> Instrument:
        """The traded instrument."""
        return self._engine.instrument

    @property
    def position(self) -> Position:
        """Net position now."""
        return self._engine.portfolio.position

    @property
    def features(self) -> Mapping[str, float]:
        """Latest technique outputs."""
        return self._engine.features

    @property
    def analyses(self) -> Mapping[str, Mapping[str, float]]:
        """Latest analyzer values."""
        return self._engine.analyses

    @property
    def equity_cents(self) -> int:
        """Marked-to-market equity."""
        return self._engine.portfolio.equity_cents

    @property
    def peak_equity_cents(self) -> int:
        """Highest equity so far."""
        return self._engine.portfolio.peak_equity_cents

    @property
    def realized_today_cents(self) -> int:
        """Today's realized P&L after commissions."""
        return self._engine.portfolio.realized_today_cents

    @property
    def trades_today(self) -> int:
        """Entries today."""
        return self._engine.portfolio.trades_today

    @property
    def consecutive_losses(self) -> int:
        """Losing round trips in a row."""
        return self._engine.portfolio.consecutive_losses

    @property
    def open_orders(self) -> tuple[Order, ...]:
        """Working orders (less those the decision cancels), then intents approved earlier in it (as PENDING orders)."""
        engine = self._engine
        working = tuple(engine.live_orders())
        if not engine.batch:
            return working
        now = engine.now_ns
        pending = OrderStatus.PENDING
        approved = (Order(f"batch-{i}", intent, pending, updated_ts=now) for i, intent in enumerate(engine.batch))
        return working + tuple(approved)

    @property
    def exposure(self) -> int:
        """Position plus working parent orders plus intents approved earlier in this decision."""
        return self._engine.exposure()

    @property
    def signal(self) -> Signal | None:
        """The signal being acted on (``None`` outside a signal's decision)."""
        return self._engine.signal

    @property
    def last_price(self) -> float | None:
        """Close of the latest bar."""
        return self._engine.desk.ledger.last_price

    @property
    def trading_day(self) -> date | None:
        """CME trading day of the risk ledger."""
        return self._engine.desk.ledger.day

    @property
    def day_start_equity_cents(self) -> int:
        """Equity at the start of the trading day."""
        return self._engine.desk.ledger.day_start_equity_cents

    @property
    def day_pnl_cents(self) -> int:
        """Equity now minus equity at the start of the trading day."""
        return self._engine.portfolio.equity_cents - self._engine.desk.ledger.day_start_equity_cents

    @property
    def risk_today_cents(self) -> int:
        """Initial risk of today's entries."""
        return self._engine.desk.ledger.risk_today_cents

    @property
    def entries_today(self) -> int:
        """Entries sent today (approved by risk), filled or not."""
        return self._engine.desk.ledger.entries_today

    @property
    def last_loss_ns(self) -> int | None:
        """When the latest losing round trip closed."""
        return self._engine.desk.ledger.last_loss_ns

    @property
    def atr(self) -> float | None:
        """The position manager's ATR."""
        atr = self._engine.desk.atr
        return None if atr is None else atr.value

    @property
    def latched(self) -> bool:
        """True while the catastrophe latch holds."""
        return self._engine.desk.latched
