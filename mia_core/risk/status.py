"""A snapshot of today's risk figures, for ``mia risk status`` and the journal."""

from __future__ import annotations

from datetime import date

import attrs

from mia_core.risk.catastrophe import LatchState


@attrs.frozen(slots=True)
class RiskStatus:
    """Today's figures as the engine saw them at ``ts`` (money in cents, days CME trading days)."""

    ts: int
    trading_day: date | None
    equity_cents: int
    day_start_equity_cents: int
    day_pnl_cents: int
    realized_today_cents: int
    trades_today: int
    entries_today: int
    risk_today_cents: int
    consecutive_losses: int
    peak_equity_cents: int
    position: int
    working_orders: int
    latch: LatchState

    @property
    def drawdown_pct(self) -> float:
        """Percent below the peak equity."""
        peak = self.peak_equity_cents
        return (peak - self.equity_cents) / peak * 100 if peak > 0 else 0.0
