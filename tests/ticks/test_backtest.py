"""The tick-driven backtest: the trades a hand-made reference expects, costs applied, band skipping changes nothing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mia_core.engine.backtest import BacktestShell, BacktestStopped
from mia_core.engine.core import TradingEngine
from mia_core.exchange import SimulatedExchange
from mia_core.exchange.config import ExchangeConfig
from mia_core.instruments import ES
from mia_core.market import Aggressor, Bar, Trade
from mia_core.signals import Direction, RiskDecision, Signal
from mia_core.ticks.backtest import run_tick_backtest
from mia_core.ticks.synthetic import synthetic_tape
from mia_core.ticks.tape import Tape

T0 = 1_704_232_800_000_000_000
TICK_CENTS = 1250  # ES: $12.50 a tick


class SideRun:
    """Goes with ``run`` trades in a row on one side; optional bracket hints in ticks."""

    name = "side_run"

    def __init__(self, run: int, stop: int = 0, target: int = 0) -> None:
        self.run, self.stop, self.target = run, stop, target
        self._side = self._count = self._held = 0

    def reset(self) -> None:
        self._side = self._count = self._held = 0

    def on_bar(self, bar: Bar, context: Any) -> Signal | None:
        return None

    def on_tick(self, ts: int, price: float, size: int, side: int, context: Any) -> Signal | None:
        if side == self._side:
            self._count += 1
        else:
            self._side, self._count = side, 1
        if self._count != self.run or not side or (side == self._held and not self.stop):
            return None
        self._held = side
        direction = Direction.LONG if side > 0 else Direction.SHORT
        if not self.stop:
            return Signal(ts, self.name, direction)
        return Signal(ts, self.name, direction, stop_loss=price - side * self.stop * 0.25,
                      take_profit=price + side * self.target * 0.25)


def small_tape(n: int = 3_000, seed: int = 5) -> Tape:
    rng = np.random.default_rng(seed)
    ts = T0 + np.cumsum(rng.integers(0, 400_000_000, n))  # some trades share a time
    ticks = 20_000 + np.cumsum(rng.integers(-1, 2, n))
    return Tape(ES, ts, ticks * 0.25, rng.integers(1, 6, n), rng.choice([1, -1, 1, -1, 0], n))


def reference_trips(tape: Tape, run: int, slippage: int, commission_cents: int) -> list[tuple[Any, ...]]:
    """Reversals at the trade after each signal, by hand: (entry ts, exit ts, entry, exit, gross, fees, net)."""
    prices, sides, times = tape.price.tolist(), tape.side.tolist(), tape.ts.tolist()
    signals, last, count, held = [], 0, 0, 0
    for i, side in enumerate(sides):
        count = count + 1 if side == last else 1
        last = side
        if count == run and side and side != held:
            held = side
            signals.append((i, side))
    trips, position, entry, entry_ts = [], 0, 0.0, 0
    for i, side in signals:
        if i + 1 >= len(prices):
            break
        fill = prices[i + 1] + side * slippage * 0.25  # buying pays up, selling gets less
        if position:
            gross = round((fill - entry) / 0.25) * position * TICK_CENTS
            trips.append((entry_ts, times[i + 1], entry, fill, gross, 2 * commission_cents,
                          gross - 2 * commission_cents))
        position, entry, entry_ts = side, fill, times[i + 1]
    return trips


def run(tape: Tape, strategy: Any, **config: Any) -> Any:
    engine = TradingEngine(ES, strategy)
    exchange = SimulatedExchange(ES, ExchangeConfig(market_fill="next_trade", **config))
    return run_tick_backtest(tape, engine, exchange, mark_seconds=60)


@pytest.mark.parametrize(("slippage", "commission"), [(0, 0.0), (1, 2.25), (2, 1.1)])
def test_a_reversal_strategy_trades_as_the_hand_made_reference_with_its_costs(slippage: int,
                                                                                commission: float) -> None:
    tape = small_tape()
    result = run(tape, SideRun(3), slippage_ticks=slippage, commission_per_contract=commission)
    got = [(t.entry_ts, t.exit_ts, t.entry_price, t.exit_price, t.gross_cents, t.commission_cents, t.net_cents)
           for t in result.round_trips]
    expected = reference_trips(tape, 3, slippage, round(commission * 100))
    assert len(expected) > 20
    assert got == expected
    fills = len({e.ts for e in result.journal if e.kind == "fill"})
    assert result.bars == len(np.unique(tape.ts // (60 * 10**9))) + fills  # a minute holding trades, a fill
    fees = sum(t[5] for t in expected)
    assert fees == 2 * round(commission * 100) * len(expected)


def naive_walk(tape: Tape, strategy: Any, **config: Any) -> list[Any]:
    """Every trade through the exchange, no band, no marks: the fills must be the same."""
    engine = TradingEngine(ES, strategy)
    exchange = SimulatedExchange(ES, ExchangeConfig(market_fill="next_trade", **config))
    shell = BacktestShell(engine, exchange)
    aggressor = {1: Aggressor.BUYER, -1: Aggressor.SELLER, 0: Aggressor.UNKNOWN}
    for ts, price, size, side in zip(tape.ts.tolist(), tape.price.tolist(), tape.size.tolist(),
                                     tape.side.tolist(), strict=True):
        engine.now_ns = ts
        shell.deliver(exchange.on_trade(Trade(ES, ts, price, float(size), aggressor[side])))
        signal = strategy.on_tick(ts, price, size, side, engine.view)
        if signal is not None:
            engine.last_close = price
            shell.execute(engine.on_signal(signal))
    return engine.portfolio.round_trips


def test_bracket_exits_are_the_same_as_when_every_trade_meets_the_exchange() -> None:
    tape = small_tape(6_000, seed=11)
    result = run(tape, SideRun(3, stop=6, target=10), slippage_ticks=1)
    expected = naive_walk(tape, SideRun(3, stop=6, target=10), slippage_ticks=1)
    fields = ("entry_ts", "exit_ts", "side", "entry_price", "exit_price", "net_cents", "exit_reason")
    got = [tuple(getattr(t, f) for f in fields) for t in result.round_trips]
    assert got == [tuple(getattr(t, f) for f in fields) for t in expected]
    assert {t.exit_reason for t in result.round_trips} >= {"stop_loss", "take_profit"}


def test_the_equity_curve_is_marked_once_a_period_and_ends_at_the_last_trade_price() -> None:
    tape = synthetic_tape(ES, 20_000, seed=2)
    result = run(tape, SideRun(6), commission_per_contract=0.0)
    assert len(result.equity_ts) == result.bars and (np.diff(result.equity_ts) >= 0).all()
    realized = sum(t.net_cents for t in result.round_trips)
    assert result.final_position != 0
    last_fill = [e for e in result.journal if e.kind == "fill"][-1]
    entry = last_fill.payload["event"].fill.price
    open_pnl = round((tape.price[-1] - entry) / 0.25) * result.final_position * TICK_CENTS
    assert result.equity_cents[-1] == 10_000_000 + realized + open_pnl


def test_excursions_see_only_the_trades_after_the_entry_through_the_exit() -> None:
    tape = small_tape(4_000, seed=8)
    tape = Tape(ES, T0 + np.arange(len(tape)) * 300_000_000, tape.price, tape.size, tape.side)  # times apart
    result = run(tape, SideRun(3))
    index = {ts: i for i, ts in enumerate(tape.ts.tolist())}
    ticks = np.round(tape.price / 0.25).astype(int)
    assert len(result.round_trips) > 20
    for trip in result.round_trips:
        held = ticks[index[trip.entry_ts] + 1:index[trip.exit_ts] + 1]
        entry = round(trip.entry_price / 0.25)
        sign = 1 if trip.side.sign > 0 else -1
        assert trip.mfe_ticks == max(0, int((held - entry).max() * sign if sign > 0 else (entry - held).max()))
        assert trip.mae_ticks == max(0, int((entry - held).max() if sign > 0 else (held - entry).max()))


class NoShorts:
    """A risk policy refusing every sell that opens or adds to a short position."""

    name = "no_shorts"

    def evaluate(self, intent: Any, context: Any) -> RiskDecision:
        if intent.side.sign < 0 and context.exposure - intent.quantity < 0:
            return RiskDecision.reject(self.name, "no shorts")
        return RiskDecision.allow(self.name, intent.quantity)


def test_risk_policies_judge_a_tick_strategys_orders_and_are_journaled() -> None:
    tape = small_tape()
    engine = TradingEngine(ES, SideRun(3), risk_policies=[NoShorts()])
    exchange = SimulatedExchange(ES, ExchangeConfig(market_fill="next_trade"))
    result = run_tick_backtest(tape, engine, exchange)
    assert result.round_trips and all(t.side.sign > 0 for t in result.round_trips)
    refused = [e for e in result.journal if e.kind == "risk" and "no shorts" in str(e.payload["event"])]
    assert len(refused) > 10


class Broken(SideRun):
    def on_tick(self, ts: int, price: float, size: int, side: int, context: Any) -> Signal | None:
        if ts >= T0 + 10**10:
            raise ZeroDivisionError("boom")
        return None


class Wrong(SideRun):
    def on_tick(self, ts: int, price: float, size: int, side: int, context: Any) -> Any:
        return "long"


def test_a_failing_strategy_is_named_with_the_trade_time_and_what_ran_is_kept() -> None:
    with pytest.raises(BacktestStopped, match=r"strategy 'side_run'.*on_tick at 2024-.*ZeroDivisionError: boom"):
        run(small_tape(), Broken(3))
    with pytest.raises(BacktestStopped, match=r"on_tick.*returned str 'long'; expected a Signal or None"):
        run(small_tape(), Wrong(3))


def test_what_cannot_run_on_ticks_is_refused_with_the_reason() -> None:
    class BarsOnly:
        name = "bars_only"

        def on_bar(self, bar: Bar, context: Any) -> None:
            return None

        def reset(self) -> None:
            pass

    engine = TradingEngine(ES, BarsOnly())
    with pytest.raises(ValueError, match="'bars_only' has no on_tick"):
        run_tick_backtest(small_tape(), engine, SimulatedExchange(ES, ExchangeConfig(market_fill="next_trade")))
    engine = TradingEngine(ES, SideRun(3))
    with pytest.raises(ValueError, match="market_fill to 'next_trade'"):
        run_tick_backtest(small_tape(), engine, SimulatedExchange(ES))


def test_an_empty_tape_runs_to_an_empty_result() -> None:
    result = run(Tape(ES, [], [], [], []), SideRun(3))
    assert result.bars == 0 and result.round_trips == [] and result.final_position == 0
