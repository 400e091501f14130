"""The session's order desk: client order ids, intents journaled before sending, replacements wait for cancels."""

from __future__ import annotations

import logging
from collections.abc import Callable

import attrs

from adapters.live.ids import ClientOrderIds
from mia_core.commands import CancelOrder, Command, ModifyOrder, SubmitOrder
from mia_core.events import BrokerEvent, OrderUpdated
from mia_core.journal import JournalEntry, record
from mia_core.orders import OrderIntent, OrderStatus
from ports.broker import Broker

log = logging.getLogger("mia.live")


class OrderGate:
    """Carries out the engine's order commands on a live broker, so that no order in flight is doubled.

    Each intent gets a client order id (``ids``) and is recorded as an ``order_intent``
    journal entry (durably, through ``record``) before the broker sees it. When a
    decision cancels orders and sends new ones (cancel and replace), the new ones are
    held until every cancel is confirmed: they go out once all cancelled orders ended
    without a fill; if one of them filled instead, they are dropped (journaled
    ``order_dropped``; the engine decides again on the position it now holds). A later
    decision that sends orders replaces what an earlier one still holds. Orders the
    broker no longer lists right after the cancel (the simulated exchange) count as
    confirmed at once, so paper sessions on it trade exactly as before.
    """

    def __init__(self, broker: Broker, ids: ClientOrderIds, record_entry: Callable[[JournalEntry], None],
                 now: Callable[[], int]) -> None:
        self.broker, self.ids, self.record, self.now = broker, ids, record_entry, now
        self.awaiting: set[str] = set()  # cancelled order ids not yet confirmed
        self.failed: set[str] = set()  # cancelled orders that filled (in part) instead
        self.held: list[OrderIntent] = []
        self.dropped = 0

    def on_event(self, event: BrokerEvent) -> None:
        """Watch the outcome of the cancels a held replacement waits for (subscribed to the broker)."""
        if not isinstance(event, OrderUpdated) or event.order.order_id not in self.awaiting:
            return
        order = event.order
        if order.filled_quantity or order.status in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED):
            self.failed.add(order.order_id)
        if order.status.is_terminal:
            self.awaiting.discard(order.order_id)

    def execute(self, commands: list[Command]) -> list[Command]:
        """Carry out order commands in order; return the others (alerts, flattens) for the shell."""
        rest: list[Command] = []
        cancelled: list[str] = []
        submits: list[OrderIntent] = []
        for command in commands:
            if isinstance(command, CancelOrder):
                cancelled.append(command.order_id)
                self.broker.cancel(command.order_id)
            elif isinstance(command, SubmitOrder):
                submits.append(command.intent)
            elif isinstance(command, ModifyOrder):
                self.broker.modify(command.order_id, quantity=command.quantity,
                                   limit_price=command.limit_price, stop_price=command.stop_price)
            else:
                rest.append(command)
        if submits:
            if self.held:
                self.drop("replaced by a later decision")
            still_open = {o.order_id for o in self.broker.open_orders()}
            pending = {oid for oid in cancelled if oid in still_open}
            if pending:
                self.awaiting, self.failed, self.held = pending, set(), submits
                log.info("holding %d order(s) until the cancel of %s is confirmed", len(submits), sorted(pending))
            else:
                for intent in submits:
                    self.send(intent)
        return rest

    def release(self) -> None:
        """Send the held orders once their cancels are confirmed; drop them if a cancelled order filled."""
        if not self.held or self.awaiting:
            return
        if self.failed:
            self.drop(f"order(s) {sorted(self.failed)} filled instead of being cancelled")
            return
        held, self.held = self.held, []
        for intent in held:
            self.send(intent)

    def send(self, intent: OrderIntent) -> None:
        """Give ``intent`` a client order id, journal it, then submit it."""
        if not intent.client_ref:
            intent = attrs.evolve(intent, client_ref=self.ids.next())
        self.record(record(self.now(), "order_intent", {"client_ref": intent.client_ref, "intent": intent}))
        self.broker.submit(intent)

    def drop(self, why: str) -> None:
        """Give up the held orders (journaled ``order_dropped`` with ``why``)."""
        for intent in self.held:
            self.dropped += 1
            log.warning("order not sent (%s): %s %d (%s)", why, intent.side.value, intent.quantity, intent.reason)
            self.record(record(self.now(), "order_dropped", {"intent": intent, "reason": why}))
        self.held, self.awaiting, self.failed = [], set(), set()
