"""Closed trades (round trips) and their tabular export with dollar columns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from mia_core.orders import OrderSide
from mia_core.validation import fail, positive_int

if TYPE_CHECKING:
    import pandas as pd


def _non_negative_int(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        fail(instance, attribute.name, value, "must be a whole number of at least 0")


@attrs.frozen(slots=True, weakref_slot=False)  # no weak references: 8 bytes less per trip, and trusted builds it fast
class RoundTrip:
    """One closed lot: ``quantity`` contracts entered by one fill and closed by another.

    Money is in integer cents: ``gross_cents`` is the tick P&L (exit minus entry in
    whole ticks, signed by the entry side, times tick value times quantity);
    ``commission_cents`` is this lot's pro-rata share of the entry and exit fills'
    commissions; ``net_cents = gross_cents - commission_cents``.

    ``mae_ticks``/``mfe_ticks`` are the maximum adverse/favourable excursion per
    contract, in ticks from the entry price, over the lot's life (both >= 0);
    ``mae_cents``/``mfe_cents`` are the same for the whole ``quantity``.
    ``bars_held`` counts the bar closes (marks) at which the lot was open, the close of
    the bar it was entered in included: in at one bar's open and out at the next bar's
    open is 1; in and out within one bar is 0.
    """

    entry_ts: int
    exit_ts: int
    side: OrderSide
    quantity: int = attrs.field(validator=positive_int)
    entry_price: float
    exit_price: float
    gross_cents: int
    commission_cents: int = attrs.field(validator=_non_negative_int)
    net_cents: int
    mae_ticks: int = attrs.field(validator=_non_negative_int)
    mfe_ticks: int = attrs.field(validator=_non_negative_int)
    exit_reason: str = ""
    mae_cents: int = attrs.field(default=0, validator=_non_negative_int)
    mfe_cents: int = attrs.field(default=0, validator=_non_negative_int)
    bars_held: int = attrs.field(default=0, validator=_non_negative_int)
    symbol: str = ""

    def __attrs_post_init__(self) -> None:
        if self.net_cents != self.gross_cents - self.commission_cents:
            fail(self, "net_cents", self.net_cents, "must equal gross_cents - commission_cents")
        if self.exit_ts < self.entry_ts:
            fail(self, "exit_ts", self.exit_ts, f"before entry_ts {self.entry_ts}")

    @property
    def is_long(self) -> bool:
        """True when the lot was bought first."""
        return self.side is OrderSide.BUY

    @property
    def duration_ns(self) -> int:
        """Time from entry to exit in nanoseconds."""
        return self.exit_ts - self.entry_ts

    @property
    def is_win(self) -> bool:
        """True when ``net_cents > 0`` (a zero-net trade is neither win nor loss)."""
        return self.net_cents > 0

    @property
    def is_loss(self) -> bool:
        """True when ``net_cents < 0``."""
        return self.net_cents < 0


ROUND_TRIP_COLUMNS: tuple[str, ...] = (
    "symbol",
    "direction",
    "side",
    "quantity",
    "entry_time",
    "exit_time",
    "entry_price",
    "exit_price",
    "gross_pnl",
    "commission",
    "net_pnl",
    "mae_ticks",
    "mfe_ticks",
    "mae",
    "mfe",
    "bars_held",
    "exit_reason",
)


def round_trips_frame(trips: Iterable[RoundTrip]) -> pd.DataFrame:
    """Round trips as a DataFrame for CSV export, one row per trip in the given order.

    Money columns (``gross_pnl``, ``commission``, ``net_pnl``, ``mae``, ``mfe``) are in
    dollars (cents / 100); times are tz-aware UTC timestamps; ``direction`` is
    ``long``/``short`` and ``side`` the entry's order side. Columns are
    ``ROUND_TRIP_COLUMNS``; an empty input gives an empty frame with those columns.
    """
    import pandas as pd  # here, not at the top: a backtest's process needs pandas only for its reports

    rows = [
        (
            t.symbol,
            "long" if t.is_long else "short",
            t.side.value,
            t.quantity,
            t.entry_ts,
            t.exit_ts,
            t.entry_price,
            t.exit_price,
            t.gross_cents / 100,
            t.commission_cents / 100,
            t.net_cents / 100,
            t.mae_ticks,
            t.mfe_ticks,
            t.mae_cents / 100,
            t.mfe_cents / 100,
            t.bars_held,
            t.exit_reason,
        )
        for t in trips
    ]
    frame = pd.DataFrame(rows, columns=list(ROUND_TRIP_COLUMNS))
    for column in ("entry_time", "exit_time"):
        frame[column] = pd.to_datetime(frame[column].astype("int64"), unit="ns", utc=True)
    for column in ("gross_pnl", "commission", "net_pnl", "mae", "mfe", "entry_price", "exit_price"):
        frame[column] = frame[column].astype("float64")
    for column in ("quantity", "mae_ticks", "mfe_ticks", "bars_held"):
        frame[column] = frame[column].astype("int64")
    return frame
