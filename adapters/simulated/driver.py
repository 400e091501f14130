"""SimulatedBrokerDriver: moves the market for an InMemoryBroker under the Broker contract suite."""

from __future__ import annotations

import asyncio

from adapters.simulated.broker import InMemoryBroker
from mia_core.clock import ManualClock
from mia_core.exchange import ExchangeConfig
from mia_core.instruments import ES, Instrument
from mia_core.market import Bar, Trade
from ports.broker import Broker

CONTRACT_START_NS = 1_709_650_800_000_000_000  # 2024-03-05 15:00 UTC, a Tuesday in the regular session
MINUTE_NS = 60_000_000_000


class SimulatedBrokerDriver:
    """Drives an :class:`InMemoryBroker` with a manual clock: each trade is a flat one-minute bar.

    With ``market_fill: next_trade`` it sends Trade events instead of bars.
    """

    def __init__(self, instrument: Instrument = ES, config: ExchangeConfig | None = None) -> None:
        self.clock = ManualClock(CONTRACT_START_NS)
        self.config = config if config is not None else ExchangeConfig()
        self.simulated = InMemoryBroker(instrument, self.config, self.clock)
        self._instrument = instrument
        asyncio.run(self.simulated.connect())

    @property
    def broker(self) -> Broker:
        """The in-memory broker."""
        return self.simulated

    @property
    def instrument(self) -> Instrument:
        """The instrument traded."""
        return self._instrument

    @property
    def reference_price(self) -> float:
        """Where the market starts."""
        return 5000.0

    def trade_at(self, price: float) -> None:
        """One minute later, a bar (or a trade) at ``price``."""
        ts = self.clock.now_ns() + MINUTE_NS + self.config.latency_ms * 1_000_000
        self.clock.advance_to(ts)
        if self.config.market_fill == "next_trade":
            self.simulated.on_market(Trade(self._instrument, ts, price, 10_000))
        else:
            self.simulated.on_market(Bar(self._instrument, ts, price, price, price, price, 10_000))

    def settle(self) -> None:
        """Deliver queued events."""
        self.simulated.flush()
