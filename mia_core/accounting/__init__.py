"""Futures accounting: positions as FIFO lots, exact P&L in cents, round trips, equity curve."""

from mia_core.accounting.portfolio import Portfolio
from mia_core.accounting.roundtrip import ROUND_TRIP_COLUMNS, RoundTrip, round_trips_frame
from mia_core.accounting.tradingdays import cme_day_bounds, cme_trading_days

__all__ = ["ROUND_TRIP_COLUMNS", "Portfolio", "RoundTrip", "cme_day_bounds", "cme_trading_days", "round_trips_frame"]
