"""Option quotes and point-in-time options-chain snapshots."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from typing import Any

import attrs

from mia_core.timeutil import to_ns
from mia_core.validation import fail, finite, non_empty, non_negative, positive


class OptionRight(enum.Enum):
    """Call or put."""

    CALL = "C"
    PUT = "P"


class SettlementStyle(enum.Enum):
    """When an expiring option settles: AM (monthly SPX, SOQ) or PM (SPXW, close)."""

    AM = "AM"
    PM = "PM"


def _optional_non_negative(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    non_negative(instance, attribute, value)


@attrs.frozen(slots=True)
class OptionQuote:
    """One option series as quoted at a moment: prices, volume, open interest, greeks.

    ``iv``, ``delta`` and ``gamma`` are ``None`` when the source did not give them;
    zero IV from a source is kept as given and judged by the chain readers.
    """

    underlying: str = attrs.field(validator=non_empty)
    expiry: date
    strike: float = attrs.field(validator=positive)
    right: OptionRight
    bid: float = attrs.field(validator=non_negative)
    ask: float = attrs.field(validator=non_negative)
    last: float | None = attrs.field(default=None, validator=_optional_non_negative)
    volume: float = attrs.field(default=0.0, validator=non_negative)
    open_interest: float = attrs.field(default=0.0, validator=non_negative)
    iv: float | None = attrs.field(default=None, validator=_optional_non_negative)
    delta: float | None = attrs.field(default=None, validator=finite)
    gamma: float | None = attrs.field(default=None, validator=finite)
    settlement: SettlementStyle = SettlementStyle.PM
    root: str = ""

    @property
    def mid(self) -> float:
        """Midpoint of bid and ask."""
        return (self.bid + self.ask) / 2

    @property
    def is_crossed(self) -> bool:
        """True when the bid is above a non-zero ask."""
        return self.ask > 0 and self.bid > self.ask


def _as_quotes(values: Iterable[OptionQuote]) -> tuple[OptionQuote, ...]:
    return tuple(values)


@attrs.frozen(slots=True)
class OptionsChainSnapshot:
    """Every quoted series of one underlying at one moment (``ts``, UTC ns).

    ``rejected`` counts the series the source listed but could not turn into a valid quote
    (a missing open interest, an unreadable symbol, ...): they lower the confidence.
    """

    underlying: str = attrs.field(validator=non_empty)
    ts: int = attrs.field(converter=to_ns)
    spot: float = attrs.field(validator=positive)
    quotes: tuple[OptionQuote, ...] = attrs.field(converter=_as_quotes)
    source: str = ""
    rejected: int = attrs.field(default=0, validator=attrs.validators.ge(0))

    def __attrs_post_init__(self) -> None:
        for i, quote in enumerate(self.quotes):
            if quote.underlying != self.underlying:
                fail(self, f"quotes[{i}].underlying", quote.underlying, f"differs from {self.underlying}")

    @property
    def expiries(self) -> tuple[date, ...]:
        """Distinct expiries, earliest first."""
        return tuple(sorted({q.expiry for q in self.quotes}))
