"""What the loopback server's parts need of one another (protocols, so no module imports its user)."""

from __future__ import annotations

from typing import Any, Protocol

from adapters.sierra.server.options import ServerOptions
from adapters.sierra.server.venue import Venue


class Subscriber(Protocol):
    """A session market data is sent to."""

    def send(self, type_id: int, values: dict[str, Any]) -> None:
        """Write one message."""
        ...

    def send_trade(self, sid: int, price: float, size: float, aggressor: int, now: float) -> None:
        """A trade in the session's variant."""
        ...

    def send_bid_ask(self, sid: int, bid: float, bid_size: float, ask: float, ask_size: float, now: float) -> None:
        """Best bid/ask in the session's variant."""
        ...

    def send_depth(self, sid: int, side: int, level: int, price: float, size: float, now: float) -> None:
        """One depth level in the session's variant."""
        ...


class MarketDesk(Protocol):
    """Market data subscriptions (:class:`~adapters.sierra.server.market.Market`)."""

    def subscribe(self, session: Subscriber, m: dict[str, Any]) -> None:
        """MARKET_DATA_REQUEST."""
        ...

    def subscribe_depth(self, session: Subscriber, m: dict[str, Any]) -> None:
        """MARKET_DEPTH_REQUEST."""
        ...


class Host(Protocol):
    """The server a session belongs to (:class:`~adapters.sierra.server.server.LoopbackDtcServer`)."""

    options: ServerOptions
    venue: Venue
    heartbeat_scale: float

    @property
    def market(self) -> MarketDesk:
        """Market data subscriptions."""
        ...

    def forget(self, session: Any) -> None:
        """A session ended."""
        ...

    def trading(self, type_id: int, m: dict[str, Any]) -> None:
        """An order request."""
        ...

    async def serve_history(self, session: Any, m: dict[str, Any]) -> None:
        """One historical request."""
        ...
