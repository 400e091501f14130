"""Order intents, orders, fills and positions."""

from __future__ import annotations

import enum
import numbers

import attrs

from mia_core.instruments import Instrument
from mia_core.timeutil import to_ns
from mia_core.validation import fail, non_negative, non_negative_int, positive_int


class OrderSide(enum.Enum):
    """Buy or sell.

    ``sign`` is +1 for buy, -1 for sell; ``opposite`` is the other side. Both are plain
    attributes of each member (set below), read without a call: the order path reads
    them for every order and fill.
    """

    BUY = "buy"
    SELL = "sell"

    sign: int
    opposite: OrderSide


OrderSide.BUY.sign, OrderSide.SELL.sign = 1, -1
OrderSide.BUY.opposite, OrderSide.SELL.opposite = OrderSide.SELL, OrderSide.BUY


class OrderType(enum.Enum):
    """How an order meets the market."""

    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    STOP_LIMIT = "stop_limit"


class TimeInForce(enum.Enum):
    """How long an order works."""

    DAY = "day"
    GTC = "gtc"
    IOC = "ioc"
    FOK = "fok"


class OrderStatus(enum.Enum):
    """Lifecycle of an order; terminal states are FILLED, CANCELLED, REJECTED, EXPIRED.

    ``is_terminal`` (True when the order can no longer change) is a plain attribute of
    each member (set below), read without a call.
    """

    PENDING = "pending"
    WORKING = "working"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"

    is_terminal: bool


for _status in OrderStatus:
    _status.is_terminal = _status in (OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED,
                                      OrderStatus.EXPIRED)


def as_price(value: object) -> object:
    """A real number (a numpy one included) as a Python float; anything else as given, for the checks to name."""
    if value is None or type(value) is float:
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return value


@attrs.frozen(slots=True, weakref_slot=False)
class Bracket:
    """Protective children of an entry: a stop loss and/or a take profit (one cancels other)."""

    stop_loss: float | None = attrs.field(default=None, converter=as_price)
    take_profit: float | None = attrs.field(default=None, converter=as_price)

    def __attrs_post_init__(self) -> None:
        if self.stop_loss is None and self.take_profit is None:
            fail(self, "stop_loss", None, "a bracket needs a stop loss, a take profit or both")


@attrs.frozen(slots=True, weakref_slot=False)
class OrderIntent:
    """What the system wants to send: validated before any broker sees it.

    Prices must be on the instrument's tick grid; a limit order needs ``limit_price``,
    a stop order ``stop_price``, a stop-limit both. A bracket's stop must sit on the
    losing side of the entry and its target on the winning side.
    """

    instrument: Instrument
    side: OrderSide
    quantity: int = attrs.field(validator=positive_int)
    order_type: OrderType = OrderType.MARKET
    limit_price: float | None = attrs.field(default=None, converter=as_price)
    stop_price: float | None = attrs.field(default=None, converter=as_price)
    time_in_force: TimeInForce = TimeInForce.DAY
    bracket: Bracket | None = None
    client_ref: str = ""
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        needs_limit = self.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT)
        needs_stop = self.order_type in (OrderType.STOP, OrderType.STOP_LIMIT)
        if needs_limit and self.limit_price is None:
            fail(self, "limit_price", None, f"required for a {self.order_type.value} order")
        if not needs_limit and self.limit_price is not None:
            fail(self, "limit_price", self.limit_price, f"not used by a {self.order_type.value} order")
        if needs_stop and self.stop_price is None:
            fail(self, "stop_price", None, f"required for a {self.order_type.value} order")
        if not needs_stop and self.stop_price is not None:
            fail(self, "stop_price", self.stop_price, f"not used by a {self.order_type.value} order")
        owner = "OrderIntent"
        for name in ("limit_price", "stop_price"):
            price = getattr(self, name)
            if price is not None:
                self.instrument.to_ticks(price, field=name, owner=owner)
        if self.bracket is not None:
            self._check_bracket(self.bracket)

    def _check_bracket(self, bracket: Bracket) -> None:
        stop, target, sign = bracket.stop_loss, bracket.take_profit, self.side.sign
        for name, price in (("stop_loss", stop), ("take_profit", target)):
            if price is not None:
                self.instrument.to_ticks(price, field=f"bracket.{name}", owner="OrderIntent")
        if stop is not None and target is not None and (target - stop) * sign <= 0:
            fail(self, "bracket.take_profit", target, f"must be beyond stop loss {stop} in the trade's direction")
        entry = self.limit_price if self.limit_price is not None else self.stop_price
        if entry is None:
            return
        if stop is not None and (stop - entry) * sign >= 0:
            fail(self, "bracket.stop_loss", stop, f"must be on the losing side of entry {entry}")
        if target is not None and (target - entry) * sign <= 0:
            fail(self, "bracket.take_profit", target, f"must be on the winning side of entry {entry}")


