"""Market data value objects: bars, trades, quotes, depth updates."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from mia_core.instruments import Instrument
from mia_core.timeutil import to_ns
from mia_core.validation import fail, non_empty, non_negative, non_negative_int, positive


def _ns(value: Any) -> int:
    return to_ns(value)


def _check_grid(obj: Any, instrument: Instrument, **prices: float | None) -> None:
    for name, price in prices.items():
        if price is not None:
            instrument.to_ticks(price, field=name, owner=type(obj).__name__)


@attrs.frozen(slots=True, weakref_slot=False)  # no weak references: a trusted Bar is built as a twin
class Bar:
    """One OHLCV bar, time-stamped at its close (``ts``, UTC ns).

    ``bid_volume``/``ask_volume`` are volume traded at the bid (sells) and at the ask
    (buys) when the source records them; ``None`` means unknown, not zero.
    """

    instrument: Instrument
    ts: int = attrs.field(converter=_ns)
    open: float = attrs.field(validator=positive)
    high: float = attrs.field(validator=positive)
    low: float = attrs.field(validator=positive)
    close: float = attrs.field(validator=positive)
    volume: float = attrs.field(validator=non_negative)
    bid_volume: float | None = attrs.field(default=None, validator=non_negative)
    ask_volume: float | None = attrs.field(default=None, validator=non_negative)
    trade_count: int | None = attrs.field(default=None, validator=non_negative_int)

    def __attrs_post_init__(self) -> None:
        if self.high < self.low:
            fail(self, "high", self.high, f"below low {self.low}")
        if not self.low <= self.open <= self.high:
            fail(self, "open", self.open, f"outside the bar's range [{self.low}, {self.high}]")
        if not self.low <= self.close <= self.high:
            fail(self, "close", self.close, f"outside the bar's range [{self.low}, {self.high}]")
        _check_grid(self, self.instrument, open=self.open, high=self.high, low=self.low, close=self.close)
        flow = self.bid_volume is not None and self.ask_volume is not None
        if flow and self.bid_volume + self.ask_volume > self.volume + 1e-9:  # type: ignore[operator]
            fail(self, "ask_volume", self.ask_volume, f"bid + ask volume exceeds volume {self.volume}")

    @property
    def has_order_flow(self) -> bool:
        """True when the source recorded bid and ask volume."""
        return self.bid_volume is not None and self.ask_volume is not None


class Aggressor(enum.Enum):
    """Which side crossed the spread on a trade."""

    BUYER = "buyer"
    SELLER = "seller"
    UNKNOWN = "unknown"


@attrs.frozen(slots=True)
class Trade:
    """One print (a tick): price, size and, when known, the aggressor."""

    instrument: Instrument
    ts: int = attrs.field(converter=_ns)
    price: float = attrs.field(validator=positive)
    size: float = attrs.field(validator=positive)
    aggressor: Aggressor = Aggressor.UNKNOWN

    def __attrs_post_init__(self) -> None:
        _check_grid(self, self.instrument, price=self.price)


Tick = Trade


@attrs.frozen(slots=True)
class Quote:
    """Top of book: best bid and ask with sizes; a crossed book is an error."""

    instrument: Instrument
    ts: int = attrs.field(converter=_ns)
    bid: float = attrs.field(validator=positive)
    ask: float = attrs.field(validator=positive)
    bid_size: float = attrs.field(validator=non_negative)
    ask_size: float = attrs.field(validator=non_negative)

    def __attrs_post_init__(self) -> None:
        if self.bid > self.ask:
            fail(self, "bid", self.bid, f"above ask {self.ask} (crossed quote)")
        _check_grid(self, self.instrument, bid=self.bid, ask=self.ask)

    @property
    def mid(self) -> float:
        """Midpoint of bid and ask."""
        return (self.bid + self.ask) / 2


class BookSide(enum.Enum):
    """Side of the order book."""

    BID = "bid"
    ASK = "ask"


class DepthAction(enum.Enum):
    """What a depth update does to a price level."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


@attrs.frozen(slots=True)
class DepthUpdate:
    """A change to one level of the order book (level 0 is the best price)."""

    instrument: Instrument
    ts: int = attrs.field(converter=_ns)
    side: BookSide
    level: int = attrs.field(validator=non_negative_int)
    action: DepthAction
    price: float = attrs.field(validator=positive)
    size: float = attrs.field(validator=non_negative)

    def __attrs_post_init__(self) -> None:
        _check_grid(self, self.instrument, price=self.price)


@attrs.frozen(slots=True)
class TimerFired:
    """A scheduled moment reached (session close, snapshot schedule, heartbeat)."""

    ts: int = attrs.field(converter=_ns)
    name: str = attrs.field(validator=non_empty)


__all__ = [
    "Aggressor",
    "Bar",
    "BookSide",
    "DepthAction",
    "DepthUpdate",
    "Quote",
    "Tick",
    "TimerFired",
    "Trade",
]
