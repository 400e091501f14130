"""The Broker port: orders out, order events and account state in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from mia_core.events import BrokerEvent
from mia_core.journal import JournalEntry
from mia_core.orders import AccountSnapshot, Order, OrderIntent, Position
from mia_core.reconcile.state import BrokerState


@runtime_checkable
class Broker(Protocol):
    """Where orders go: the simulated exchange, Interactive Brokers, Sierra Chart DTC.

    Every order state change and fill is delivered to subscribed handlers as a
    domain event (:class:`~mia_core.events.OrderUpdated`,
    :class:`~mia_core.events.FillReceived`, :class:`~mia_core.events.PositionChanged`,
    :class:`~mia_core.events.ConnectionChanged`), in the order the broker reports
    them. Methods never block on the network for longer than it takes to hand the
    request over; results arrive as events.
    """

    name: str

    async def connect(self) -> None:
        """Open the connection and reconcile open orders and positions.

        Called once by the live shell before the session starts. Raises a
        :class:`~mia_core.errors.MiaError` subclass with what to do when the broker
        cannot be reached. The simulated exchange returns at once.
        """
        ...

    async def disconnect(self) -> None:
        """Close the connection; working orders stay at the broker. Idempotent."""
        ...

    def subscribe(self, handler: Callable[[BrokerEvent], None]) -> None:
        """Register ``handler`` to receive every broker event from now on.

        Handlers are called in registration order, on the thread or event loop that
        drives the broker; they must not raise.
        """
        ...

    def submit(self, intent: OrderIntent) -> Order:
        """Send ``intent`` (with its bracket children) and return the order as accepted locally.

        The returned order has a broker-unique ``order_id`` and status PENDING; later
        states arrive as events. ``intent.client_ref`` is an idempotency key: a
        second submit with a ref the broker already holds returns the existing order
        instead of sending again. A locally invalid request returns a REJECTED order
        with ``reject_reason`` (it does not raise).
        """
        ...

    def cancel(self, order_id: str) -> None:
        """Ask to cancel a working order; the outcome arrives as an OrderUpdated event.

        Cancelling an unknown or already finished order emits a rejection event
        with the reason; it does not raise.
        """
        ...

    def modify(
        self,
        order_id: str,
        *,
        quantity: int | None = None,
        limit_price: float | None = None,
        stop_price: float | None = None,
    ) -> None:
        """Change a working order's size or prices; ``None`` keeps a field as it is.

        The outcome arrives as an OrderUpdated event; invalid changes (off-grid,
        below the filled size) are rejected with a reason.
        """
        ...

    def open_orders(self) -> list[Order]:
        """Orders not yet in a terminal state, as the broker last reported them."""
        ...

    def positions(self) -> list[Position]:
        """Net positions per instrument, flat ones omitted."""
        ...

    def account(self) -> AccountSnapshot:
        """Cash, equity and P&L in cents as the broker last reported them."""
        ...


@runtime_checkable
class ReconcilingBroker(Protocol):
    """A broker that can report the account as it stands, for reconciliation (Interactive Brokers).

    Paper and live shells call :meth:`broker_state` after every connect and reconnect
    and periodically, and compare it with the engine's books
    (:func:`mia_core.reconcile.compare.reconcile`); before connecting they hand it the
    session's journal (:meth:`recall`). A broker without these methods is reconciled
    from :meth:`Broker.positions` and :meth:`Broker.open_orders` alone.
    """

    def recall(self, entries: Iterable[JournalEntry]) -> None:
        """Take the session's journal before connecting: fills it holds are never booked again.

        Called by the live shell with every entry of the session's journal (any
        backend) before :meth:`Broker.connect`; executions the broker reports again
        after a restart are matched against these fills.
        """
        ...

    def broker_state(self) -> BrokerState:
        """The account for the traded instrument now, as the broker last reported it.

        ``position`` is the net signed position the broker reports (``None`` when it has
        reported no positions yet: never guess flat); ``open_orders`` the ids of this
        session's orders still working there (orders of other clients or sessions on the
        account are left out, recognised by their order reference); ``executed`` the
        contracts executed per order id of this session's orders among the executions
        the broker lists; ``in_flight`` executions seen but not yet delivered as fills;
        ``net_liquidation_cents`` the account's net liquidation value when reported.
        Must not block on the network: it answers from what the broker last reported.
        """
        ...


@runtime_checkable
class MarketDrivenBroker(Protocol):
    """A broker that fills against market data it is given (the simulated exchange).

    Live shells hand it every market event before the engine sees it, so paper
    sessions fill exactly as backtests do.
    """

    def on_market(self, event: object) -> None:
        """Advance the fill model with one market event (a Bar or a Trade); emit resulting events."""
        ...
