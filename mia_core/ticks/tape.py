"""The tape: trades of one instrument as columns (time, price, size, aggressor side), validated on construction."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.errors import DomainValueError
from mia_core.instruments import Instrument

BUYER, SELLER, UNKNOWN = 1, -1, 0  # values of Tape.side
CHECK_BLOCK = 1 << 20


def _first_bad(mask: npt.NDArray[np.bool_]) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _int64(values: object) -> npt.NDArray[np.int64]:
    return np.ascontiguousarray(values, dtype=np.int64)


def _float64(values: object) -> npt.NDArray[np.float64]:
    return np.ascontiguousarray(values, dtype=np.float64)


def _int8(values: object) -> npt.NDArray[np.int8]:
    return np.ascontiguousarray(values, dtype=np.int8)


@attrs.frozen(eq=False)
class Tape:
    """Trades in time order: ``ts`` (UTC ns, int64, never decreasing: equal times allowed),
    ``price`` (float64, on the instrument's tick grid), ``size`` (whole contracts, int64, > 0)
    and ``side`` (int8: +1 the buyer crossed the spread, i.e. traded at the ask; -1 the seller,
    at the bid; 0 unknown).

    Sierra Chart's convention (``AskVolume`` = volume at the ask or higher, buyer-initiated;
    ``BidVolume`` = at the bid or lower) maps to side +1 / -1. Construction checks every row;
    the first bad one is named by index and time.
    """

    instrument: Instrument
    ts: npt.NDArray[np.int64] = attrs.field(converter=_int64)
    price: npt.NDArray[np.float64] = attrs.field(converter=_float64)
    size: npt.NDArray[np.int64] = attrs.field(converter=_int64)
    side: npt.NDArray[np.int8] = attrs.field(converter=_int8)

    def __attrs_post_init__(self) -> None:
        n = len(self.ts)
        for name in ("price", "size", "side"):
            if len(getattr(self, name)) != n:
                raise DomainValueError("Tape", name, len(getattr(self, name)), f"length differs from ts ({n})")
        for lo in range(0, n, CHECK_BLOCK):  # a block at a time: the checks' temporaries stay small
            self._check(lo, min(n, lo + CHECK_BLOCK))

    def _check(self, lo: int, hi: int) -> None:
        ts, price = self.ts[max(0, lo - 1):hi], self.price[lo:hi]
        size, side = self.size[lo:hi], self.side[lo:hi]
        ticks = price / self.instrument.tick_size
        checks = (
            ("ts", np.diff(ts) < 0, "earlier than the previous trade", max(0, lo - 1) + 1),
            ("price", ~(price > 0) | ~np.isfinite(price), "not a positive finite price", lo),
            ("price", np.abs(ticks - np.round(ticks)) > 1e-6, f"not on the tick grid of {self.instrument.tick_size}",
             lo),
            ("size", size <= 0, "not a positive whole size", lo),
            ("side", (side < -1) | (side > 1), "side must be +1 (buyer), -1 (seller) or 0", lo),
        )
        for name, mask, reason, offset in checks:
            row = _first_bad(mask)
            if row is not None:
                self._fail(name, row + offset, reason)

    def _fail(self, field: str, row: int, reason: str) -> None:
        value = getattr(self, field)[row]
        raise DomainValueError("Tape", f"{field}[{row}]", value, f"{reason} (trade at ts={int(self.ts[row])})")

    def __len__(self) -> int:
        return len(self.ts)

    def slice(self, lo: int, hi: int) -> Tape:
        """Trades ``lo`` to ``hi`` (exclusive), sharing memory with this tape (not re-validated)."""
        cut = slice(lo, hi)
        return _trusted(self.instrument, self.ts[cut], self.price[cut], self.size[cut], self.side[cut])


def _trusted(instrument: Instrument, ts: npt.NDArray[np.int64], price: npt.NDArray[np.float64],
             size: npt.NDArray[np.int64], side: npt.NDArray[np.int8]) -> Tape:
    """A Tape from columns already checked (a slice of a validated tape)."""
    tape = object.__new__(Tape)
    for name, value in (("instrument", instrument), ("ts", ts), ("price", price), ("size", size), ("side", side)):
        object.__setattr__(tape, name, value)
    return tape
