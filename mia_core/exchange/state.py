"""The simulated exchange's mutable record of one order, with its trigger rule in ticks."""

from __future__ import annotations

from datetime import datetime, time
from typing import Final

from mia_core.orders import Order, OrderStatus, OrderType, TimeInForce
from mia_core.timeutil import CHICAGO, CME_ROLLOVER_HOUR, cme_trading_day, to_ns

NEVER = 2**63 - 1
# Tie-break when several orders meet the market at the same price: market first,
# then stops (the conservative choice for a bracket), then limits.
PRIORITY_MARKET = 0
PRIORITY_STOP = 1
PRIORITY_LIMIT = 2
# Members read once: on Python 3.11 each read of ``OrderType.MARKET`` goes through EnumType.__getattr__ (slow)
_MARKET: Final = OrderType.MARKET
_LIMIT: Final = OrderType.LIMIT
_STOP_LIMIT: Final = OrderType.STOP_LIMIT
_IOC: Final = TimeInForce.IOC
_FOK: Final = TimeInForce.FOK
_NO_CHILDREN: list[OrderState] = []  # never appended to: add_children gives a parent its own list


def _as_float(price: object) -> float | None:
    # not cast(float, ...): compiled, a cast checks the type and a numpy float32 would raise
    return None if price is None else float(price)  # type: ignore[arg-type]


def session_end_ns(ts: int) -> int:
    """First instant (UTC ns) after the CME trading day that ``ts`` belongs to (17:00 Chicago)."""
    day = cme_trading_day(ts)
    return to_ns(datetime.combine(day, time(CME_ROLLOVER_HOUR), tzinfo=CHICAGO))


class OrderState:
    """Everything the fill model tracks about one order; ``order`` is its latest public snapshot.

    ``level``/``at_or_below`` describe when a resting order meets the market: the
    order is marketable at price ``p`` (ticks) when ``p <= level`` if ``at_or_below``
    else when ``p >= level``. A triggered stop behaves as a market order; a triggered
    stop-limit as a limit order.
    """

    __slots__ = (
        "at_or_below",
        "children",
        "expires_ns",
        "fill_value_ticks",
        "fok",
        "ioc",
        "kind",
        "level",
        "limit",
        "live",
        "market_like",
        "min_bar_ts",
        "min_trade_ts",
        "order",
        "parent",
        "seq",
        "sign",
        "stop",
        "triggered",
    )

    def __init__(self, order: Order, seq: int, tick_size: float) -> None:
        intent = order.intent
        kind = intent.order_type
        sign = intent.side.sign
        fok = intent.time_in_force is _FOK
        self.order = order
        self.seq = seq
        self.sign = sign
        self.kind = kind
        self.triggered = False
        self.market_like = kind is _MARKET  # a market order, or a stop that has triggered
        self.live = not order.status.is_terminal
        self.ioc = fok or intent.time_in_force is _IOC
        self.fok = fok
        self.min_bar_ts = NEVER
        self.min_trade_ts = NEVER
        self.expires_ns = NEVER
        self.fill_value_ticks = 0
        self.parent: OrderState | None = None
        self.children: list[OrderState] = _NO_CHILDREN  # shared and empty until a bracket adds legs
        self.limit = 0
        self.stop = 0
        limit_price, stop_price = intent.limit_price, intent.stop_price
        if limit_price is None and stop_price is None:  # a market order: what refresh() sets, without the calls
            self.level = 0
            self.at_or_below = sign < 0 if kind is not _LIMIT else sign > 0
        else:  # an intent's prices may be numpy numbers (the exchange refuses them with a reason): read as floats
            self.level = 0
            self.at_or_below = True
            self.set_prices(_as_float(limit_price), _as_float(stop_price), tick_size)

    def set_prices(self, limit_price: float | None, stop_price: float | None, tick_size: float) -> None:
        """Store prices as ticks (``None`` keeps the current one) and refresh the trigger rule."""
        if limit_price is not None:
            self.limit = round(limit_price / tick_size)
        if stop_price is not None:
            self.stop = round(stop_price / tick_size)
        self.refresh()

    def refresh(self) -> None:
        """Recompute ``level``/``at_or_below`` from the order type and trigger state."""
        if self.kind is _LIMIT or (self.kind is _STOP_LIMIT and self.triggered):
            self.level, self.at_or_below = self.limit, self.sign > 0
        else:
            self.level, self.at_or_below = self.stop, self.sign < 0

    def trigger(self) -> None:
        """A stop was reached: a stop becomes a market order, a stop-limit a limit order."""
        self.triggered = True
        self.market_like = self.kind is not _STOP_LIMIT
        self.refresh()

    @property
    def priority(self) -> int:
        """Tie-break rank at equal prices (lower goes first)."""
        if self.market_like:
            return PRIORITY_MARKET
        if self.kind is _LIMIT or self.triggered:
            return PRIORITY_LIMIT
        return PRIORITY_STOP

    @property
    def remaining(self) -> int:
        """Contracts still to fill."""
        return self.order.intent.quantity - self.order.filled_quantity

    @property
    def status(self) -> OrderStatus:
        """Current status."""
        return self.order.status

    def first_point(self, cur: int, end: int) -> int | None:
        """Where a resting order first meets a price moving from ``cur`` to ``end`` (ticks), if it does."""
        level = self.level
        if self.at_or_below:
            if cur <= level:
                return cur
            if end <= level:
                return level
        else:
            if cur >= level:
                return cur
            if end >= level:
                return level
        return None
