"""Futures portfolio for one instrument: FIFO lots, exact P&L in integer ticks, equity curve."""

from __future__ import annotations

from collections import deque
from datetime import date

import numpy as np
import numpy.typing as npt

from mia_core.accounting import marks
from mia_core.accounting.curve import EquityCurve, Ticks
from mia_core.accounting.lots import Lot
from mia_core.accounting.roundtrip import RoundTrip
from mia_core.accounting.tradingdays import cme_day_bounds
from mia_core.errors import DomainValueError
from mia_core.instruments import Instrument
from mia_core.orders import AccountSnapshot, Fill, Position
from mia_core.timeutil import cme_trading_day

_NEVER = -(2**62)
_NO_PRICES = np.empty(0, dtype=np.int64)


def _not_following() -> marks.FollowedBars:
    return marks.FollowedBars(_NO_PRICES, _NO_PRICES, _NO_PRICES, _NO_PRICES)


def _whole_cents(value: object, field: str) -> int:
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise DomainValueError("Portfolio", field, value, "must be a whole number of cents")
    return int(value)


class Portfolio:
    """Position, cash, P&L and equity curve of one futures instrument, all in integer cents.

    Positions are kept as FIFO lots (one per opening fill) at integer tick prices, so
    realized P&L is ``(exit_ticks - entry_ticks) * side * tick_value_cents * quantity``
    and sums are exact. ``cash = initial + realized - commissions``;
    ``equity = cash + unrealized``, with unrealized valued at the last price seen (the
    last mark's close, or a later fill's price). Timestamps are UTC ns; marks must not
    go back in time. Daily figures follow the CME trading day (17:00 Chicago rollover)
    of the latest mark or fill; an event older than the current day counts for it.
    """

    def __init__(self, instrument: Instrument, initial_cash_cents: object) -> None:  # whole cents, checked
        self._instrument = instrument
        self._symbol = instrument.symbol
        self._tick_size = instrument.tick_size
        self._tick_value = instrument.tick_value_cents
        self._initial = _whole_cents(initial_cash_cents, "initial_cash_cents")
        self._lots: deque[Lot] = deque()
        self._qty = 0
        self._cost_ticks = 0
        self._realized = 0
        self._commission = 0
        self._cash = self._initial
        self._unrealized = 0
        self._trips: list[RoundTrip] = []
        self._curve = EquityCurve(self._initial)
        self._mark_ts = _NEVER
        self._followed = _not_following()  # the series mark_range indexes into
        self._day: date | None = None
        self._day_start = _NEVER
        self._day_end = _NEVER
        self._realized_today = 0
        self._trades_today = 0
        self._losses = 0
        self._losses_today = 0

    # -- events ---------------------------------------------------------------------

    def apply_fill(self, fill: Fill, reason: str = "") -> list[RoundTrip]:
        """Book one execution; return the round trips it closed (oldest lot first).

        A fill against the position closes lots FIFO, each closed lot (or part of
        one) giving a ``RoundTrip`` with ``exit_reason=reason``; any quantity left
        over opens a new lot in the fill's direction (a reversal). The fill's
        commission is split pro rata by quantity over the lots it closes and the lot
        it opens, and a lot's entry commission pro rata over its partial closes, in
        integer cents with the remainder on the last share, so no cent is lost.
        """
        if fill.instrument is not self._instrument and fill.instrument != self._instrument:
            raise DomainValueError(
                "Portfolio", "fill.instrument", fill.instrument.symbol, f"this portfolio books {self._symbol}"
            )
        self._followed.settle(self._lots, self._qty)
        ts = fill.ts
        if not self._day_start <= ts < self._day_end:
            self._roll_day(ts)
        ticks = self._instrument.to_ticks(fill.price, field="price", owner="Fill")
        commission_left = _whole_cents(fill.commission_cents, "fill.commission_cents")
        self._commission += commission_left
        self._cash -= commission_left
        self._realized_today -= commission_left
        sign = fill.side.sign
        remaining = fill.quantity
        trips: list[RoundTrip] = []
        while remaining and self._qty * sign < 0:
            lot = self._lots[0]
            quantity = min(remaining, lot.quantity)
            exit_share = commission_left * quantity // remaining
            commission_left -= exit_share
            trip = lot.close(self._instrument, fill, ticks, quantity, exit_share, reason)
            trips.append(trip)
            if not lot.quantity:
                self._lots.popleft()
            self._qty += sign * quantity
            self._cost_ticks += sign * lot.entry_ticks * quantity
            self._realized += trip.gross_cents
            self._cash += trip.gross_cents
            self._realized_today += trip.gross_cents
            if trip.net_cents < 0:
                self._losses += 1
                self._losses_today += 1
            else:
                self._losses = self._losses_today = 0
            remaining -= quantity
        if remaining:
            self._lots.append(Lot(ts, ticks, sign, remaining, commission_left))
            self._qty += sign * remaining
            self._cost_ticks += sign * ticks * remaining
            self._trades_today += 1
        self._unrealized = (ticks * self._qty - self._cost_ticks) * self._tick_value
        self._trips.extend(trips)
        return trips

    def mark(self, ts: int, high: float, low: float, close: float) -> None:
        """Value the position at a bar's close and record one equity point.

        Updates unrealized P&L at ``close``, each open lot's MAE/MFE (from ``high``/
        ``low`` when ``ts`` is after the lot's entry; from ``close`` only on the bar
        the lot was entered at, whose range preceded the entry), the equity curve and
        the peak equity. Prices are rounded to the nearest tick (bars are validated on
        the grid where they are built). Allocates nothing per bar.
        """
        if ts < self._mark_ts:
            raise DomainValueError("Portfolio", "mark.ts", ts, f"earlier than the previous mark {self._mark_ts}")
        if low > high:
            raise DomainValueError("Portfolio", "mark.low", low, f"above high {high}")
        self._mark_ts = ts
        if not self._day_start <= ts < self._day_end:
            self._roll_day(ts)
        self._followed.settle(self._lots, self._qty)
        qty = self._qty
        if qty:
            size = self._tick_size
            last = round(close / size)
            top = round(high / size)
            bottom = round(low / size)
            for lot in self._lots:
                entry = lot.entry_ticks
                if ts > lot.entry_ts:
                    lot.bars += 1
                    if qty > 0:
                        adverse, favourable = entry - bottom, top - entry
                    else:
                        adverse, favourable = top - entry, entry - bottom
                else:
                    if ts == lot.entry_ts:
                        lot.bars += 1  # the entry bar's own close, with the lot open
                    favourable = (last - entry) if qty > 0 else (entry - last)
                    adverse = -favourable
                if adverse > lot.mae:
                    lot.mae = adverse
                if favourable > lot.mfe:
                    lot.mfe = favourable
            self._unrealized = (last * qty - self._cost_ticks) * self._tick_value
            equity = self._cash + self._unrealized
        else:
            equity = self._cash
        self._curve.append(ts, equity, qty)

    def mark_ticks(self, ts: marks.Ints, top: marks.Ints, bottom: marks.Ints, last: marks.Ints) -> None:
        """``mark`` for each bar in order, in bulk, prices as ticks (``round(price / tick_size)``).

        The caller guarantees ``ts`` (int64) does not decrease and ``bottom <= top`` (see
        ``marks.mark_many``); only the first mark is checked against the previous one.
        """
        if not len(ts):
            return
        first = int(ts[0])
        if first < self._mark_ts:
            raise DomainValueError("Portfolio", "mark.ts", first, f"earlier than the previous mark {self._mark_ts}")
        end = int(ts[-1])
        self._mark_ts = end
        if not self._day_start <= end < self._day_end:
            self._roll_day(end)  # the last roll of a run of marks decides the day
        self._followed.settle(self._lots, self._qty)
        qty = self._qty
        if qty:
            marks.update_lots(self._lots, qty, ts, top, bottom, last, range(len(ts)))
        base = self._cash - self._cost_ticks * self._tick_value
        equity = self._curve.extend(ts, last, qty, base, self._tick_value)
        if qty:
            self._unrealized = equity - self._cash

    def follow(self, ts: marks.Ints, top: Ticks, bottom: Ticks, last: Ticks) -> None:
        """The price series :meth:`mark_range` marks from: int64 UTC ns and prices as ticks.

        The caller guarantees what ``mark_ticks`` asks for: ``ts`` does not decrease and
        ``bottom <= top`` on every bar.
        """
        self._followed.settle(self._lots, self._qty)
        self._followed = marks.FollowedBars(ts, top, bottom, last)
        self._curve.follow(ts, last)

    def unfollow(self) -> None:
        """Work out every deferred mark now and let go of the followed price series."""
        self._followed.settle(self._lots, self._qty)
        self._curve.settle()
        self._followed = _not_following()
        self._curve.follow(_NO_PRICES, _NO_PRICES)

    def mark_range(self, first: int, end: int) -> None:
        """``mark`` for bars ``first`` to ``end - 1`` of the followed series, computed when needed.

        The equity points and the open lots' excursions are worked out in bulk when
        something reads them (a fill, the curve, the peak, the open excursions); the
        position's value, the daily figures and the last mark's time are current at once.
        """
        if end <= first:
            return
        followed = self._followed
        times = followed.ts.data  # a memoryview: Python ints, no numpy scalar
        start: int = times[first]
        if start < self._mark_ts:
            raise DomainValueError("Portfolio", "mark.ts", start, f"earlier than the previous mark {self._mark_ts}")
        last_ts: int = times[end - 1]
        self._mark_ts = last_ts
        if not self._day_start <= last_ts < self._day_end:
            self._roll_day(last_ts)
        qty = self._qty
        tick_value = self._tick_value
        cost = self._cost_ticks * tick_value
        if qty:
            followed.add(self._lots, qty, first, end)
            last: int = followed.close.data[end - 1]
            self._unrealized = last * qty * tick_value - cost
        self._curve.defer(first, end, qty, self._cash - cost, tick_value)

    def _roll_day(self, ts: int) -> None:
        if ts < self._day_start:
            return
        day = cme_trading_day(ts)
        self._day = day
        self._day_start, self._day_end = cme_day_bounds(day)
        self._realized_today = 0
        self._trades_today = 0
        self._losses_today = 0

    # -- state ----------------------------------------------------------------------

    @property
    def instrument(self) -> Instrument:
        """The instrument booked."""
        return self._instrument

    @property
    def position(self) -> Position:
        """Signed net position with its average entry price (``None`` when flat)."""
        if not self._qty:
            return Position(self._instrument, 0, None)
        average_ticks = self._cost_ticks / self._qty
        return Position(self._instrument, self._qty, average_ticks * self._tick_size)

    @property
    def last_mark_ns(self) -> int:
        """Timestamp of the latest mark (a large negative number before any)."""
        return self._mark_ts

    @property
    def quantity(self) -> int:
        """Signed contracts held (positive long, negative short)."""
        return self._qty

    @property
    def initial_cash_cents(self) -> int:
        """Starting cash."""
        return self._initial

    @property
    def realized_cents(self) -> int:
        """Gross realized P&L of all closed lots (before commissions)."""
        return self._realized

    @property
    def unrealized_cents(self) -> int:
        """Open position valued at the last price seen, against its FIFO lot prices."""
        return self._unrealized

    @property
    def commission_cents(self) -> int:
        """All commissions charged so far (including entries still open)."""
        return self._commission

    @property
    def cash_cents(self) -> int:
        """``initial + realized - commissions``."""
        return self._cash

    @property
    def equity_cents(self) -> int:
        """``cash + unrealized``."""
        return self._cash + self._unrealized

    def rebase(self, equity_cents: int) -> int:
        """Take ``equity_cents`` (the broker's account value) as the equity now; returns the change.

        Cash, the initial cash and the peak move by the same amount, so P&L and drawdown
        are unchanged: a live session starts from the account's net liquidation value
        instead of a default. Backtests never call it.
        """
        delta = equity_cents - (self._cash + self._unrealized)
        self._cash += delta
        self._initial += delta
        self._curve.settle()
        self._curve.peak += delta
        return delta

    @property
    def peak_equity_cents(self) -> int:
        """Highest equity at any mark, and at least the initial cash."""
        self._curve.settle()
        return self._curve.peak

    @property
    def round_trips(self) -> list[RoundTrip]:
        """Every round trip closed so far, in closing order (a copy)."""
        return list(self._trips)

    @property
    def trading_day(self) -> date | None:
        """CME trading day of the daily figures (``None`` before any event)."""
        return self._day

    @property
    def realized_today_cents(self) -> int:
        """Realized P&L on the current trading day net of every commission charged that day."""
        return self._realized_today

    @property
    def trades_today(self) -> int:
        """Entries on the current trading day: fills that opened or added to a position."""
        return self._trades_today

    @property
    def consecutive_losses(self) -> int:
        """Losing round trips (net < 0) in a row, across days; a net >= 0 trip resets it."""
        return self._losses

    @property
    def consecutive_losses_today(self) -> int:
        """Like ``consecutive_losses`` but reset at each trading-day rollover."""
        return self._losses_today

    @property
    def open_mae_ticks(self) -> int:
        """Largest per-contract adverse excursion among open lots (0 when flat)."""
        self._followed.settle(self._lots, self._qty)
        return max((lot.mae for lot in self._lots), default=0)

    @property
    def open_mfe_ticks(self) -> int:
        """Largest per-contract favourable excursion among open lots (0 when flat)."""
        self._followed.settle(self._lots, self._qty)
        return max((lot.mfe for lot in self._lots), default=0)

    @property
    def open_mae_cents(self) -> int:
        """Sum over open lots of their adverse excursion times their quantity, in cents."""
        self._followed.settle(self._lots, self._qty)
        return sum(lot.mae * lot.quantity for lot in self._lots) * self._tick_value

    @property
    def open_mfe_cents(self) -> int:
        """Sum over open lots of their favourable excursion times their quantity, in cents."""
        self._followed.settle(self._lots, self._qty)
        return sum(lot.mfe * lot.quantity for lot in self._lots) * self._tick_value

    def equity_curve(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Copies of the marks' timestamps (UTC ns) and equity (cents), one per ``mark``."""
        return self._curve.times(), self._curve.equity()

    def position_curve(self) -> npt.NDArray[np.int64]:
        """Signed position at each mark (aligned with ``equity_curve``); ``!= 0`` is in market."""
        return self._curve.positions()

    def snapshot(self, ts: int) -> AccountSnapshot:
        """Account figures now, stamped ``ts``."""
        return AccountSnapshot(
            ts=ts,
            cash_cents=self._cash,
            equity_cents=self.equity_cents,
            realized_pnl_cents=self._realized,
            unrealized_pnl_cents=self._unrealized,
        )
