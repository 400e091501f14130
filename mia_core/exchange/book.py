"""Net position kept as FIFO lots: exact realized and unrealized P&L in cents from integer ticks."""

from __future__ import annotations

from collections import deque

from mia_core.exchange import snapshots
from mia_core.instruments import Instrument
from mia_core.orders import Position


class PositionBook:
    """The position of one instrument built from fills; money in integer cents.

    Lots are closed first in, first out, so every realized amount is a whole number
    of ticks times the tick value. ``realized_cents`` is gross of commissions;
    ``commission_cents`` is the total paid.
    """

    __slots__ = ("_cost_ticks", "_lots", "commission_cents", "instrument", "position", "quantity", "realized_cents")

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._lots: deque[list[int]] = deque()  # [signed quantity, price in ticks]
        self._cost_ticks = 0  # sum of signed quantity times price over the lots
        self.quantity = 0
        self.realized_cents = 0
        self.commission_cents = 0
        self.position = Position(instrument)

    def apply(self, signed_quantity: int, price_ticks: int, commission_cents: int = 0) -> int:
        """Book a fill of ``signed_quantity`` (+buy, -sell) at ``price_ticks``; return the P&L it realized (cents)."""
        self.commission_cents += commission_cents
        lots = self._lots
        remaining = signed_quantity
        realized_ticks = 0
        while remaining and lots and (lots[0][0] > 0) != (remaining > 0):
            lot = lots[0]
            direction = 1 if lot[0] > 0 else -1
            closed = min(abs(lot[0]), abs(remaining))
            realized_ticks += (price_ticks - lot[1]) * closed * direction
            self._cost_ticks -= lot[1] * closed * direction
            lot[0] -= closed * direction
            remaining += closed * direction
            if lot[0] == 0:
                lots.popleft()
        if remaining:
            lots.append([remaining, price_ticks])
            self._cost_ticks += remaining * price_ticks
        quantity = self.quantity = self.quantity + signed_quantity
        instrument = self.instrument
        realized = instrument.ticks_to_cents(realized_ticks) if realized_ticks else 0  # an opening fill: none
        self.realized_cents += realized
        if quantity:  # what _position() gives, without the call
            self.position = snapshots.position(instrument, quantity, self._cost_ticks / quantity * instrument.tick_size)
        else:
            self.position = snapshots.position(instrument, 0, None)
        return realized

    def _position(self) -> Position:
        if self.quantity == 0:
            return snapshots.position(self.instrument, 0, None)
        average = self._cost_ticks / self.quantity * self.instrument.tick_size
        return snapshots.position(self.instrument, self.quantity, average)

    def unrealized_cents(self, mark_ticks: int | None) -> int:
        """Open P&L marked at ``mark_ticks`` (0 when flat or when no mark is known)."""
        if mark_ticks is None or not self._lots:
            return 0
        ticks = sum((mark_ticks - p) * q for q, p in self._lots)
        return self.instrument.ticks_to_cents(ticks)
