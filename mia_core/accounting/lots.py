"""Open lots: contracts entered by one fill, closed FIFO into round trips."""

from __future__ import annotations

from mia_core import trusted
from mia_core.accounting.roundtrip import RoundTrip
from mia_core.instruments import Instrument
from mia_core.orders import Fill


class Lot:
    """Open contracts entered by one fill at ``entry_ticks`` (mutable; owned by a Portfolio).

    ``commission`` is the entry commission not yet charged to a round trip; ``mae``/
    ``mfe`` the per-contract excursions in ticks so far; ``bars`` the bar closes (marks) at which
    the lot was open, its entry bar's own close included.
    """

    __slots__ = ("bars", "commission", "entry_ticks", "entry_ts", "mae", "mfe", "quantity", "sign")

    def __init__(self, entry_ts: int, entry_ticks: int, sign: int, quantity: int, commission: int) -> None:
        self.entry_ts = entry_ts
        self.entry_ticks = entry_ticks
        self.sign = sign
        self.quantity = quantity
        self.commission = commission
        self.mae = 0
        self.mfe = 0
        self.bars = 0

    def close(
        self, instrument: Instrument, fill: Fill, exit_ticks: int, quantity: int, exit_commission: int, reason: str
    ) -> RoundTrip:
        """Close ``quantity`` contracts at ``exit_ticks``; charge the pro-rata entry commission.

        The entry share is ``commission * quantity // self.quantity`` (floor), so the
        last close of the lot takes whatever is left and no cent is lost.
        """
        entry_share = self.commission * quantity // self.quantity
        self.commission -= entry_share
        move = (exit_ticks - self.entry_ticks) * self.sign
        self.mae = max(self.mae, -move)
        self.mfe = max(self.mfe, move)
        self.quantity -= quantity
        return trusted.round_trip(
            self.entry_ts, fill.ts, fill.side.opposite, quantity, instrument.from_ticks(self.entry_ticks), fill.price,
            move * instrument.tick_value_cents * quantity, entry_share + exit_commission, self.mae, self.mfe, reason,
            instrument.tick_value_cents, self.bars, instrument.symbol,
        )  # fmt: skip
