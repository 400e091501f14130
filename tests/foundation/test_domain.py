"""Domain value objects: frozen, slotted, and impossible values refused with the field named."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mia_core.clock import ManualClock
from mia_core.commands import AlertLevel, CancelOrder, FlattenPosition, ModifyOrder, RaiseAlert, SubmitOrder
from mia_core.errors import DomainValueError, MiaError
from mia_core.events import (
    CatastropheTriggered,
    ConnectionChanged,
    ConnectionState,
    FillReceived,
    OrderUpdated,
    PositionChanged,
    RiskChecked,
    SignalGenerated,
)
from mia_core.instruments import ES, NQ, Instrument, instrument_for
from mia_core.journal import JournalEntry, Notification, record_one
from mia_core.market import Aggressor, Bar, BookSide, DepthAction, DepthUpdate, Quote, Tick, TimerFired, Trade
from mia_core.options import OptionQuote, OptionRight, OptionsChainSnapshot
from mia_core.orders import (
    AccountSnapshot,
    Bracket,
    Fill,
    Order,
    OrderIntent,
    OrderSide,
    OrderStatus,
    OrderType,
    Position,
    TimeInForce,
)
from mia_core.series import BarSeries
from mia_core.signals import Direction, RiskDecision, RiskVerdict, Signal, SignalGrade
from mia_core.timeutil import cme_trading_day, ns_to_datetime, to_ns

T = datetime(2024, 3, 1, 21, 0, tzinfo=UTC)
T_NS = to_ns(T)
NAIVE = datetime(2024, 3, 1, 21, 0)
CHICAGO = ZoneInfo("America/Chicago")


def rejects(owner: str, field: str, build: Callable[[], object]) -> DomainValueError:
    """Assert ``build()`` raises a DomainValueError naming ``owner``.``field`` with a reason."""
    with pytest.raises(DomainValueError) as caught:
        build()
    error = caught.value
    assert (error.owner, error.field) == (owner, field), str(error)
    assert error.reason
    assert str(error).startswith(f"{owner}.{field} = ")
    return error


def bar(**overrides: object) -> Bar:
    values: dict[str, object] = {
        "instrument": ES,
        "ts": T,
        "open": 4000.0,
        "high": 4001.0,
        "low": 3999.5,
        "close": 4000.75,
        "volume": 10.0,
    }
    values.update(overrides)
    return Bar(**values)  # type: ignore[arg-type]


def intent(**overrides: object) -> OrderIntent:
    values: dict[str, object] = {"instrument": ES, "side": OrderSide.BUY, "quantity": 1}
    values.update(overrides)
    return OrderIntent(**values)  # type: ignore[arg-type]


def fill(**overrides: object) -> Fill:
    values: dict[str, object] = {
        "order_id": "A1",
        "instrument": ES,
        "side": OrderSide.BUY,
        "quantity": 1,
        "price": 4000.25,
        "ts": T,
    }
    values.update(overrides)
    return Fill(**values)  # type: ignore[arg-type]


def option(**overrides: object) -> OptionQuote:
    values: dict[str, object] = {
        "underlying": "SPX",
        "expiry": date(2024, 3, 15),
        "strike": 5000.0,
        "right": OptionRight.CALL,
        "bid": 10.0,
        "ask": 10.5,
    }
    values.update(overrides)
    return OptionQuote(**values)  # type: ignore[arg-type]


def series(**overrides: object) -> BarSeries:
    values: dict[str, object] = {
        "instrument": ES,
        "ts": [T_NS + i * 60_000_000_000 for i in range(4)],
        "open": [4000.0, 4000.5, 4001.0, 4001.5],
        "high": [4001.0, 4001.5, 4002.0, 4002.5],
        "low": [3999.0, 3999.5, 4000.0, 4000.5],
        "close": [4000.5, 4001.0, 4001.5, 4002.0],
        "volume": [10.0, 20.0, 30.0, 40.0],
    }
    values.update(overrides)
    return BarSeries(**values)  # type: ignore[arg-type]


# --- instruments and the tick grid ---------------------------------------------------


def test_es_and_nq_carry_the_exchange_figures() -> None:
    assert (ES.tick_size, ES.tick_value_cents, ES.tick_value, ES.multiplier) == (0.25, 1250, 12.5, 50)
    assert (NQ.tick_size, NQ.tick_value_cents, NQ.tick_value, NQ.multiplier) == (0.25, 500, 5.0, 20)
    assert ES.exchange == NQ.exchange == "CME"
    assert ES.ticks_to_cents(4) == 5_000  # one ES point is $50
    assert NQ.ticks_to_cents(4, quantity=3) == 6_000  # one NQ point is $20, three contracts
    assert instrument_for("es") is ES
    assert instrument_for("NQ") is NQ


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("symbol", {"symbol": " "}),
        ("tick_size", {"tick_size": 0.0}),
        ("tick_size", {"tick_size": float("nan")}),
        ("tick_value_cents", {"tick_value_cents": 12.5}),
        ("tick_value_cents", {"tick_value_cents": 1000}),  # disagrees with 0.25 x 50
        ("multiplier", {"multiplier": -50.0}),
        ("exchange", {"exchange": ""}),
    ],
)
def test_an_impossible_instrument_names_the_field(field: str, changes: dict[str, object]) -> None:
    values = attrs.asdict(ES) | changes
    rejects("Instrument", field, lambda: Instrument(**values))


def test_an_unknown_symbol_lists_the_built_in_instruments() -> None:
    error = rejects("Instrument", "symbol", lambda: instrument_for("CL"))
    assert "ES, NQ" in error.reason


def test_a_price_off_the_grid_is_named_by_the_caller() -> None:
    error = rejects("Stop", "trigger", lambda: ES.to_ticks(4000.1, field="trigger", owner="Stop"))
    assert "tick grid" in error.reason
    rejects("Price", "price", lambda: ES.to_ticks(float("inf")))
    assert not ES.on_grid(4000.1)
    assert ES.round_to_tick(4000.1) == 4000.0


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_ticks_round_trip_through_prices(ticks: int) -> None:
    for instrument in (ES, NQ):
        price = instrument.from_ticks(ticks)
        assert instrument.on_grid(price)
        assert instrument.to_ticks(price) == ticks
        assert instrument.round_to_tick(price) == price


@given(st.integers(min_value=0, max_value=10**6), st.floats(min_value=0.01, max_value=0.99))
def test_every_price_between_ticks_is_refused(ticks: int, fraction: float) -> None:
    price = (ticks + fraction) * ES.tick_size
    assert not ES.on_grid(price)
    with pytest.raises(DomainValueError):
        ES.to_ticks(price)


@given(st.lists(st.integers(min_value=-400, max_value=400), max_size=200), st.integers(min_value=1, max_value=5))
def test_money_from_ticks_adds_up_to_the_cent(moves: list[int], quantity: int) -> None:
    total = sum(ES.ticks_to_cents(m, quantity) for m in moves)
    assert total == ES.ticks_to_cents(sum(moves), quantity) == sum(moves) * 1250 * quantity


# --- market data ---------------------------------------------------------------------


def test_a_valid_bar_is_stamped_in_utc_nanoseconds() -> None:
    b = bar(ts=datetime(2024, 3, 1, 15, 0, tzinfo=CHICAGO), bid_volume=4.0, ask_volume=6.0)
    assert b.ts == T_NS == to_ns(pd.Timestamp(T))
    assert b.has_order_flow
    assert not bar().has_order_flow


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("high", {"high": 3999.0, "low": 4001.0, "open": 4000.0, "close": 4000.0}),
        ("open", {"open": 4002.0}),
        ("close", {"close": 3998.0}),
        ("low", {"low": 3999.3}),
        ("close", {"close": 4000.6}),
        ("open", {"open": 0.0}),
        ("high", {"high": float("nan")}),
        ("volume", {"volume": -1.0}),
        ("bid_volume", {"bid_volume": -1.0}),
        ("ask_volume", {"bid_volume": 6.0, "ask_volume": 6.0}),
        ("trade_count", {"trade_count": -1}),
    ],
)
def test_an_impossible_bar_names_the_field(field: str, changes: dict[str, object]) -> None:
    rejects("Bar", field, lambda: bar(**changes))


@pytest.mark.parametrize(
    "when",
    [NAIVE, pd.Timestamp(NAIVE), "2024-03-01T21:00:00Z", True, 1.7e18],
    ids=["naive datetime", "naive Timestamp", "string", "bool", "float"],
)
def test_a_timestamp_must_be_aware_or_integer_ns(when: object) -> None:
    with pytest.raises(DomainValueError) as caught:
        bar(ts=when)
    assert caught.value.field == "ts"


def test_trades_are_ticks_on_the_grid_with_positive_size() -> None:
    trade = Trade(instrument=NQ, ts=T, price=18000.25, size=2)
    assert Tick is Trade
    assert trade.aggressor is Aggressor.UNKNOWN
    rejects("Trade", "price", lambda: Trade(instrument=NQ, ts=T, price=18000.3, size=2))
    rejects("Trade", "size", lambda: Trade(instrument=NQ, ts=T, price=18000.25, size=0))


def test_quotes_are_never_crossed() -> None:
    quote = Quote(instrument=ES, ts=T, bid=4000.0, ask=4000.25, bid_size=5, ask_size=7)
    assert quote.mid == 4000.125
    Quote(instrument=ES, ts=T, bid=4000.0, ask=4000.0, bid_size=5, ask_size=7)  # locked is possible
    error = rejects("Quote", "bid", lambda: Quote(instrument=ES, ts=T, bid=4000.5, ask=4000.25, bid_size=5, ask_size=7))
    assert "crossed" in error.reason
    rejects("Quote", "ask", lambda: Quote(instrument=ES, ts=T, bid=4000.0, ask=4000.3, bid_size=5, ask_size=7))
    rejects("Quote", "bid_size", lambda: Quote(instrument=ES, ts=T, bid=4000.0, ask=4000.25, bid_size=-1, ask_size=7))


@pytest.mark.parametrize(
    ("field", "changes"),
    [("level", {"level": -1}), ("level", {"level": 1.5}), ("price", {"price": 4000.1}), ("size", {"size": -3})],
)
def test_an_impossible_depth_update_names_the_field(field: str, changes: dict[str, object]) -> None:
    values: dict[str, object] = {
        "instrument": ES,
        "ts": T,
        "side": BookSide.BID,
        "level": 0,
        "action": DepthAction.INSERT,
        "price": 4000.0,
        "size": 12,
    }
    DepthUpdate(**values)  # type: ignore[arg-type]
    rejects("DepthUpdate", field, lambda: DepthUpdate(**(values | changes)))  # type: ignore[arg-type]


def test_a_timer_needs_a_name() -> None:
    assert TimerFired(ts=T, name="session_close").ts == T_NS
    rejects("TimerFired", "name", lambda: TimerFired(ts=T, name=""))


# --- options ------------------------------------------------------------------------


def test_option_quotes_keep_prices_and_greeks() -> None:
    quote = option(iv=0.0, delta=0.5, gamma=0.001)
    assert quote.mid == 10.25
    assert not quote.is_crossed
    assert option(bid=11.0).is_crossed  # kept as given; chain readers judge it
    assert not option(bid=1.0, ask=0.0).is_crossed


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("underlying", {"underlying": ""}),
        ("strike", {"strike": 0.0}),
        ("bid", {"bid": -0.05}),
        ("ask", {"ask": float("nan")}),
        ("last", {"last": -1.0}),
        ("volume", {"volume": -1.0}),
        ("open_interest", {"open_interest": -1.0}),
        ("iv", {"iv": -0.2}),
        ("delta", {"delta": float("nan")}),
        ("gamma", {"gamma": float("inf")}),
    ],
)
def test_an_impossible_option_quote_names_the_field(field: str, changes: dict[str, object]) -> None:
    rejects("OptionQuote", field, lambda: option(**changes))


def test_a_chain_snapshot_holds_one_underlying() -> None:
    late, early = option(expiry=date(2024, 3, 15)), option(expiry=date(2024, 3, 8), right=OptionRight.PUT)
    chain = OptionsChainSnapshot(underlying="SPX", ts=T, spot=5010.0, quotes=[late, early, late])
    assert chain.quotes == (late, early, late)
    assert chain.expiries == (date(2024, 3, 8), date(2024, 3, 15))
    error = rejects(
        "OptionsChainSnapshot",
        "quotes[1].underlying",
        lambda: OptionsChainSnapshot(underlying="SPX", ts=T, spot=5010.0, quotes=[late, option(underlying="NDX")]),
    )
    assert "SPX" in error.reason
    rejects("OptionsChainSnapshot", "spot", lambda: OptionsChainSnapshot(underlying="SPX", ts=T, spot=0, quotes=[]))


# --- orders ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "valid",
    [
        {"order_type": OrderType.MARKET},
        {"order_type": OrderType.LIMIT, "limit_price": 3999.75},
        {"order_type": OrderType.STOP, "stop_price": 4010.0},
        {"order_type": OrderType.STOP_LIMIT, "stop_price": 4010.0, "limit_price": 4010.5},
    ],
    ids=lambda v: v["order_type"].value,
)
@pytest.mark.parametrize("tif", list(TimeInForce))
def test_every_order_type_is_accepted_with_its_prices(valid: dict[str, object], tif: TimeInForce) -> None:
    made = intent(time_in_force=tif, **valid)
    assert made.order_type is valid["order_type"]
    assert made.time_in_force is tif


def test_time_in_force_defaults_to_the_day() -> None:
    assert intent().time_in_force is TimeInForce.DAY
    assert {t.value for t in TimeInForce} == {"day", "gtc", "ioc", "fok"}


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("quantity", {"quantity": 0}),
        ("quantity", {"quantity": True}),
        ("quantity", {"quantity": 1.5}),
        ("limit_price", {"order_type": OrderType.MARKET, "limit_price": 4000.0}),
        ("stop_price", {"order_type": OrderType.MARKET, "stop_price": 4000.0}),
        ("limit_price", {"order_type": OrderType.LIMIT}),
        ("limit_price", {"order_type": OrderType.LIMIT, "limit_price": 4000.1}),
        ("stop_price", {"order_type": OrderType.LIMIT, "limit_price": 4000.0, "stop_price": 3990.0}),
        ("stop_price", {"order_type": OrderType.STOP}),
        ("stop_price", {"order_type": OrderType.STOP, "stop_price": 4010.3}),
        ("limit_price", {"order_type": OrderType.STOP, "stop_price": 4010.0, "limit_price": 4010.0}),
        ("limit_price", {"order_type": OrderType.STOP_LIMIT, "stop_price": 4010.0}),
        ("stop_price", {"order_type": OrderType.STOP_LIMIT, "limit_price": 4010.0}),
    ],
)
def test_an_intent_without_its_prices_names_the_field(field: str, changes: dict[str, object]) -> None:
    rejects("OrderIntent", field, lambda: intent(**changes))


def test_a_bracket_needs_at_least_one_leg() -> None:
    assert Bracket(stop_loss=3990.0).take_profit is None
    rejects("Bracket", "stop_loss", lambda: Bracket())


@pytest.mark.parametrize(
    ("side", "stop", "target"),
    [(OrderSide.BUY, 3990.0, 4020.0), (OrderSide.SELL, 4010.0, 3980.0), (OrderSide.BUY, 3990.0, None)],
)
def test_a_bracket_on_the_right_sides_is_accepted(side: OrderSide, stop: float, target: float | None) -> None:
    made = intent(side=side, order_type=OrderType.LIMIT, limit_price=4000.0, bracket=Bracket(stop, target))
    assert made.bracket == Bracket(stop, target)


@pytest.mark.parametrize(
    ("field", "side", "entry", "stop", "target"),
    [
        ("bracket.stop_loss", OrderSide.BUY, 4000.0, 4001.0, None),  # a long's stop above entry
        ("bracket.stop_loss", OrderSide.BUY, 4000.0, 4000.0, None),  # ... or at it
        ("bracket.take_profit", OrderSide.BUY, 4000.0, None, 3999.0),
        ("bracket.stop_loss", OrderSide.SELL, 4000.0, 3999.0, None),  # a short's stop below entry
        ("bracket.take_profit", OrderSide.SELL, 4000.0, None, 4001.0),
        ("bracket.take_profit", OrderSide.BUY, None, 4010.0, 4000.0),  # market: target not beyond stop
        ("bracket.stop_loss", OrderSide.BUY, 4000.0, 3990.1, None),  # off the grid
        ("bracket.take_profit", OrderSide.SELL, None, 4010.0, 3980.3),
    ],
)
def test_a_bracket_on_the_wrong_side_names_its_leg(
    field: str, side: OrderSide, entry: float | None, stop: float | None, target: float | None
) -> None:
    priced = {"order_type": OrderType.LIMIT, "limit_price": entry} if entry is not None else {}
    rejects("OrderIntent", field, lambda: intent(side=side, bracket=Bracket(stop, target), **priced))


def test_a_stop_entry_judges_its_bracket_from_the_stop_price() -> None:
    intent(order_type=OrderType.STOP, stop_price=4010.0, bracket=Bracket(4005.0, 4020.0))
    rejects(
        "OrderIntent",
        "bracket.stop_loss",
        lambda: intent(order_type=OrderType.STOP, stop_price=4010.0, bracket=Bracket(4012.0, 4020.0)),
    )


def test_order_sides_know_their_sign() -> None:
    assert (OrderSide.BUY.sign, OrderSide.SELL.sign) == (1, -1)
    assert OrderSide.BUY.opposite is OrderSide.SELL and OrderSide.SELL.opposite is OrderSide.BUY


def test_an_order_never_fills_more_than_asked() -> None:
    order = Order(order_id="A1", intent=intent(quantity=3), status=OrderStatus.PARTIALLY_FILLED, filled_quantity=1)
    assert order.remaining == 2
    assert not order.status.is_terminal
    assert {s for s in OrderStatus if s.is_terminal} == {
        OrderStatus.FILLED,
        OrderStatus.CANCELLED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
    }
    rejects("Order", "filled_quantity", lambda: attrs.evolve(order, filled_quantity=4))
    rejects("Order", "filled_quantity", lambda: attrs.evolve(order, filled_quantity=-1))


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("price", {"price": 4000.3}),
        ("quantity", {"quantity": 0}),
        ("commission_cents", {"commission_cents": -225}),
    ],
)
def test_an_impossible_fill_names_the_field(field: str, changes: dict[str, object]) -> None:
    assert fill().ts == T_NS
    rejects("Fill", field, lambda: fill(**changes))


def test_an_open_position_has_an_entry_price() -> None:
    assert Position(instrument=ES).is_flat
    assert not Position(instrument=ES, quantity=-2, average_price=4000.25).is_flat
    rejects("Position", "average_price", lambda: Position(instrument=ES, quantity=1))


def test_an_account_snapshot_is_in_cents() -> None:
    snapshot = AccountSnapshot(ts=T, cash_cents=10_000_000, equity_cents=10_012_500, unrealized_pnl_cents=12_500)
    assert snapshot.equity_cents - snapshot.cash_cents == snapshot.unrealized_pnl_cents


# --- signals and risk -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("source", {"source": ""}),
        ("strength", {"strength": 1.5}),
        ("strength", {"strength": float("nan")}),
        ("confluence", {"confluence": -0.1}),
        ("grade", {"direction": Direction.FLAT, "grade": SignalGrade.BUY}),
        ("grade", {"direction": Direction.FLAT, "grade": SignalGrade.STRONG_BUY}),
    ],
)
def test_an_impossible_signal_names_the_field(field: str, changes: dict[str, object]) -> None:
    values: dict[str, object] = {"ts": T, "source": "sma_cross", "direction": Direction.LONG}
    rejects("Signal", field, lambda: Signal(**(values | changes)))  # type: ignore[arg-type]


def test_a_neutralised_signal_keeps_its_evidence() -> None:
    signal = Signal(ts=T, source="confluence", direction=Direction.LONG, confluence=0.8, components={"vwap": 0.2})
    vetoed = signal.neutralised("ML confidence 0.5 below 0.65")
    assert (vetoed.direction, vetoed.grade, vetoed.reason) == (
        Direction.FLAT,
        SignalGrade.NEUTRAL,
        "ML confidence 0.5 below 0.65",
    )
    assert vetoed.components == {"vwap": 0.2} and vetoed.confluence == 0.8
    with pytest.raises(TypeError):
        signal.components["vwap"] = 1.0  # type: ignore[index]


def test_risk_decisions_say_why_and_how_many() -> None:
    assert RiskDecision.allow("cap", 2).quantity == 2
    assert RiskDecision.resize("cap", 1, "capped").verdict is RiskVerdict.RESIZE
    assert RiskDecision.reject("daily_loss", "limit hit").quantity == 0
    rejects("RiskDecision", "quantity", lambda: RiskDecision("cap", RiskVerdict.REJECT, 1, "no"))
    rejects("RiskDecision", "quantity", lambda: RiskDecision.allow("cap", 0))
    rejects("RiskDecision", "quantity", lambda: RiskDecision("cap", RiskVerdict.ALLOW, -1))
    rejects("RiskDecision", "reason", lambda: RiskDecision.resize("cap", 1, ""))
    rejects("RiskDecision", "reason", lambda: RiskDecision("cap", RiskVerdict.REJECT, 0))
    rejects("RiskDecision", "policy", lambda: RiskDecision.allow(" ", 1))


# --- events, commands, journal ----------------------------------------------------------

ORDER = Order(order_id="A1", intent=intent(), status=OrderStatus.WORKING)
SIGNAL = Signal(ts=T, source="sma_cross", direction=Direction.LONG)
EVENTS: dict[str, Callable[[object], object]] = {
    "OrderUpdated": lambda ts: OrderUpdated(ts=ts, order=ORDER, previous_status=OrderStatus.PENDING),
    "FillReceived": lambda ts: FillReceived(ts=ts, fill=fill()),
    "PositionChanged": lambda ts: PositionChanged(ts=ts, position=Position(ES, 1, 4000.25)),
    "SignalGenerated": lambda ts: SignalGenerated(ts=ts, signal=SIGNAL),
    "RiskChecked": lambda ts: RiskChecked(ts=ts, intent=intent(), decisions=[RiskDecision.allow("cap", 1)]),
    "ConnectionChanged": lambda ts: ConnectionChanged(ts=ts, source="ib", state=ConnectionState.LOST),
    "CatastropheTriggered": lambda ts: CatastropheTriggered(ts=ts, trigger="daily_loss"),
}


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_events_are_stamped_in_utc_ns_and_refuse_naive_times(name: str) -> None:
    event = EVENTS[name](datetime(2024, 3, 1, 15, 0, tzinfo=CHICAGO))
    assert type(event).__name__ == name
    assert event.ts == T_NS  # type: ignore[attr-defined]
    with pytest.raises(DomainValueError) as caught:
        EVENTS[name](NAIVE)
    assert caught.value.field == "ts"


def test_risk_checked_keeps_decisions_in_policy_order() -> None:
    decisions = [RiskDecision.allow("a", 2), RiskDecision.resize("b", 1, "cap")]
    checked = RiskChecked(ts=T, intent=intent(quantity=2), decisions=decisions)
    assert checked.decisions == tuple(decisions)


def test_commands_refuse_empty_or_pointless_requests() -> None:
    assert SubmitOrder(intent()).intent.quantity == 1
    assert ModifyOrder("A1", limit_price=4000.0).quantity is None
    rejects("CancelOrder", "order_id", lambda: CancelOrder(""))
    error = rejects("ModifyOrder", "quantity", lambda: ModifyOrder("A1"))
    assert "at least one" in error.reason
    rejects("ModifyOrder", "quantity", lambda: ModifyOrder("A1", quantity=0))
    rejects("ModifyOrder", "order_id", lambda: ModifyOrder(" ", quantity=2))
    rejects("FlattenPosition", "reason", lambda: FlattenPosition(ES, ""))
    rejects("RaiseAlert", "message", lambda: RaiseAlert(AlertLevel.WARNING, ""))


def test_journal_entries_are_immutable_records() -> None:
    entry = JournalEntry(ts=T, kind="fill", payload={"price": 4000.25})
    with pytest.raises(TypeError):
        entry.payload["price"] = 1.0  # type: ignore[index]
    rejects("JournalEntry", "kind", lambda: JournalEntry(ts=T, kind=""))
    rejects("Notification", "title", lambda: Notification(ts=T, level=AlertLevel.INFO, title=""))


# --- bar series ---------------------------------------------------------------------


def test_a_series_gives_back_the_bars_it_holds() -> None:
    s = series(bid_volume=[4.0, np.nan, 10.0, 20.0], ask_volume=[6.0, np.nan, 20.0, 20.0])
    assert len(s) == 4 and s.has_order_flow
    bars = list(s)
    assert bars[0] == Bar(ES, T_NS, 4000.0, 4001.0, 3999.0, 4000.5, 10.0, bid_volume=4.0, ask_volume=6.0)
    assert bars[1].bid_volume is None and not bars[1].has_order_flow
    window = s.between(T_NS + 60_000_000_000, T_NS + 120_000_000_000)  # bounds inclusive
    assert list(window.close) == [4001.0, 4001.5]
    assert len(s.between(end_ns=T_NS - 1)) == 0
    assert list(s.slice(2, 4).ts) == list(s.ts[2:])


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("close", {"close": [4000.5, 4001.0, 4001.5]}),  # one row short
        ("open[0]", {"open": [np.nan, 4000.5, 4001.0, 4001.5]}),
        ("ts[2]", {"ts": [T_NS, T_NS + 1, T_NS + 1, T_NS + 2]}),
        ("high[1]", {"high": [4001.0, 3999.0, 4002.0, 4002.5]}),
        ("close[3]", {"close": [4000.5, 4001.0, 4001.5, 4002.1]}),
        ("volume[2]", {"volume": [10.0, 20.0, -30.0, 40.0]}),
        ("bid_volume[1]", {"bid_volume": [1.0, -1.0, 1.0, 1.0], "ask_volume": [1.0, 1.0, 1.0, 1.0]}),
    ],
)
def test_a_bad_row_in_a_series_is_named_by_index(field: str, changes: dict[str, object]) -> None:
    error = rejects("BarSeries", field, lambda: series(**changes))
    if "[" in field:
        assert "ts=" in error.reason


# --- time -------------------------------------------------------------------------------


def test_the_manual_clock_never_goes_back() -> None:
    clock = ManualClock(start_ns=T_NS)
    clock.advance_to(T_NS + 1)
    assert clock.now_ns() == T_NS + 1
    rejects("ManualClock", "now_ns", lambda: clock.advance_to(T_NS))


def test_cme_trading_days_roll_at_five_pm_chicago() -> None:
    before = to_ns(datetime(2024, 3, 1, 16, 59, tzinfo=CHICAGO))
    after = to_ns(datetime(2024, 3, 1, 17, 0, tzinfo=CHICAGO))
    assert cme_trading_day(before) == date(2024, 3, 1)
    assert cme_trading_day(after) == date(2024, 3, 2)
    assert ns_to_datetime(after + 999) == datetime(2024, 3, 1, 23, 0, tzinfo=UTC)
    assert ns_to_datetime(T_NS) - T == timedelta(0)


# --- every value object is frozen and slotted ---------------------------------------------

FOUNDATION_MODULES = (
    "mia_core.instruments",
    "mia_core.market",
    "mia_core.options",
    "mia_core.orders",
    "mia_core.signals",
    "mia_core.events",
    "mia_core.commands",
    "mia_core.journal",
    "mia_core.series",
)
SAMPLES: dict[type, Callable[[], object]] = {
    Instrument: lambda: ES,
    Bar: bar,
    Trade: lambda: Trade(instrument=ES, ts=T, price=4000.0, size=1),
    Quote: lambda: Quote(instrument=ES, ts=T, bid=4000.0, ask=4000.25, bid_size=1, ask_size=1),
    DepthUpdate: lambda: DepthUpdate(ES, T, BookSide.ASK, 1, DepthAction.UPDATE, 4000.25, 3),
    TimerFired: lambda: TimerFired(ts=T, name="close"),
    OptionQuote: option,
    OptionsChainSnapshot: lambda: OptionsChainSnapshot(underlying="SPX", ts=T, spot=5000.0, quotes=[option()]),
    Bracket: lambda: Bracket(stop_loss=3990.0),
    OrderIntent: intent,
    Order: lambda: ORDER,
    Fill: fill,
    Position: lambda: Position(instrument=ES),
    AccountSnapshot: lambda: AccountSnapshot(ts=T, cash_cents=1, equity_cents=1),
    Signal: lambda: SIGNAL,
    RiskDecision: lambda: RiskDecision.allow("cap", 1),
    SubmitOrder: lambda: SubmitOrder(intent()),
    CancelOrder: lambda: CancelOrder("A1"),
    ModifyOrder: lambda: ModifyOrder("A1", quantity=2),
    FlattenPosition: lambda: FlattenPosition(ES, "end of day"),
    RaiseAlert: lambda: RaiseAlert(AlertLevel.INFO, "hello"),
    JournalEntry: lambda: JournalEntry(ts=T, kind="note"),
    type(record_one(T, "fill", "event", 1)): lambda: record_one(T, "fill", "event", 1),  # the compact form
    Notification: lambda: Notification(ts=T, level=AlertLevel.INFO, title="hello"),
    BarSeries: series,
    **{type(factory(T)): (lambda f=factory: f(T)) for factory in EVENTS.values()},  # type: ignore[misc]
}


def test_every_foundation_value_object_has_a_sample() -> None:
    defined = {
        obj
        for module in map(importlib.import_module, FOUNDATION_MODULES)
        for obj in vars(module).values()
        if inspect.isclass(obj) and attrs.has(obj) and obj.__module__ == module.__name__
    }
    assert defined - set(SAMPLES) == set()


@pytest.mark.parametrize("cls", list(SAMPLES), ids=lambda c: c.__name__)
def test_value_objects_are_frozen_and_slotted(cls: type) -> None:
    obj = SAMPLES[cls]()
    assert type(obj) is cls
    first = attrs.fields(cls)[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(obj, first, getattr(obj, first))
    assert "__slots__" in cls.__dict__
    assert not hasattr(obj, "__dict__")


def test_domain_errors_are_value_errors_mia_can_catch() -> None:
    error = rejects("Bar", "volume", lambda: bar(volume=-1.0))
    assert isinstance(error, ValueError) and isinstance(error, MiaError)
    assert error.value == -1.0
