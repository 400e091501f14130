"""Regression tests for risk bugs found in review: each failed before its fix."""

from __future__ import annotations

import shutil
from pathlib import Path

from adapters.risk.store import FileRiskStateStore, read_latch, read_status, status_path
from mia_core.commands import CancelOrder, RaiseAlert, SubmitOrder
from mia_core.engine.backtest import BacktestShell
from mia_core.engine.config import ExecutionConfig
from mia_core.engine.core import TradingEngine
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.orders import OrderIntent, OrderType
from mia_core.risk.catastrophe import CatastropheConfig
from mia_core.risk.limits import MaxRiskPerTrade, MaxRiskPerTradeConfig, MaxTradesPerDay, MaxTradesPerDayConfig
from mia_core.risk.sizing import PositionConfig, plan_entry
from mia_core.signals import Direction, RiskVerdict
from mia_plugins.basic_risk.plugin import MaxPositionConfig, MaxPositionPolicy

from .helpers import MINUTE, Context, Scripted, bars_from, chicago, entry

T0 = chicago("2024-03-05 09:00")
MONITOR = CatastropheConfig(enabled=True, daily_loss_limit=500)


def test_an_entry_against_a_working_entry_being_cancelled_is_still_an_entry() -> None:
    # 90 s latency on 1-minute bars: the LONG market order of bar 1 is still working at bar 2
    # when the strategy turns SHORT. The planner cancels it and sells 1: with the cancelled
    # BUY still counted, SELL 1 looked like an exit and skipped every rule (here: 1 trade a day).
    engine = TradingEngine(ES, Scripted({1: Direction.LONG, 2: Direction.SHORT}),
                           risk_policies=[MaxTradesPerDay(MaxTradesPerDayConfig(max_trades=1))])
    shell = BacktestShell(engine, SimulatedExchange(ES, ExchangeConfig(latency_ms=90_000)))
    bars = bars_from([5000.0, 5000.0, 5000.0, 5000.0], T0)
    shell.step(bars[0])
    assert len(engine.working) == 1 and engine.portfolio.quantity == 0
    commands = engine.on_bar(bars[1])
    assert any(isinstance(c, CancelOrder) for c in commands)
    assert not [c for c in commands if isinstance(c, SubmitOrder)], "the short entry bypassed max_trades_per_day"
    shell.execute(commands)
    for bar in bars[2:]:
        shell.step(bar)
    assert engine.portfolio.quantity == 0


def test_a_stop_at_the_entry_price_still_counts_one_tick_of_risk() -> None:
    # a stop hint at the last price made the risk per contract zero: any size passed the 0.5% rule
    policy = MaxRiskPerTrade(MaxRiskPerTradeConfig(max_risk_pct=0.5))
    decision = policy.evaluate(entry(quantity=5000, stop=5000.0), Context())
    # $100,000 x 0.5% = $500; one ES tick is $12.50 -> at most 40 contracts
    assert decision.verdict is RiskVerdict.RESIZE and decision.quantity == 40


def test_a_binary_garbage_state_file_counts_as_latched(tmp_path: Path) -> None:
    # bytes that are not UTF-8 raised UnicodeDecodeError: the session could not start (or crashed on poll)
    state_file = tmp_path / "state.json"
    state_file.write_bytes(b"\xff\xfe\x00\x81 half-written")
    latch = read_latch(state_file)
    assert latch is not None and latch.latched and latch.trigger == "state_file_unreadable"
    engine = TradingEngine(ES, Scripted({}), catastrophe=MONITOR, risk_store=FileRiskStateStore(state_file))
    assert engine.desk.latched


