"""Builders for risk tests: a context with chosen figures, scripted strategies, bars, a shell."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import attrs
import pandas as pd

from mia_core.engine.backtest import BacktestShell
from mia_core.engine.core import TradingEngine
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import ES, Instrument
from mia_core.market import Bar
from mia_core.orders import Bracket, Order, OrderIntent, OrderSide, Position
from mia_core.signals import Direction, Signal

CHICAGO = ZoneInfo("America/Chicago")
MINUTE = 60_000_000_000
BUY, SELL = OrderSide.BUY, OrderSide.SELL


def chicago(text: str) -> int:
    """UTC ns of a Chicago wall-clock time ``YYYY-MM-DD HH:MM[:SS]``."""
    return int(pd.Timestamp(datetime.fromisoformat(text).replace(tzinfo=CHICAGO)).value)


@attrs.define
class Context:
    """A RiskContext whose every figure the test sets (real values, no behaviour to fake)."""

    now_ns: int = chicago("2024-03-05 09:00")
    instrument: Instrument = ES
    quantity: int = 0
    open_orders: tuple[Order, ...] = ()
    equity_cents: int = 10_000_000
    peak_equity_cents: int = 10_000_000
    realized_today_cents: int = 0
    trades_today: int = 0
    entries_today: int = 0
    consecutive_losses: int = 0
    features: Mapping[str, float] = attrs.Factory(dict)
    analyses: Mapping[str, Mapping[str, float]] = attrs.Factory(dict)
    signal: Signal | None = None
    last_price: float | None = 5000.0
    trading_day: date | None = date(2024, 3, 5)
    day_start_equity_cents: int = 10_000_000
    day_pnl_cents: int = 0
    risk_today_cents: int = 0
    last_loss_ns: int | None = None
    atr: float | None = None
    latched: bool = False

    @property
    def exposure(self) -> int:
        """Position plus working parent orders (children excluded), summed by hand."""
        parents = [o for o in self.open_orders if o.parent_id is None]
        return self.quantity + sum(o.remaining * (1 if o.intent.side is BUY else -1) for o in parents)

    @property
    def position(self) -> Position:
        """The net position (average price 5000 when open)."""
        return Position(ES, self.quantity, 5000.0 if self.quantity else None)


def entry(
    side: OrderSide = BUY, quantity: int = 1, stop: float | None = 4996.0, target: float | None = None
) -> OrderIntent:
    """A market entry on ES with a bracket stop (4 points below 5000 by default)."""
    bracket = Bracket(stop_loss=stop, take_profit=target) if stop is not None or target is not None else None
    return OrderIntent(ES, side, quantity, bracket=bracket, reason="signal_entry")


class Scripted:
    """A strategy that emits the given direction at given bar numbers (1-based count of bars seen)."""

    name = "scripted"

    def __init__(self, script: Mapping[int, Direction], **signal_fields: object) -> None:
        self.script = dict(script)
        self.fields = signal_fields
        self.seen = 0

    def on_bar(self, bar: Bar, context: object) -> Signal | None:
        """The scripted signal for this bar, if any."""
        self.seen += 1
        direction = self.script.get(self.seen)
        if direction is None:
            return None
        return Signal(ts=bar.ts, source=self.name, direction=direction, **self.fields)  # type: ignore[arg-type]


def bars_from(closes: Sequence[float], start_ns: int, spread: float = 1.0, step_ns: int = MINUTE) -> list[Bar]:
    """One bar per close, open at the previous close, high/low ``spread`` beyond the body."""
    bars = []
    previous = closes[0]
    for i, close in enumerate(closes):
        high = max(previous, close) + spread
        low = min(previous, close) - spread
        bars.append(Bar(ES, start_ns + i * step_ns, previous, high, low, close, 1000))
        previous = close
    return bars


def shell_for(engine: TradingEngine, commission_per_contract: float = 2.25) -> BacktestShell:
    """The engine on a fresh simulated exchange."""
    config = ExchangeConfig(commission_per_contract=commission_per_contract)
    return BacktestShell(engine, SimulatedExchange(engine.instrument, config))
