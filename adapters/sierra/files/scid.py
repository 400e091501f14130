"""Decoded .scid records: UTC times, tick or bar, split-trade markers, quote-only and empty records told apart."""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np

from adapters.sierra.files.layout import FIRST_SUB_TRADE_BITS, LAST_SUB_TRADE_BITS, SierraFileError
from adapters.sierra.files.reader import LIVE_SECONDS, SCID, check_times, map_records, record_offset


@attrs.frozen
class ScidRecords:
    """Records of a .scid file (``raw`` is the structured array) with their UTC ns times.

    Tick records (Intraday Data Storage Time Unit = 1 Tick) hold one trade: ``close`` is
    the price, ``high`` the ask and ``low`` the bid at the trade, ``open`` 0 or a split-trade
    marker. Other records are bars of the storage unit with a real open.
    """

    path: str
    raw: np.ndarray
    ts: np.ndarray  # UTC ns, int64; 0 for an empty record
    time_format: str  # "microseconds" (current Sierra Chart) or "days" (legacy double)
    first_index: int = 0

    def __len__(self) -> int:
        return len(self.raw)

    @property
    def open_bits(self) -> np.ndarray:
        """The Open field's raw 32 bits (split-trade markers are compared bit for bit)."""
        return np.ascontiguousarray(self.raw["open"]).view("<u4")

    @property
    def first_of_split(self) -> np.ndarray:
        """First fill of a CME trade Sierra Chart split into fills."""
        return self.open_bits == FIRST_SUB_TRADE_BITS

    @property
    def last_of_split(self) -> np.ndarray:
        """Last fill of a split trade."""
        return self.open_bits == LAST_SUB_TRADE_BITS

    @property
    def is_tick(self) -> np.ndarray:
        """One trade with the bid and ask at it (not a bar)."""
        bits = self.open_bits
        marker = (bits == 0) | (bits == FIRST_SUB_TRADE_BITS) | (bits == LAST_SUB_TRADE_BITS)
        return (self.raw["num_trades"] == 1) & marker

    @property
    def traded(self) -> np.ndarray:
        """Records holding trades: not empty, not a quote-only update, a positive close."""
        return (self.ts != 0) & (self.raw["total_volume"] > 0) & (self.raw["close"] > 0)


def decode(records: np.ndarray, path: str, first_index: int = 0, fmt: str | None = None,
           previous_ns: int | None = None) -> ScidRecords:
    """Check and decode ``records`` (structured, from record ``first_index`` of ``path``)."""
    ts, fmt = check_times(records, SCID, path, first_index, fmt, previous_ns)
    prices = records[["open", "high", "low", "close"]]
    finite = np.isfinite(records["close"]) & np.isfinite(records["high"]) & np.isfinite(records["low"])
    if not finite.all():
        i = int(np.argmin(finite))
        raise SierraFileError(path, record_offset(SCID, first_index + i),
                              f"record {first_index + i}: price {prices[i]} is not a number (corrupt data)")
    return ScidRecords(path, records, ts, fmt, first_index)


def read_scid(path: str | Path, *, live_seconds: float = LIVE_SECONDS) -> ScidRecords:
    """Every whole record of ``path``, checked and decoded (see :func:`reader.map_records`)."""
    mapped = map_records(path, SCID, live_seconds=live_seconds)
    return decode(mapped.records, mapped.path)
