"""Open lots: contracts entered by one fill, closed FIFO into round trips."""

from __future__ import annotations

from mia_core.accounting.roundtrip import RoundTrip
from mia_core.instruments import Instrument
from mia_core.orders import Fill


class Lot:
    """Open contracts entered by one fill at ``entry_ticks`` (mutable; owned by a Portfolio).

    ``commission`` is the entry commission not yet charged to a round trip; ``mae``/
    ``mfe`` the per-contract excursions in ticks so far; ``bars`` the marks after entry.
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
        tick_value = instrument.tick_value_cents
        gross = move * tick_value * quantity
        commission = entry_share + exit_commission
        return RoundTrip(
            entry_ts=self.entry_ts,
            exit_ts=fill.ts,
            side=fill.side.opposite,
            quantity=quantity,
            entry_price=instrument.from_ticks(self.entry_ticks),
            exit_price=fill.price,
            gross_cents=gross,
            commission_cents=commission,
            net_cents=gross - commission,
            mae_ticks=self.mae,
            mfe_ticks=self.mfe,
            exit_reason=reason,
            mae_cents=self.mae * tick_value * quantity,
            mfe_cents=self.mfe * tick_value * quantity,
            bars_held=self.bars,
            symbol=instrument.symbol,
        )
