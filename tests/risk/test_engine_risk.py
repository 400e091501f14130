"""Risk through the real engine and simulated exchange: real brackets, managed stops, the catastrophe monitor."""

from __future__ import annotations

from pathlib import Path

from adapters.risk.store import FileRiskStateStore, read_latch, write_latch
from mia_core.commands import CancelOrder, RaiseAlert, SubmitOrder
from mia_core.engine.core import TradingEngine
from mia_core.events import ConnectionChanged, ConnectionState, OrderUpdated
from mia_core.instruments import ES
from mia_core.market import Bar, TimerFired
from mia_core.orders import Order, OrderIntent, OrderStatus, OrderType
from mia_core.risk.catastrophe import CatastropheConfig, LatchState
from mia_core.risk.sizing import PositionConfig
from mia_core.signals import Direction

from .helpers import BUY, MINUTE, Scripted, bars_from, chicago, shell_for

T0 = chicago("2024-03-05 09:00")
MANAGED = PositionConfig(enabled=True, atr_period=3, volatility_adjust=False, trailing_atr=None)
MONITOR = CatastropheConfig(enabled=True, daily_loss_limit=500)


def run(engine: TradingEngine, bars: list[Bar]) -> list[list[object]]:
    """Step every bar through the shell; return the commands the engine issued on each bar."""
    shell = engine_shells.setdefault(id(engine), shell_for(engine))
    issued = []
    for bar in bars:
        if engine.working:
            shell.deliver(shell.exchange.on_bar(bar))
        commands = engine.on_bar(bar)
        issued.append(list(commands))
        shell.execute(commands)
    return issued


engine_shells: dict[int, object] = {}


def exchange_of(engine: TradingEngine):  # type: ignore[no-untyped-def]
    return engine_shells[id(engine)].exchange  # type: ignore[attr-defined]


def test_entries_are_sized_and_sent_as_real_brackets_the_exchange_holds() -> None:
    # every bar spans 2 points around 5000: ATR(3) = 2.0 -> stop 4 points, 2 contracts, target 2R
    engine = TradingEngine(ES, Scripted({5: Direction.LONG}), position=MANAGED)
    issued = run(engine, bars_from([5000.0] * 6, T0))
    (submit,) = [c for c in issued[4] if isinstance(c, SubmitOrder)]
    assert submit.intent.quantity == 2
    assert (submit.intent.bracket.stop_loss, submit.intent.bracket.take_profit) == (4996.0, 5008.0)  # type: ignore[union-attr]
    assert engine.portfolio.quantity == 2
    legs = {o.intent.order_type: o for o in exchange_of(engine).open_orders()}
    assert legs[OrderType.STOP].intent.stop_price == 4996.0 and legs[OrderType.STOP].remaining == 2
    assert legs[OrderType.LIMIT].intent.limit_price == 5008.0
    assert all(o.status is OrderStatus.WORKING and o.parent_id for o in legs.values())


def test_the_stop_moves_to_break_even_at_the_exchange_and_protects_the_trade() -> None:
    engine = TradingEngine(ES, Scripted({5: Direction.LONG}), position=MANAGED)
    # entry fills at 5000 (bar 6 open); bar 7 reaches 5005 (> 1R = 4 points) and closes 5003
    bars = bars_from([5000.0] * 6, T0)
    bars.append(Bar(ES, T0 + 6 * MINUTE, 5000.0, 5005.0, 4999.0, 5003.0, 1000))
    run(engine, bars)
    stop = next(o for o in exchange_of(engine).open_orders() if o.intent.order_type is OrderType.STOP)
    assert stop.intent.stop_price == 5000.0
    # a fall through 5000 fills the moved stop: the trade closes at break-even, not at 4996
    run(engine, [Bar(ES, T0 + 7 * MINUTE, 5002.0, 5002.0, 4990.0, 4991.0, 1000)])
    assert engine.portfolio.quantity == 0
    trip = engine.portfolio.round_trips[-1]
    assert (trip.exit_price, trip.exit_reason) == (5000.0, "stop_loss")
    assert not exchange_of(engine).open_orders()  # OCO: the target went with it


def test_a_signal_for_the_held_side_keeps_the_protective_orders() -> None:
    engine = TradingEngine(ES, Scripted({5: Direction.LONG, 7: Direction.LONG}), position=MANAGED)
    issued = run(engine, bars_from([5000.0] * 8, T0))
    assert issued[6] == []  # no cancel, no add-on
    assert len(exchange_of(engine).open_orders()) == 2


def test_time_exit_closes_after_n_bars() -> None:
    config = PositionConfig(enabled=True, atr_period=3, volatility_adjust=False, exit_after_bars=3)
    engine = TradingEngine(ES, Scripted({5: Direction.LONG}), position=config)
    run(engine, bars_from([5000.0] * 12, T0))
    assert engine.portfolio.quantity == 0
    assert engine.portfolio.round_trips[-1].exit_reason == "time_exit"