STOP_LOSS = "stop_loss"
TAKE_PROFIT = "take_profit"


def bracket_legs(entry: OrderIntent) -> list[OrderIntent]:
    """The protective children of a bracketed ``entry``: stop loss (STOP) then take profit (LIMIT).

    Each leg is the entry's size on the other side, good till cancelled, with reason
    ``stop_loss`` or ``take_profit``; empty without a bracket. Every venue (the
    simulated exchange, IB) builds its children from this one definition.
    """
    bracket = entry.bracket
    if bracket is None:
        return []
    side = entry.side.opposite
    legs: list[OrderIntent] = []
    if bracket.stop_loss is not None:
        legs.append(OrderIntent(entry.instrument, side, entry.quantity, OrderType.STOP, stop_price=bracket.stop_loss,
                                time_in_force=TimeInForce.GTC, reason=STOP_LOSS))
    if bracket.take_profit is not None:
        legs.append(OrderIntent(entry.instrument, side, entry.quantity, OrderType.LIMIT,
                                limit_price=bracket.take_profit, time_in_force=TimeInForce.GTC, reason=TAKE_PROFIT))
    return legs


@attrs.frozen(slots=True, weakref_slot=False)
class Order:
    """An order the broker knows about: the intent plus its state.

    ``refused_offline`` marks an order the broker refused unsent because its link to the
    market was known to be down (IB between codes 1100 and 1101/1102): a refusal caused by
    the outage, which the catastrophe monitor's error rate does not count. Journals show the
    field only when it is set.
    """

    order_id: str
    intent: OrderIntent
    status: OrderStatus
    filled_quantity: int = attrs.field(default=0, validator=non_negative_int)
    average_fill_price: float | None = None
    parent_id: str | None = None
    reject_reason: str = ""
    updated_ts: int = attrs.field(default=0, converter=to_ns)
    refused_offline: bool = attrs.field(default=False, metadata={"omit_default": True})

    def __attrs_post_init__(self) -> None:
        if self.filled_quantity > self.intent.quantity:
            fail(self, "filled_quantity", self.filled_quantity, f"above order quantity {self.intent.quantity}")

    @property
    def remaining(self) -> int:
        """Contracts still to fill."""
        return self.intent.quantity - self.filled_quantity


@attrs.frozen(slots=True, weakref_slot=False)
class Fill:
    """One execution: price on the grid, whole contracts, commission in cents."""

    order_id: str
    instrument: Instrument
    side: OrderSide
    quantity: int = attrs.field(validator=positive_int)
    price: float = attrs.field()
    ts: int = attrs.field(converter=to_ns)
    commission_cents: int = attrs.field(default=0, validator=non_negative)
    fill_id: str = ""

    def __attrs_post_init__(self) -> None:
        self.instrument.to_ticks(self.price, field="price", owner="Fill")


@attrs.frozen(slots=True, weakref_slot=False)
class Position:
    """Net position in one instrument: signed contracts and the average entry price."""

    instrument: Instrument
    quantity: int = 0
    average_price: float | None = None

    def __attrs_post_init__(self) -> None:
        if self.quantity != 0 and self.average_price is None:
            fail(self, "average_price", None, "required for an open position")

    @property
    def is_flat(self) -> bool:
        """True when no contracts are held."""
        return self.quantity == 0


@attrs.frozen(slots=True, weakref_slot=False)
class AccountSnapshot:
    """Account figures in cents at a moment."""

    ts: int = attrs.field(converter=to_ns)
    cash_cents: int
    equity_cents: int
    realized_pnl_cents: int = 0
    unrealized_pnl_cents: int = 0
    account_id: str = ""
