"""Property tests of the intraday system's limits (issue 14): random strategies through random one- and five-minute
markets on the exchange calendar, with the day guard, sizing and the daily rules of battle_navale.yaml. No CME day
loses more than the loss limit plus one bar's adverse move and costs; nothing is held over a weekend or holiday
break; never more than 2 contracts or 15 entries a day; no entry is sent outside regular hours.
"""

from __future__ import annotations

import os
from collections import defaultdict

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.calendars.cme import cme_calendar
from mia_core.calc.session_calendar import CLOSED, RTH
from mia_core.commands import Command, SubmitOrder
from mia_core.engine.backtest import BacktestShell
from mia_core.engine.core import TradingEngine
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.risk.exposure import is_entry
from mia_core.risk.guard import LONG_BREAK_NS, DayGuard, GuardConfig
from mia_core.risk.limits import MaxTradesPerDay, MaxTradesPerDayConfig
from mia_core.risk.sizing import PositionConfig
from mia_core.signals import Direction
from mia_core.timeutil import cme_trading_day
from mia_plugins.basic_risk.plugin import MaxPositionConfig, MaxPositionPolicy

from .helpers import MINUTE, chicago
from .test_properties import TICK, RandomStrategy, actions

EXAMPLES = int(os.environ.get("MIA_RISK_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STARTS = [chicago("2024-03-08 13:30"), chicago("2024-03-05 07:45"), chicago("2024-07-03 09:00"),
          chicago("2024-03-07 14:00"), chicago("2024-12-24 08:00")]
LIMIT_CENTS = 500_00
COSTS_PER_CONTRACT_CENTS = 2 * 225 + 2 * 1250  # commission both sides, one tick of slippage each way

steps = st.tuples(st.sampled_from(["calm"] * 9 + ["jump"]), st.integers(-12, 12), st.integers(0, 6), st.integers(0, 6))


def session_bars(moves: list[tuple[str, int, int, int]], start: int, step_ns: int) -> list[Bar]:
    """Bars stamped only inside the exchange's sessions (as a real feed gives them), from ``start`` on."""
    calendar = cme_calendar()
    bars, close, ts = [], 20_000, start
    for kind, body, up, down in moves:
        while calendar.locate(ts)[1] == CLOSED:
            ts += step_ns
        open_ = close + (body * 8 if kind == "jump" else 0)
        close = max(open_ + body, 4_000)
        high, low = max(open_, close) + up, min(open_, close) - down
        bars.append(Bar(ES, ts, open_ * TICK, high * TICK, low * TICK, close * TICK, 1000))
        ts += step_ns
    return bars


@attrs.define
class Watched(BacktestShell):
    """The backtest shell, recording every entry sent (instant, size) and the position after each bar."""

    engine: TradingEngine
    exchange: SimulatedExchange
    entries: list[tuple[int, int]] = attrs.Factory(list)

    def execute(self, commands: list[Command]) -> None:
        engine = self.engine
        for command in commands:
            if isinstance(command, SubmitOrder) and is_entry(
                command.intent, engine.portfolio.quantity, list(engine.working.values())
            ):
                self.entries.append((engine.now_ns, command.intent.quantity))
            super().execute([command])


@SETTINGS
@given(
    st.lists(steps, min_size=60, max_size=400),
    st.lists(actions, min_size=10, max_size=400),
    st.lists(st.integers(0, 20), min_size=1, max_size=10),
    st.sampled_from(STARTS),
    st.sampled_from([1, 5]),
)
def test_the_intraday_limits_hold_in_any_market(
    moves: list[tuple[str, int, int, int]], plan: list[Direction | None], hints: list[int], start: int, minutes: int
) -> None:
    step_ns = minutes * MINUTE
    bars = session_bars(moves, start, step_ns)
    guard = DayGuard(GuardConfig(enabled=True, flatten_outside_sessions=True), cme_calendar())
    engine = TradingEngine(
        ES, RandomStrategy(plan, hints),
        risk_policies=[MaxPositionPolicy(MaxPositionConfig(max_contracts=2)),
                       MaxTradesPerDay(MaxTradesPerDayConfig(max_trades=15))],
        position=PositionConfig(enabled=True, atr_period=3, max_contracts=2, risk_per_trade_pct=2.0,
                                volatility_adjust=False),
        guard=guard,
    )
    shell = Watched(engine, SimulatedExchange(ES, ExchangeConfig(commission_per_contract=2.25, slippage_ticks=1)))
    day_start: dict[object, int] = {}
    day_low: dict[object, int] = {}
    worst_move: dict[object, float] = defaultdict(float)
    previous_close = bars[0].open
    calendar = cme_calendar()
    for i, bar in enumerate(bars):
        day = cme_trading_day(bar.ts)
        day_start.setdefault(day, engine.portfolio.equity_cents)
        worst_move[day] = max(worst_move[day], bar.high - bar.low + abs(bar.open - previous_close))
        previous_close = bar.close
        shell.step(bar)
        assert abs(engine.portfolio.quantity) <= 2
        pnl = engine.portfolio.equity_cents - day_start[day]
        day_low[day] = min(day_low.get(day, 0), pnl)
        following = bars[i + 1].ts if i + 1 < len(bars) else None
        if following is not None and following - bar.ts > LONG_BREAK_NS:
            # a weekend or holiday break follows: the book is flat (or its close is on the way at the next open
            # only when the last bar came in the final margin: never, since the flatten starts 10 minutes early)
            d, _ = calendar.locate(bar.ts)
            if bar.ts >= int(calendar.close[d]) - 10 * MINUTE + step_ns:
                assert engine.portfolio.quantity == 0, "held into a weekend or holiday break"
    for day, low in day_low.items():
        bound = LIMIT_CENTS + 2 * (2 * worst_move[day] / TICK * ES.tick_value_cents) + 30 * COSTS_PER_CONTRACT_CENTS
        assert low >= -bound, f"{day}: lost {-low / 100:.2f}, more than the limit plus a bar and costs"
    per_day: dict[object, int] = defaultdict(int)
    for ts, quantity in shell.entries:
        per_day[cme_trading_day(ts)] += 1
        assert quantity <= 2
        assert calendar.locate(ts)[1] == RTH, "entry sent outside regular hours"
    assert all(count <= 15 for count in per_day.values())
