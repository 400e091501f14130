"""Futures instruments and their tick grid; ES and NQ built in."""

from __future__ import annotations

import math

import attrs

from mia_core.errors import DomainValueError
from mia_core.validation import non_empty, positive, positive_int

_GRID_TOLERANCE = 1e-6


@attrs.frozen(slots=True)
class Instrument:
    """A futures contract specification.

    Prices live on the grid of ``tick_size``; money is computed from whole ticks times
    ``tick_value_cents`` so that sums are exact to the cent.
    """

    symbol: str = attrs.field(validator=non_empty)
    tick_size: float = attrs.field(validator=positive)
    tick_value_cents: int = attrs.field(validator=positive_int)
    multiplier: float = attrs.field(validator=positive)
    exchange: str = attrs.field(validator=non_empty)
    calendar: str = attrs.field(validator=non_empty)
    currency: str = "USD"
    description: str = ""

    def __attrs_post_init__(self) -> None:
        implied = round(self.tick_size * self.multiplier * 100, 6)
        if not math.isclose(implied, self.tick_value_cents, abs_tol=1e-6):
            raise DomainValueError(
                "Instrument",
                "tick_value_cents",
                self.tick_value_cents,
                f"tick_size x multiplier is {implied} cents; the two must agree",
            )

    @property
    def tick_value(self) -> float:
        """Dollars per tick per contract."""
        return self.tick_value_cents / 100

    def to_ticks(self, price: float, *, field: str = "price", owner: str = "Price") -> int:
        """Price to whole ticks; a price off the grid is an error naming ``field``."""
        if not math.isfinite(price):
            raise DomainValueError(owner, field, price, "must be a finite number")
        ticks = price / self.tick_size
        whole = round(ticks)
        if abs(ticks - whole) > _GRID_TOLERANCE:
            raise DomainValueError(
                owner, field, price, f"not on {self.symbol}'s tick grid of {self.tick_size}"
            )
        return int(whole)

    def from_ticks(self, ticks: int) -> float:
        """Whole ticks back to a price."""
        return ticks * self.tick_size

    def on_grid(self, price: float) -> bool:
        """True when ``price`` is a whole number of ticks."""
        ticks = price / self.tick_size
        return math.isfinite(ticks) and abs(ticks - round(ticks)) <= _GRID_TOLERANCE

    def round_to_tick(self, price: float) -> float:
        """Nearest price on the grid."""
        return round(price / self.tick_size) * self.tick_size

    def ticks_to_cents(self, ticks: int, quantity: int = 1) -> int:
        """Money value in cents of ``ticks`` for ``quantity`` contracts."""
        return ticks * self.tick_value_cents * quantity


ES = Instrument(
    symbol="ES",
    tick_size=0.25,
    tick_value_cents=1250,
    multiplier=50,
    exchange="CME",
    calendar="CME_Equity",
    description="E-mini S&P 500 futures",
)
NQ = Instrument(
    symbol="NQ",
    tick_size=0.25,
    tick_value_cents=500,
    multiplier=20,
    exchange="CME",
    calendar="CME_Equity",
    description="E-mini Nasdaq-100 futures",
)
BUILTIN_INSTRUMENTS: dict[str, Instrument] = {"ES": ES, "NQ": NQ}


def instrument_for(symbol: str) -> Instrument:
    """A built-in instrument by symbol; an unknown one names what exists."""
    try:
        return BUILTIN_INSTRUMENTS[symbol.upper()]
    except KeyError:
        known = ", ".join(sorted(BUILTIN_INSTRUMENTS))
        raise DomainValueError("Instrument", "symbol", symbol, f"unknown; built in: {known}") from None
