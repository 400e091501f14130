"""InMemoryBroker: the Broker port over the simulated exchange, for backtests, paper sessions and tests."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from mia_core.events import BrokerEvent
from mia_core.exchange import ExchangeConfig, ExchangeEvent, SimulatedExchange
from mia_core.instruments import Instrument
from mia_core.market import Bar, Trade
from mia_core.orders import AccountSnapshot, Order, OrderIntent, Position
from ports.clock import Clock


class InMemoryBroker:
    """A Broker whose venue is a :class:`~mia_core.exchange.SimulatedExchange` in this process.

    Requests are stamped with ``clock.now_ns()`` (without a clock, with the time of the
    last market event seen). Market data goes in through :meth:`on_market`, which
    advances the fill model and delivers the resulting events before it returns.

    Like a real broker, results of ``submit``/``cancel``/``modify`` are reported after
    the call returns: their events are queued and delivered by the next :meth:`flush`
    or :meth:`on_market` call. The exchange's state (``open_orders``, ``positions``,
    ``account``) is up to date at once. Delivery is never re-entrant: a handler that
    calls the broker has its events delivered after the current event's handlers.
    """

    def __init__(
        self,
        instrument: Instrument,
        config: ExchangeConfig | None = None,
        clock: Clock | None = None,
        *,
        name: str = "simulated",
        id_prefix: str = "SIM",
    ) -> None:
        self.name = name
        self.instrument = instrument
        self.config = config if config is not None else ExchangeConfig()
        self.exchange = SimulatedExchange(instrument, self.config, id_prefix)
        self._clock = clock
        self._handlers: list[Callable[[BrokerEvent], None]] = []
        self._outbox: deque[ExchangeEvent] = deque()
        self._dispatching = False
        self._connected = False
        self._last_ts = 0
        self._last_price: float | None = None

    @property
    def connected(self) -> bool:
        """True between :meth:`connect` and :meth:`disconnect`."""
        return self._connected

    async def connect(self) -> None:
        """Nothing to reach: marks the broker connected."""
        self._connected = True

    async def disconnect(self) -> None:
        """Marks the broker disconnected; working orders stay at the simulated exchange. Idempotent."""
        self._connected = False

    def subscribe(self, handler: Callable[[BrokerEvent], None]) -> None:
        """Deliver every later broker event to ``handler`` (handlers run in registration order)."""
        self._handlers.append(handler)

    def submit(self, intent: OrderIntent) -> Order:
        """Send ``intent`` to the exchange; returns the PENDING order (or REJECTED with a reason)."""
        order, events = self.exchange.submit(intent, self._now())
        self._outbox.extend(events)
        return order

    def cancel(self, order_id: str) -> None:
        """Ask the exchange to cancel ``order_id``; the outcome is reported as an event."""
        self._outbox.extend(self.exchange.cancel(order_id, self._now()))

    def modify(
        self,
        order_id: str,
        *,
        quantity: int | None = None,
        limit_price: float | None = None,
        stop_price: float | None = None,
    ) -> None:
        """Ask the exchange to change a live order; the outcome is reported as an event."""
        events = self.exchange.modify(
            order_id, self._now(), quantity=quantity, limit_price=limit_price, stop_price=stop_price
        )
        self._outbox.extend(events)

    def on_market(self, event: object) -> None:
        """Advance the fill model by a Bar or Trade (other events only flush) and deliver all events."""
        if isinstance(event, Bar):
            self._last_ts, self._last_price = event.ts, event.close
            events = self.exchange.on_bar(event)
        elif isinstance(event, Trade):
            self._last_ts, self._last_price = event.ts, event.price
            events = self.exchange.on_trade(event)
        else:
            events = []
        if events:
            self._outbox.extend(events)
        if self._outbox:
            self.flush()

    def flush(self) -> None:
        """Deliver queued events to the handlers, oldest first (no-op while already delivering)."""
        if self._dispatching:
            return
        self._dispatching = True
        try:
            outbox, handlers = self._outbox, self._handlers
            while outbox:
                event = outbox.popleft()
                for handler in handlers:
                    handler(event)
        finally:
            self._dispatching = False

    def open_orders(self) -> list[Order]:
        """Orders not in a terminal state, pending bracket children included."""
        return self.exchange.open_orders()

    def positions(self) -> list[Position]:
        """The net position, or nothing when flat."""
        position = self.exchange.position()
        return [] if position.is_flat else [position]

    def account(self) -> AccountSnapshot:
        """Cash and equity in cents, marked at the last traded price.

        ``realized_pnl_cents`` is the P&L of closed contracts minus every commission
        paid; ``cash_cents`` is initial cash plus that; ``equity_cents`` adds the open
        position's P&L at the last bar close or trade price.
        """
        book = self.exchange.book
        realized = book.realized_cents - book.commission_cents
        mark = None if self._last_price is None else round(self._last_price / self.instrument.tick_size)
        unrealized = book.unrealized_cents(mark)
        cash = self.config.initial_cash_cents + realized
        return AccountSnapshot(
            ts=self._now(),
            cash_cents=cash,
            equity_cents=cash + unrealized,
            realized_pnl_cents=realized,
            unrealized_pnl_cents=unrealized,
            account_id=self.name,
        )

    def _now(self) -> int:
        return self._clock.now_ns() if self._clock is not None else self._last_ts