def test_daily_loss_trips_the_monitor_cancels_flattens_and_latches() -> None:
    script = {2: Direction.LONG, 8: Direction.SHORT, 10: Direction.LONG, 13: Direction.SHORT}
    engine = TradingEngine(ES, Scripted(script), catastrophe=MONITOR)
    # long 1 from 5000; close 4990 = -$500 plus $4.50 commission -> at or below -$500
    closes = [5000.0, 5000.0, 5000.0, 4995.0, 4990.0] + [4990.0] * 7
    issued = run(engine, bars_from(closes, T0, spread=0.0))
    tripped = issued[4]
    assert any(isinstance(c, RaiseAlert) for c in tripped)
    closes_out = [c for c in tripped if isinstance(c, SubmitOrder)]
    assert closes_out and closes_out[0].intent.reason.startswith("catastrophe")
    assert engine.desk.latched and engine.portfolio.quantity == 0
    assert engine.portfolio.round_trips[-1].exit_reason == "catastrophe"
    # later signals: no entry at all, each rejection journaled with its reason
    assert not any(isinstance(c, SubmitOrder) for c in issued[7] + issued[9])
    latch_rejections = [d for e in engine.journal if e.kind == "risk" for d in e.payload["event"].decisions
                        if d.policy == "catastrophe"]
    assert len(latch_rejections) == 2 and "re-arm" in latch_rejections[0].reason
    assert [e.payload["event"].trigger for e in engine.journal if e.kind == "catastrophe"] == ["daily_loss"]
    # an explicit re-arm lets entries through again (the same day's loss does not re-trip at once)
    engine.rearm()
    issued = run(engine, bars_from([4990.0], T0 + 12 * MINUTE))
    assert any(isinstance(c, SubmitOrder) for c in issued[0]) and not engine.desk.latched


def test_working_orders_are_cancelled_when_the_monitor_trips() -> None:
    engine = TradingEngine(ES, Scripted({}), catastrophe=MONITOR)
    run(engine, bars_from([5000.0], T0))
    resting = OrderIntent(ES, BUY, 1, OrderType.LIMIT, limit_price=4900.0)
    shell = engine_shells[id(engine)]
    shell.execute([SubmitOrder(resting)])  # type: ignore[attr-defined]
    commands = engine.manual_stop("test")
    assert [c.order_id for c in commands if isinstance(c, CancelOrder)] == list(engine.working)
    shell.execute(commands)  # type: ignore[attr-defined]
    assert not engine.working and engine.desk.latched


def test_a_connection_lost_for_more_than_five_minutes_trips_it() -> None:
    engine = TradingEngine(ES, Scripted({}), catastrophe=MONITOR)
    lost = ConnectionChanged(T0, "ib", ConnectionState.LOST)
    assert engine.handle(lost) == []
    assert engine.handle(TimerFired(T0 + 5 * 60 * 1_000_000_000, "heartbeat")) == []  # exactly 5 min: not more
    assert not engine.desk.latched
    commands = engine.handle(TimerFired(T0 + 5 * 60 * 1_000_000_000 + 1, "heartbeat"))
    assert any(isinstance(c, RaiseAlert) for c in commands) and engine.desk.latched
    assert engine.desk.monitor.state.trigger == "connection_lost"  # type: ignore[union-attr]


def test_an_outage_first_heard_of_when_the_link_comes_back_still_trips() -> None:
    # the IB adapter sends LOST late, stamped when the link went down; no event arrives meanwhile
    engine = TradingEngine(ES, Scripted({}), catastrophe=MONITOR)
    engine.handle(ConnectionChanged(T0, "ib", ConnectionState.LOST))
    commands = engine.handle(ConnectionChanged(T0 + 400 * 1_000_000_000, "ib", ConnectionState.RESTORED))
    assert any(isinstance(c, RaiseAlert) for c in commands)
    assert engine.desk.monitor.state.trigger == "connection_lost"  # type: ignore[union-attr]


def test_a_restored_connection_does_not_trip() -> None:
    engine = TradingEngine(ES, Scripted({}), catastrophe=MONITOR)
    engine.handle(ConnectionChanged(T0, "ib", ConnectionState.LOST))
    engine.handle(ConnectionChanged(T0 + 60 * 1_000_000_000, "ib", ConnectionState.RESTORED))
    engine.handle(TimerFired(T0 + 3600 * 1_000_000_000, "heartbeat"))
    assert not engine.desk.latched


def outcome(i: int, rejected: bool) -> OrderUpdated:
    status = OrderStatus.REJECTED if rejected else OrderStatus.WORKING
    order = Order(f"O{i}", OrderIntent(ES, BUY, 1, OrderType.LIMIT, limit_price=4000.0), status)
    return OrderUpdated(T0 + i, order, OrderStatus.PENDING)


