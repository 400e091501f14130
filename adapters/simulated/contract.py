"""A reusable Broker contract suite: subclass BrokerContract in pytest, or call run_broker_contract."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol

from adapters.simulated.driver import SimulatedBrokerDriver
from mia_core.events import BrokerEvent, FillReceived, OrderUpdated
from mia_core.exchange import STOP_LOSS, TAKE_PROFIT
from mia_core.instruments import Instrument
from mia_core.orders import AccountSnapshot, Bracket, Fill, Order, OrderIntent, OrderSide, OrderStatus, OrderType
from ports.broker import Broker


class BrokerDriver(Protocol):
    """What the contract needs to run a broker: the broker, its market, and a way to move the market.

    A driver for a real adapter feeds its loopback gateway; :class:`SimulatedBrokerDriver`
    is the one for :class:`InMemoryBroker`.
    """

    @property
    def broker(self) -> Broker:
        """The broker under test, fresh (no orders, flat) and connected."""
        ...

    @property
    def instrument(self) -> Instrument:
        """The instrument the broker trades."""
        ...

    @property
    def reference_price(self) -> float:
        """A price on the grid where the market starts; the contract stays within 20 ticks of it."""
        ...

    def trade_at(self, price: float) -> None:
        """Make the market trade at ``price`` with ample volume, later than every request so far.

        Must return only after the broker has reported every resulting event.
        """
        ...

    def settle(self) -> None:
        """Return once the events caused by requests made so far have been delivered."""
        ...


class EventRecorder:
    """A handler that keeps every event it receives."""

    def __init__(self) -> None:
        self.events: list[BrokerEvent] = []

    def __call__(self, event: BrokerEvent) -> None:
        """Record ``event``."""
        self.events.append(event)

    def updates(self, order_id: str) -> list[Order]:
        """Every reported state of ``order_id``, oldest first."""
        return [e.order for e in self.events if isinstance(e, OrderUpdated) and e.order.order_id == order_id]

    def fills(self, order_id: str | None = None) -> list[Fill]:
        """Every fill (of ``order_id`` if given)."""
        fills = [e.fill for e in self.events if isinstance(e, FillReceived)]
        return [f for f in fills if order_id is None or f.order_id == order_id]


class BrokerContract:
    """Behaviour every Broker must show. Subclass it as ``TestXxx`` and give a ``driver`` fixture.

    Example::

        class TestMyBroker(BrokerContract):
            @pytest.fixture
            def driver(self):
                return MyLoopbackDriver()
    """

    @staticmethod
    def _start(driver: BrokerDriver) -> tuple[Broker, EventRecorder, float, float]:
        recorder = EventRecorder()
        driver.broker.subscribe(recorder)
        driver.trade_at(driver.reference_price)
        return driver.broker, recorder, driver.reference_price, driver.instrument.tick_size

    @staticmethod
    def _intent(driver: BrokerDriver, side: OrderSide, **kwargs: Any) -> OrderIntent:
        return OrderIntent(driver.instrument, side, **kwargs)

    @classmethod
    def _limit(cls, driver: BrokerDriver, side: OrderSide, price: float, **kwargs: Any) -> OrderIntent:
        return cls._intent(driver, side, quantity=1, order_type=OrderType.LIMIT, limit_price=price, **kwargs)

    def test_satisfies_the_port(self, driver: BrokerDriver) -> None:
        """The object satisfies the Broker protocol and has a name."""
        assert isinstance(driver.broker, Broker)
        assert isinstance(driver.broker.name, str) and driver.broker.name

    def test_connect_and_disconnect_are_idempotent(self, driver: BrokerDriver) -> None:
        """connect/disconnect can be repeated in any order."""
        async def cycle() -> None:
            await driver.broker.connect()
            await driver.broker.disconnect()
            await driver.broker.disconnect()
            await driver.broker.connect()

        asyncio.run(cycle())

    def test_submit_returns_a_pending_order_then_reports_it_working(self, driver: BrokerDriver) -> None:
        """submit returns a PENDING order with a unique id; WORKING follows as an event."""
        broker, recorder, price, tick = self._start(driver)
        intent = self._limit(driver, OrderSide.BUY, price - 8 * tick)
        first, second = broker.submit(intent), broker.submit(intent)
        assert first.status is OrderStatus.PENDING and first.intent == intent
        assert first.order_id and first.order_id != second.order_id
        driver.settle()
        assert any(o.status is OrderStatus.WORKING for o in recorder.updates(first.order_id))
        assert {first.order_id, second.order_id} <= {o.order_id for o in broker.open_orders()}

    def test_client_ref_makes_submit_idempotent(self, driver: BrokerDriver) -> None:
        """A repeated client_ref returns the same order and sends nothing new."""
        broker, _, price, tick = self._start(driver)
        intent = self._limit(driver, OrderSide.BUY, price - 8 * tick, client_ref="r1")
        first, again = broker.submit(intent), broker.submit(intent)
        driver.settle()
        assert again.order_id == first.order_id
        assert [o.order_id for o in broker.open_orders()].count(first.order_id) == 1

    def test_market_orders_fill_and_move_the_position(self, driver: BrokerDriver) -> None:
        """Market orders fill on the grid and move the net position; flat positions are omitted."""
        broker, recorder, price, _ = self._start(driver)
        buy = broker.submit(self._intent(driver, OrderSide.BUY, quantity=2))
        driver.trade_at(price)
        (fill,) = recorder.fills(buy.order_id)
        assert fill.quantity == 2 and fill.side is OrderSide.BUY
        driver.instrument.to_ticks(fill.price)
        assert recorder.updates(buy.order_id)[-1].status is OrderStatus.FILLED
        assert buy.order_id not in {o.order_id for o in broker.open_orders()}
        (position,) = broker.positions()
        assert position.quantity == 2
        broker.submit(self._intent(driver, OrderSide.SELL, quantity=2))
        driver.trade_at(price)
        assert broker.positions() == []

    def test_limit_order_waits_for_its_price(self, driver: BrokerDriver) -> None:
        """A limit order fills only when the market reaches it, at its price or better."""
        broker, recorder, price, tick = self._start(driver)
        limit = price - 4 * tick
        order = broker.submit(self._limit(driver, OrderSide.BUY, limit))
        driver.trade_at(price)
        assert recorder.fills(order.order_id) == []
        driver.trade_at(limit)
        (fill,) = recorder.fills(order.order_id)
        assert fill.price <= limit

    def test_cancel_ends_a_working_order(self, driver: BrokerDriver) -> None:
        """A cancelled order is reported CANCELLED and never fills."""
        broker, recorder, price, tick = self._start(driver)
        intent = self._limit(driver, OrderSide.SELL, price + 8 * tick)
        order = broker.submit(intent)
        driver.settle()
        broker.cancel(order.order_id)
        driver.settle()
        assert recorder.updates(order.order_id)[-1].status is OrderStatus.CANCELLED
        assert order.order_id not in {o.order_id for o in broker.open_orders()}
        driver.trade_at(price + 8 * tick)
        assert recorder.fills(order.order_id) == []

    def test_cancel_of_an_unknown_order_is_refused_without_raising(self, driver: BrokerDriver) -> None:
        """Cancelling an unknown id reports a refusal with a reason."""
        broker, recorder, _, _ = self._start(driver)
        broker.cancel("no-such-order")
        driver.settle()
        (update,) = recorder.updates("no-such-order")
        assert update.reject_reason

    def test_cancel_of_a_filled_order_is_refused(self, driver: BrokerDriver) -> None:
        """Cancelling a filled order is refused and changes nothing."""
        broker, recorder, price, _ = self._start(driver)
        order = broker.submit(self._intent(driver, OrderSide.BUY, quantity=1))
        driver.trade_at(price)
        broker.cancel(order.order_id)
        driver.settle()
        last = recorder.updates(order.order_id)[-1]
        assert last.reject_reason and last.status in (OrderStatus.FILLED, OrderStatus.REJECTED)
        assert broker.positions()[0].quantity == 1

    def test_modify_moves_a_limit_price(self, driver: BrokerDriver) -> None:
        """modify changes a working limit price, and the new price trades."""
        broker, recorder, price, tick = self._start(driver)
        intent = self._limit(driver, OrderSide.BUY, price - 8 * tick)
        order = broker.submit(intent)
        broker.modify(order.order_id, limit_price=price - 2 * tick)
        driver.settle()
        assert recorder.updates(order.order_id)[-1].intent.limit_price == price - 2 * tick
        driver.trade_at(price - 2 * tick)
        assert [f.quantity for f in recorder.fills(order.order_id)] == [1]

    def test_modify_to_an_off_grid_price_is_refused(self, driver: BrokerDriver) -> None:
        """An off-grid price is refused with a reason; the order keeps its price."""
        broker, recorder, price, tick = self._start(driver)
        intent = self._limit(driver, OrderSide.BUY, price - 8 * tick)
        order = broker.submit(intent)
        broker.modify(order.order_id, limit_price=price - 2.5 * tick)
        driver.settle()
        assert recorder.updates(order.order_id)[-1].reject_reason
        (still,) = [o for o in broker.open_orders() if o.order_id == order.order_id]
        assert still.intent.limit_price == price - 8 * tick

    def test_bracket_children_protect_the_fill_and_cancel_each_other(self, driver: BrokerDriver) -> None:
        """Bracket children carry parent_id and reasons; one exit cancels the other."""
        broker, recorder, price, tick = self._start(driver)
        bracket = Bracket(stop_loss=price - 8 * tick, take_profit=price + 8 * tick)
        entry = broker.submit(self._intent(driver, OrderSide.BUY, quantity=1, bracket=bracket))
        driver.trade_at(price)
        children = {o.intent.reason: o for o in broker.open_orders() if o.parent_id == entry.order_id}
        assert set(children) == {STOP_LOSS, TAKE_PROFIT}
        assert all(o.intent.side is OrderSide.SELL for o in children.values())
        driver.trade_at(price + 8 * tick)
        assert [f.quantity for f in recorder.fills(children[TAKE_PROFIT].order_id)] == [1]
        assert recorder.updates(children[STOP_LOSS].order_id)[-1].status is OrderStatus.CANCELLED
        assert broker.positions() == [] and broker.open_orders() == []

    def test_account_equity_is_cash_plus_open_profit(self, driver: BrokerDriver) -> None:
        """Equity is cash plus the open position marked at the last price."""
        broker, recorder, price, tick = self._start(driver)
        order = broker.submit(self._intent(driver, OrderSide.BUY, quantity=1))
        driver.trade_at(price)
        driver.trade_at(price + 4 * tick)
        account = broker.account()
        assert isinstance(account, AccountSnapshot)
        assert account.equity_cents == account.cash_cents + account.unrealized_pnl_cents
        (fill,) = recorder.fills(order.order_id)
        mark_ticks = driver.instrument.to_ticks(price + 4 * tick) - driver.instrument.to_ticks(fill.price)
        assert account.unrealized_pnl_cents == driver.instrument.ticks_to_cents(mark_ticks)

    def test_handlers_receive_every_event_in_registration_order(self, driver: BrokerDriver) -> None:
        """Every handler sees every event, in registration order."""
        seen: list[tuple[str, BrokerEvent]] = []
        driver.broker.subscribe(lambda event: seen.append(("a", event)))
        driver.broker.subscribe(lambda event: seen.append(("b", event)))
        driver.trade_at(driver.reference_price)
        driver.broker.submit(self._intent(driver, OrderSide.BUY, quantity=1))
        driver.trade_at(driver.reference_price)
        assert seen and [name for name, _ in seen] == ["a", "b"] * (len(seen) // 2)
        assert all(seen[i][1] is seen[i + 1][1] for i in range(0, len(seen), 2))


__all__ = [
    "BrokerContract",
    "BrokerDriver",
    "EventRecorder",
    "SimulatedBrokerDriver",
    "contract_checks",
    "run_broker_contract",
]


def contract_checks() -> list[str]:
    """Names of the contract's checks, in definition order."""
    return [name for name in vars(BrokerContract) if name.startswith("test_")]


def run_broker_contract(make_driver: Callable[[], BrokerDriver]) -> None:
    """Run every check against a fresh driver each; the first failure raises AssertionError naming it."""
    suite = BrokerContract()
    for name in contract_checks():
        try:
            getattr(suite, name)(make_driver())
        except Exception as exc:
            raise AssertionError(f"broker contract {name} failed: {type(exc).__name__}: {exc}") from exc
