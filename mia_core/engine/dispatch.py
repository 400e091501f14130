"""The backtest shell's two loops (compiled): exchange events to the engine, the engine's commands to the exchange."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mia_core.commands import CancelOrder, Command, FlattenPosition, ModifyOrder, RaiseAlert, SubmitOrder
from mia_core.engine.core import TradingEngine
from mia_core.exchange import SimulatedExchange
from mia_core.journal import JournalEntry


class Carrier(Protocol):
    """What the loops need of the shell (``BacktestShell`` is one): its engine, exchange and its own two methods.

    The loops call back ``deliver`` and ``execute`` for what a command or an event
    leads to, so a shell that overrides either sees every nested call too.
    """

    @property
    def engine(self) -> TradingEngine:
        """The engine the shell drives."""
        ...

    @property
    def exchange(self) -> SimulatedExchange:
        """The simulated exchange the orders go to."""
        ...

    def deliver(self, events: Sequence[object]) -> None:
        """Hand exchange events to the engine and carry out what it asks."""
        ...

    def execute(self, commands: list[Command]) -> None:
        """Carry out commands against the exchange."""
        ...


def deliver(shell: Carrier, events: Sequence[object]) -> None:
    """Each event to the engine's handler for its type (``engine.handle`` for the others); commands carried out."""
    engine = shell.engine
    handlers = engine.handlers
    for event in events:
        handler = handlers.get(type(event))
        commands: list[Command] = engine.handle(event) if handler is None else handler(event)
        if commands:
            shell.execute(commands)


def execute(shell: Carrier, commands: list[Command]) -> None:
    """Each command against the exchange at the engine's time, the events it causes delivered back."""
    engine = shell.engine
    exchange = shell.exchange
    ts = engine.now_ns
    for command in commands:
        if isinstance(command, SubmitOrder):
            _, events = exchange.submit(command.intent, ts)
            shell.deliver(events)
        elif isinstance(command, CancelOrder):
            shell.deliver(exchange.cancel(command.order_id, ts))
        elif isinstance(command, ModifyOrder):
            shell.deliver(
                exchange.modify(
                    command.order_id,
                    ts,
                    quantity=command.quantity,
                    limit_price=command.limit_price,
                    stop_price=command.stop_price,
                )
            )
        elif isinstance(command, FlattenPosition):
            shell.execute(engine.flatten(command.reason))
        elif isinstance(command, RaiseAlert):
            payload = {"level": command.level.value, "message": command.message}
            engine.journal.append(JournalEntry(ts, "alert", payload))
