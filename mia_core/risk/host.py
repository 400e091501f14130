"""The engine as the risk desk sees it: the state it reads and the one call it makes."""

from __future__ import annotations

from typing import Protocol

from mia_core.accounting import Portfolio
from mia_core.commands import Command
from mia_core.engine.config import ExecutionConfig
from mia_core.instruments import Instrument
from mia_core.journal import JournalEntry
from mia_core.orders import Order


class DeskHost(Protocol):
    """What ``RiskDesk`` needs of the engine that holds it (``TradingEngine`` is one).

    The desk reads the engine's state as it is at each call (no copies) and appends
    what it decided to the engine's journal; it never replaces these objects.
    """

    @property
    def instrument(self) -> Instrument:
        """The traded instrument."""
        ...

    @property
    def portfolio(self) -> Portfolio:
        """Position, cash and equity, marked by the engine before the desk acts on a bar."""
        ...

    @property
    def working(self) -> dict[str, Order]:
        """Working orders by order id (the desk reads them; the engine keeps them)."""
        ...

    @property
    def journal(self) -> list[JournalEntry]:
        """The engine's journal, to which the desk appends its decisions."""
        ...

    @property
    def now_ns(self) -> int:
        """Instant of the event being processed (UTC ns)."""
        ...

    @property
    def execution(self) -> ExecutionConfig:
        """How signals become orders (``allow_short``, contracts)."""
        ...

    def flatten(self, reason: str) -> list[Command]:
        """Commands that cancel every working order and close the position at market."""
        ...
