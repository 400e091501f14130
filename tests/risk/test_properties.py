"""Property tests: random strategies through random markets (gaps, limit moves, fast reversals) on the real
engine and simulated exchange. Whatever the strategy asks, the position stays within its limit, no entry is
sent after the daily loss limit or a latch, every open position is protected by a stop at the exchange (or a
closing order in flight), and the books balance against an independent cash-flow count of the fills.
"""

from __future__ import annotations

import os
from typing import Any

import attrs
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mia_core.commands import Command, SubmitOrder
from mia_core.engine.backtest import BacktestShell
from mia_core.engine.config import ExecutionConfig
from mia_core.engine.core import TradingEngine
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.orders import OrderType
from mia_core.risk.catastrophe import CatastropheConfig
from mia_core.risk.exposure import is_entry
from mia_core.risk.limits import DailyLossLimit, DailyLossLimitConfig, MaxOpenPositions, MaxOpenPositionsConfig
from mia_core.risk.sizing import PositionConfig
from mia_core.signals import Direction, Signal
from mia_plugins.basic_risk.plugin import MaxPositionConfig, MaxPositionPolicy

from .helpers import MINUTE, chicago

TICK = 0.25
STARTS = [chicago("2024-03-05 08:30"), chicago("2024-03-08 15:30"), chicago("2024-11-03 16:00")]
# ~2-10 ms per example: the whole file runs in a few seconds (measured: see docs/risk.md)
# (MIA_RISK_EXAMPLES raises it for a longer hunt).
EXAMPLES = int(os.environ.get("MIA_RISK_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# one bar: (kind, body ticks, wick up, wick down)
bar_steps = st.tuples(
    st.sampled_from(["calm"] * 8 + ["gap", "limit", "reversal"]),
    st.integers(-12, 12),
    st.integers(0, 8),
    st.integers(0, 8),
)
actions = st.sampled_from([None] * 5 + [Direction.LONG, Direction.SHORT, Direction.FLAT])


def build_bars(steps: list[tuple[str, int, int, int]], start: int, step_ns: int) -> list[Bar]:
    """Bars on the tick grid: calm drift, opening gaps, limit moves (7%), fast reversals."""
    bars, close = [], 20_000  # ticks: 5000.00
    for i, (kind, body, up, down) in enumerate(steps):
        open_ = close
        if kind == "gap":
            open_ = close + (160 if body >= 0 else -160) + body * 10
        elif kind == "limit":
            body = 1_400 if body >= 0 else -1_400
        elif kind == "reversal":
            up, down = up + 120, down + 120
        open_ = max(open_, 4_000)
        close = max(open_ + body, 4_000)
        high, low = max(open_, close) + up, max(min(open_, close) - down, 1)
        bars.append(Bar(ES, start + i * step_ns, open_ * TICK, high * TICK, low * TICK, close * TICK, 1000))
    return bars


class RandomStrategy:
    """Follows a drawn list of actions, with optional stop hints (sometimes on the wrong side)."""

    name = "random"

    def __init__(self, plan: list[Direction | None], hints: list[int]) -> None:
        self.plan, self.hints, self.i = plan, hints, 0

    def on_bar(self, bar: Bar, context: Any) -> Signal | None:
        """The drawn action for this bar."""
        i, self.i = self.i, self.i + 1
        direction = self.plan[i] if i < len(self.plan) else None
        if direction is None:
            return None
        hint = self.hints[i % len(self.hints)] if self.hints else 0
        stop = None if hint == 0 or direction is Direction.FLAT else bar.close - int(direction) * hint * TICK
        return Signal(ts=bar.ts, source=self.name, direction=direction, stop_loss=stop if stop and stop > 0 else None)


@attrs.define
class Checked(BacktestShell):
    """The backtest shell, checking every order the engine sends against the entry rules."""

    engine: TradingEngine
    exchange: SimulatedExchange
    loss_limit_cents: int = 0
    entries: int = 0

    def execute(self, commands: list[Command]) -> None:
        """Assert no entry goes out while latched or after the daily loss limit; then carry out."""
        engine = self.engine
        for command in commands:
            if isinstance(command, SubmitOrder) and is_entry(
                command.intent, engine.portfolio.quantity, list(engine.working.values())
            ):
                assert not engine.desk.latched, "entry sent while the catastrophe latch holds"
                assert engine.view.day_pnl_cents > -self.loss_limit_cents, "entry sent after the daily loss limit"
                self.entries += 1
            super().execute([command])


def protected(engine: TradingEngine, exchange: SimulatedExchange) -> bool:
    """A working stop at the exchange covers the position, or a closing market order is in flight."""
    position = engine.portfolio.quantity
    closing = -1 if position > 0 else 1
    stops = closers = 0
    for order in exchange.open_orders():
        if order.intent.side.sign != closing or order.status.value == "pending":
            continue
        if order.intent.order_type is OrderType.STOP:
            stops += order.remaining
        elif order.intent.order_type is OrderType.MARKET and order.parent_id is None:
            closers += order.remaining
    return stops >= abs(position) or closers >= abs(position)


def books_balance(engine: TradingEngine, last_close: float, initial: int) -> None:
    """Equity change == cash flows of every fill + open position at the last price - commissions."""
    flows = commissions = position = 0
    value = ES.tick_value_cents
    for entry in engine.journal:
        if entry.kind == "fill":
            fill = entry.payload["event"].fill
            ticks = ES.to_ticks(fill.price)
            flows -= fill.side.sign * fill.quantity * ticks * value
            commissions += fill.commission_cents
            position += fill.side.sign * fill.quantity
    portfolio = engine.portfolio
    assert position == portfolio.quantity
    expected = flows + position * ES.to_ticks(last_close) * value - commissions
    assert portfolio.equity_cents - initial == expected
    assert portfolio.realized_cents + portfolio.unrealized_cents - portfolio.commission_cents == expected
    assert commissions == portfolio.commission_cents


@SETTINGS
@given(
    steps=st.lists(bar_steps, min_size=20, max_size=140),
    plan=st.lists(actions, min_size=20, max_size=140),
    hints=st.lists(st.integers(-20, 40), max_size=5),
    start=st.sampled_from(STARTS),
    step_ns=st.sampled_from([MINUTE, 15 * MINUTE, 60 * MINUTE]),
    max_contracts=st.integers(1, 3),
    loss_limit=st.sampled_from([200.0, 500.0, 1000.0]),
    trailing=st.sampled_from([None, 1.0, 2.0]),
    break_even=st.sampled_from([None, 1.0]),
    exit_after=st.sampled_from([None, 4]),
    manual_stop_at=st.one_of(st.none(), st.integers(0, 140)),
    allow_short=st.booleans(),
    risk_pct=st.sampled_from([0.5, 2.0, 10.0]),
    latency_ms=st.sampled_from([0, 0, 90_000]),
)
def test_risk_invariants_hold_whatever_the_strategy_and_market(
    steps: list[tuple[str, int, int, int]], plan: list[Direction | None], hints: list[int], start: int, step_ns: int,
    max_contracts: int, loss_limit: float, trailing: float | None, break_even: float | None, exit_after: int | None,
    manual_stop_at: int | None, allow_short: bool, risk_pct: float, latency_ms: int,
) -> None:
    bars = build_bars(steps, start, step_ns)
    position = PositionConfig(enabled=True, atr_period=3, max_contracts=3, risk_per_trade_pct=risk_pct,
                              trailing_atr=trailing, break_even_at_r=break_even, exit_after_bars=exit_after)
    engine = TradingEngine(
        ES,
        RandomStrategy(plan, hints),
        risk_policies=[
            MaxPositionPolicy(MaxPositionConfig(max_contracts=max_contracts)),
            DailyLossLimit(DailyLossLimitConfig(max_loss=loss_limit)),
            MaxOpenPositions(MaxOpenPositionsConfig()),
        ],
        execution=ExecutionConfig(allow_short=allow_short),
        position=position,
        catastrophe=CatastropheConfig(enabled=True, daily_loss_limit=loss_limit * 2, max_drawdown_pct=5.0),
    )
    # latency above a bar's length keeps orders working across bars (entries and exits in flight)
    exchange = SimulatedExchange(ES, ExchangeConfig(latency_ms=latency_ms))
    shell = Checked(engine, exchange, round(loss_limit * 100))
    initial = engine.portfolio.equity_cents
    for i, bar in enumerate(bars):
        shell.step(bar)
        if i == manual_stop_at:
            shell.execute(engine.manual_stop("property test"))
        assert abs(engine.portfolio.quantity) <= max_contracts
        assert engine.portfolio.quantity == exchange.position().quantity
        if engine.portfolio.quantity:
            assert protected(engine, exchange), f"unprotected position {engine.portfolio.quantity} after bar {i}"
        books_balance(engine, bar.close, initial)
    event(f"entries sent: {'none' if not shell.entries else '1-3' if shell.entries < 4 else '4+'}")
    event(f"catastrophe latched: {engine.desk.latched}")
    event(f"round trips: {'none' if not engine.portfolio.round_trips else 'some'}")


@SETTINGS
@given(
    steps=st.lists(bar_steps, min_size=10, max_size=80),
    plan=st.lists(actions, min_size=10, max_size=80),
    contracts=st.integers(1, 6),
    max_contracts=st.integers(1, 3),
)
def test_without_position_management_max_position_still_caps_whatever_the_strategy_asks(
    steps: list[tuple[str, int, int, int]], plan: list[Direction | None], contracts: int, max_contracts: int
) -> None:
    engine = TradingEngine(
        ES,
        RandomStrategy(plan, []),
        risk_policies=[MaxPositionPolicy(MaxPositionConfig(max_contracts=max_contracts))],
        execution=ExecutionConfig(contracts=contracts),
    )
    exchange = SimulatedExchange(ES, ExchangeConfig())
    shell = BacktestShell(engine, exchange)
    for bar in build_bars(steps, STARTS[0], MINUTE):
        shell.step(bar)
        assert abs(engine.portfolio.quantity) <= max_contracts
        assert engine.portfolio.quantity == exchange.position().quantity


def test_the_random_markets_do_trade_and_do_block() -> None:
    """A fixed draw, so the properties above are not vacuous: entries happen, and the limit blocks some.

    The first long is stopped out in the limit-down bar (a $209 loss): later entries that day are refused.
    """
    steps = [("calm", 0, 2, 2)] * 5 + [("limit", -1, 0, 0)] + [("calm", 1, 2, 2)] * 30
    plan = ([None] * 4 + [Direction.LONG] + [None] * 3 + [Direction.SHORT, Direction.LONG]) * 4
    engine = TradingEngine(
        ES, RandomStrategy(plan, []),
        risk_policies=[DailyLossLimit(DailyLossLimitConfig(max_loss=100))],
        position=PositionConfig(enabled=True, atr_period=3, risk_per_trade_pct=50.0),
    )
    shell = Checked(engine, SimulatedExchange(ES, ExchangeConfig()), 10_000)
    for bar in build_bars(steps, STARTS[0], MINUTE):
        shell.step(bar)
    rejected = [d for e in engine.journal if e.kind == "risk" for d in e.payload["event"].decisions
                if d.policy == "daily_loss_limit" and d.verdict.value == "reject"]
    assert shell.entries >= 1 and rejected


def test_the_checked_shell_does_catch_an_entry_after_the_limit() -> None:
    """The property's own check fails when risk is absent (the check is not vacuous)."""
    import pytest

    steps = [("calm", 0, 2, 2)] * 5 + [("limit", -1, 0, 0)] + [("calm", 1, 2, 2)] * 10
    plan = ([None] * 4 + [Direction.LONG] + [None] * 3 + [Direction.SHORT, Direction.LONG]) * 2
    engine = TradingEngine(ES, RandomStrategy(plan, []), position=PositionConfig(enabled=True, atr_period=3))
    shell = Checked(engine, SimulatedExchange(ES, ExchangeConfig()), 10_000)
    with pytest.raises(AssertionError, match="after the daily loss limit"):
        for bar in build_bars(steps, STARTS[0], MINUTE):
            shell.step(bar)