def test_a_garbage_file_appearing_mid_session_latches_instead_of_crashing(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    engine = TradingEngine(ES, Scripted({}), catastrophe=MONITOR, risk_store=FileRiskStateStore(state_file))
    shell = BacktestShell(engine, SimulatedExchange(ES))
    bars = bars_from([5000.0] * 3, T0)
    shell.step(bars[0])
    state_file.write_bytes(b"\x80" * 10)
    shell.step(bars[1])
    assert engine.desk.latched


def test_a_trip_that_cannot_be_persisted_still_cancels_and_flattens(tmp_path: Path) -> None:
    # the latch directory is replaced by a plain file mid-session: saving the latch fails.
    # The save came first and raised, so the engine never flattened (and, latched in memory,
    # never tried again while the bracket orders worked).
    state_file = tmp_path / "risk" / "state.json"
    engine = TradingEngine(ES, Scripted({2: Direction.LONG}), catastrophe=MONITOR,
                           risk_store=FileRiskStateStore(state_file))
    shell = BacktestShell(engine, SimulatedExchange(ES))
    closes = [5000.0, 5000.0, 5000.0, 4995.0]
    for bar in bars_from(closes, T0, spread=0.0):
        shell.step(bar)
    assert engine.portfolio.quantity == 1 and not engine.desk.latched
    shutil.rmtree(tmp_path / "risk")  # it held the published figures
    (tmp_path / "risk").write_text("not a directory")
    # long 1 from 5000; close 4990 = -$500 plus commission: the daily loss trigger fires
    trip_bar = bars_from([4995.0, 4990.0], T0 + 4 * MINUTE, spread=0.0)[1]
    commands = engine.on_bar(trip_bar)
    closing = [c for c in commands if isinstance(c, SubmitOrder)]
    assert closing and closing[0].intent.reason.startswith("catastrophe")
    alerts = [c.message for c in commands if isinstance(c, RaiseAlert)]
    assert any("not persisted" in message for message in alerts)
    assert engine.desk.latched
    shell.execute(commands)
    shell.step(bars_from([4990.0], T0 + 6 * MINUTE, spread=0.0)[0])
    assert engine.portfolio.quantity == 0


class ReturnsNothing:
    name = "returns_nothing"

    def evaluate(self, intent: OrderIntent, context: object) -> object:
        return None  # a third-party rule with a missing return


def test_a_policy_returning_no_decision_refuses_the_entry_instead_of_crashing() -> None:
    engine = TradingEngine(ES, Scripted({2: Direction.LONG}), risk_policies=[ReturnsNothing()])
    shell = BacktestShell(engine, SimulatedExchange(ES))
    for bar in bars_from([5000.0] * 4, T0):
        shell.step(bar)
    assert engine.portfolio.quantity == 0
    decisions = [d for e in engine.journal if e.kind == "risk" for d in e.payload["event"].decisions]
    assert len(decisions) == 1 and decisions[0].verdict is RiskVerdict.REJECT
    assert "returned None" in decisions[0].reason


def test_a_same_side_signal_after_a_resize_keeps_the_positions_stop() -> None:
    # execution asks 3 contracts, max_position allows 2. The next LONG signal (target 3, held 2)
    # cancelled every working order, bracket children included, and max_position then refused the
    # add-on: the 2 contracts were left with no stop at the exchange.

    engine = TradingEngine(ES, Scripted({2: Direction.LONG, 4: Direction.LONG}, stop_loss=4990.0, take_profit=5020.0),
                           execution=ExecutionConfig(contracts=3),
                           risk_policies=[MaxPositionPolicy(MaxPositionConfig(max_contracts=2))])
    exchange = SimulatedExchange(ES)
    shell = BacktestShell(engine, exchange)
    for bar in bars_from([5000.0] * 6, T0):
        shell.step(bar)
    assert engine.portfolio.quantity == 2
    stops = [o for o in exchange.open_orders() if o.intent.order_type is OrderType.STOP]
    assert stops and sum(o.remaining for o in stops) == 2


def test_an_add_on_carries_its_own_bracket_and_the_held_part_keeps_its_stop() -> None:
    # a partial fill (volume cap) leaves 1 of 2 contracts held when the strategy says LONG again: the
    # planner cancelled the rest and the first bracket's children and bought 1 without a bracket:
    # 2 contracts held, none protected.

    engine = TradingEngine(ES, Scripted({2: Direction.LONG, 3: Direction.LONG}, stop_loss=4990.0, take_profit=5020.0),
                           execution=ExecutionConfig(contracts=2))
    exchange = SimulatedExchange(ES, ExchangeConfig(max_volume_fraction=0.5))
    shell = BacktestShell(engine, exchange)
    closes = [5000.0] * 6
    volumes = [1000, 1000, 2, 1000, 1000, 1000]  # bar 3 trades 2 contracts: half of them fill, 1 of 2
    for i, close in enumerate(closes):
        shell.step(Bar(ES, T0 + i * MINUTE, close, close + 1.0, close - 1.0, close, volumes[i]))
    assert engine.portfolio.quantity == 2
    stops = [o for o in exchange.open_orders() if o.intent.order_type is OrderType.STOP]
    assert sum(o.remaining for o in stops) == 2


def test_a_time_exit_in_flight_is_not_cancelled_and_sent_again_every_bar() -> None:
    # 150 s latency on 1-minute bars: the time exit's market order is still working at the next
    # bar. The desk flattened again (cancel + a second close) on every bar until it filled; live, a
    # cancel that loses the race to the fill makes the second close a naked reversal.
    config = PositionConfig(enabled=True, atr_period=3, volatility_adjust=False, trailing_atr=None,
                            break_even_at_r=None, exit_after_bars=2)
    engine = TradingEngine(ES, Scripted({4: Direction.LONG}), position=config)
    shell = BacktestShell(engine, SimulatedExchange(ES, ExchangeConfig(latency_ms=150_000)))
    sent: list[SubmitOrder] = []
    for bar in bars_from([5000.0] * 14, T0):
        if engine.working:
            shell.deliver(shell.exchange.on_bar(bar))
        commands = engine.on_bar(bar)
        sent += [c for c in commands if isinstance(c, SubmitOrder)]
        shell.execute(commands)
    closes = [c for c in sent if c.intent.reason.startswith("time_exit")]
    assert engine.portfolio.quantity == 0 and engine.portfolio.round_trips[-1].exit_reason == "time_exit"
    assert len(closes) == 1


def test_risk_status_reads_a_garbage_status_file_as_no_figures(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    status_path(state_file).write_bytes(b"\xff\xfe garbage")
    assert read_status(state_file) is None


def test_a_short_whose_target_would_be_below_zero_is_not_planned() -> None:
    # short at 10.00 with a 40-point stop (2 x ATR 20): the 2R target was planned at -70.00
    result = plan_entry(PositionConfig(enabled=True), ES, -1, 10.0, 10_000_000_000, 20.0, 20.0)
    assert isinstance(result, str) and "below zero" in result


def test_an_entry_acknowledged_after_the_trip_is_still_flattened_while_latched() -> None:
    # live, the broker's ack of an entry can arrive after a trip: the trip's flatten did not know the
    # order, the entry filled, and with its bracket children working the latched desk never
    # flattened again ("no order working" was false): a position held while latched.
    managed = PositionConfig(enabled=True, atr_period=3, volatility_adjust=False, trailing_atr=None)
    engine = TradingEngine(ES, Scripted({5: Direction.LONG}), position=managed, catastrophe=MONITOR)
    exchange = SimulatedExchange(ES)
    shell = BacktestShell(engine, exchange)
    bars = bars_from([5000.0] * 9, T0)
    for bar in bars[:4]:
        shell.step(bar)
    (entry_order,) = [c for c in engine.on_bar(bars[4]) if isinstance(c, SubmitOrder)]
    _, acks = exchange.submit(entry_order.intent, engine.now_ns)  # reached the broker...
    shell.execute(engine.manual_stop("operator"))  # ...but the trip came before its ack
    shell.deliver(acks)
    for bar in bars[5:]:
        shell.step(bar)
    assert engine.desk.latched
    assert engine.portfolio.quantity == 0
    assert not exchange.open_orders()
