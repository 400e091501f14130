"""Settings of the simulated exchange (also the YAML settings of the ``simulated`` broker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import attrs

from mia_core.errors import DomainValueError
from mia_core.validation import MONEY, within

MarketFill = Literal["next_open", "next_trade", "bar_close"]
MARKET_FILLS: tuple[str, ...] = ("next_open", "next_trade", "bar_close")
NS_PER_MS = 1_000_000


def _whole(minimum: int) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise DomainValueError(
                type(instance).__name__, attribute.name, value, f"must be a whole number of at least {minimum}"
            )

    return check


def _market_fill(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in MARKET_FILLS:
        allowed = ", ".join(repr(m) for m in MARKET_FILLS)
        raise DomainValueError(type(instance).__name__, attribute.name, value, f"allowed: {allowed}")


@attrs.frozen(slots=True)
class ExchangeConfig:
    """How the simulated exchange fills orders; every key has a default (see docs/exchange.md).

    ``market_fill``: where market orders fill: ``next_open`` (open of the next bar),
    ``bar_close`` (close of the bar on which the order is processed) or ``next_trade``
    (price of the next Trade event). ``slippage_ticks`` is added against the trader to
    market and stop fills. ``commission_per_contract`` is in dollars per contract per
    side. ``latency_ms`` delays when an order can first meet the market.
    ``max_volume_fraction`` caps the contracts filled per bar (or trade) at
    ``floor(fraction x volume)``; ``None`` means no cap. Orders above
    ``max_order_size`` contracts are rejected. ``initial_cash`` is in dollars.
    """

    market_fill: MarketFill = attrs.field(default="next_open", validator=_market_fill)
    slippage_ticks: int = attrs.field(default=0, validator=[within(0, 1000), _whole(0)])
    commission_per_contract: float = attrs.field(default=2.25, validator=within(0, 1000))
    latency_ms: int = attrs.field(default=0, validator=[within(0, 600_000), _whole(0)])
    max_volume_fraction: float | None = attrs.field(default=None, validator=within(0, 1, low_open=True))
    max_order_size: int = attrs.field(default=100, validator=[within(1, 10_000), _whole(1)])
    initial_cash: float = attrs.field(default=100_000.0, validator=MONEY)

    @property
    def commission_cents(self) -> int:
        """Commission per contract per side, in whole cents."""
        return round(self.commission_per_contract * 100)

    @property
    def initial_cash_cents(self) -> int:
        """Starting cash in whole cents."""
        return round(self.initial_cash * 100)

    @property
    def latency_ns(self) -> int:
        """Order latency in nanoseconds."""
        return self.latency_ms * NS_PER_MS