def test_error_rate_above_ten_percent_trips_it() -> None:
    one_in_ten = TradingEngine(ES, Scripted({}), catastrophe=MONITOR)
    for i in range(10):
        one_in_ten.handle(outcome(i, rejected=(i == 0)))
    one_in_ten.handle(TimerFired(T0 + 100, "tick"))
    assert not one_in_ten.desk.latched  # 10% is not over 10%
    two_in_ten = TradingEngine(ES, Scripted({}), catastrophe=MONITOR)
    for i in range(10):
        two_in_ten.handle(outcome(i, rejected=(i in (0, 5))))
    two_in_ten.handle(TimerFired(T0 + 100, "tick"))
    assert two_in_ten.desk.latched and two_in_ten.desk.monitor.state.trigger == "error_rate"  # type: ignore[union-attr]


def test_the_latch_survives_a_restart_and_cli_stop_and_rearm_reach_a_running_engine(tmp_path: Path) -> None:
    state_file = tmp_path / "risk" / "state.json"
    first = TradingEngine(ES, Scripted({}), catastrophe=MONITOR, risk_store=FileRiskStateStore(state_file))
    run(first, bars_from([5000.0], T0))
    first.manual_stop("operator")
    saved = read_latch(state_file)
    assert saved is not None and saved.latched and saved.trigger == "manual_stop"
    # a new process: the engine starts latched and rejects entries
    second = TradingEngine(ES, Scripted({2: Direction.LONG, 4: Direction.LONG}), catastrophe=MONITOR,
                           risk_store=FileRiskStateStore(state_file))
    assert second.desk.latched
    issued = run(second, bars_from([5000.0] * 2, T0 + MINUTE))
    assert not any(isinstance(c, SubmitOrder) for c in issued[1])
    # `mia risk rearm` writes the file; the running engine adopts it at its next bar
    write_latch(state_file, LatchState(False, "", "", 0, T0 + 3 * MINUTE))
    issued = run(second, bars_from([5000.0] * 2, T0 + 3 * MINUTE))
    assert not second.desk.latched
    assert any(isinstance(c, SubmitOrder) for c in issued[1])
    assert second.portfolio.quantity == 0  # entry not filled yet
    run(second, bars_from([5000.0], T0 + 5 * MINUTE))
    assert second.portfolio.quantity == 1
    # `mia risk stop` while holding: the engine flattens at its next bar and stays latched
    write_latch(state_file, LatchState(True, "manual_stop", "from the CLI", T0 + 6 * MINUTE, T0 + 3 * MINUTE))
    issued = run(second, bars_from([5000.0] * 2, T0 + 6 * MINUTE))
    assert any(isinstance(c, RaiseAlert) for c in issued[0])
    assert second.portfolio.quantity == 0 and second.desk.latched
    status = (tmp_path / "risk" / "state.status.json").read_text()
    assert '"latched": true' in status and '"position": 0' in status


def test_an_unreadable_state_file_counts_as_latched(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text("{not json")
    engine = TradingEngine(ES, Scripted({}), catastrophe=MONITOR, risk_store=FileRiskStateStore(state_file))
    assert engine.desk.latched
    assert engine.desk.monitor.state.trigger == "state_file_unreadable"  # type: ignore[union-attr]


def test_an_open_trade_is_closed_before_the_weekend() -> None:
    config = PositionConfig(enabled=True, atr_period=3, volatility_adjust=False, weekend_flatten_at="15:45")
    engine = TradingEngine(ES, Scripted({5: Direction.LONG}), position=config)
    friday = chicago("2024-03-08 15:30")
    run(engine, bars_from([5000.0] * 16, friday))  # 15:30 .. 15:45
    assert engine.portfolio.quantity == 2  # the close goes out at the 15:45 bar and fills at the next open
    run(engine, bars_from([5000.0], friday + 16 * MINUTE))
    assert engine.portfolio.quantity == 0
    assert engine.portfolio.round_trips[-1].exit_reason == "weekend"


class Broken:
    name = "broken"

    def evaluate(self, intent: OrderIntent, context: object) -> object:
        raise ZeroDivisionError("bug in a third-party rule")


def test_a_policy_that_raises_refuses_entries_lets_exits_pass_and_the_session_goes_on() -> None:
    engine = TradingEngine(ES, Scripted({2: Direction.LONG, 4: Direction.SHORT}), risk_policies=[Broken()])
    issued = run(engine, bars_from([5000.0] * 5, T0))
    assert not any(isinstance(c, SubmitOrder) for step in issued for c in step)
    reasons = [d.reason for e in engine.journal if e.kind == "risk" for d in e.payload["event"].decisions]
    assert len(reasons) == 2 and "ZeroDivisionError: bug in a third-party rule" in reasons[0]
    # holding a position, the same broken rule cannot trap it
    holder = TradingEngine(ES, Scripted({2: Direction.LONG, 4: Direction.FLAT}))
    run(holder, bars_from([5000.0] * 3, T0))
    assert holder.portfolio.quantity == 1
    holder.risk_policies = (Broken(),)
    holder.ledger.track = True
    issued = run(holder, bars_from([5000.0] * 2, T0 + 3 * MINUTE))
    assert [c.intent.reason for c in issued[0] if isinstance(c, SubmitOrder)] == ["signal_exit"]
    assert holder.portfolio.quantity == 0
