"""The read-only view of engine state given to strategies, filters and risk policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mia_core.instruments import Instrument
from mia_core.orders import Order, Position

if TYPE_CHECKING:
    from mia_core.engine.core import TradingEngine


class EngineView:
    """Implements the StrategyContext and RiskContext ports over one engine (no copies)."""

    __slots__ = ("_engine",)

    def __init__(self, engine: TradingEngine) -> None:
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
    def open_orders(self) -> tuple[Order, ...]:
        """Working orders."""
        return tuple(self._engine.working.values())

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
