"""Decoded .scid records: UTC times, tick or bar, split-trade markers, quote-only and empty records told apart."""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np

from adapters.sierra.files.layout import FIRST_SUB_TRADE_BITS, LAST_SUB_TRADE_BITS, MICROSECONDS, SierraFileError
from adapters.sierra.files.reader import LIVE_SECONDS, SCID, check_times, map_records, record_offset

TRADED, TICK, FIRST, LAST = 1, 2, 4, 8  # bits of ScidRecords.flags
BLOCK = 1 << 16  # records decoded at a time: each block's passes stay in the CPU cache


@attrs.frozen
class ScidRecords:
    """Records of a .scid file (``raw`` is the structured array) with their UTC ns times and kinds.

    Tick records (Intraday Data Storage Time Unit = 1 Tick) hold one trade: ``close`` is
    the price, ``high`` the ask and ``low`` the bid at the trade, ``open`` 0 or a split-trade
    marker. Other records are bars of the storage unit with a real open. ``flags`` holds
    TRADED (not empty, not quote-only, a positive close), TICK, FIRST and LAST (split-trade
    markers, compared bit for bit) per record.
    """

    path: str
    raw: np.ndarray
    ts: np.ndarray  # UTC ns, int64; 0 for an empty record
    flags: np.ndarray  # uint8 bits TRADED | TICK | FIRST | LAST
    time_format: str  # "microseconds" (current Sierra Chart) or "days" (legacy double)
    first_index: int = 0

    def __len__(self) -> int:
        return len(self.raw)

    def select(self, mask: np.ndarray) -> ScidRecords:
        """The records where ``mask`` holds (``first_index`` kept only when nothing is dropped)."""
        return ScidRecords(self.path, self.raw[mask], self.ts[mask], self.flags[mask], self.time_format,
                           self.first_index if mask.all() else 0)

    @property
    def first_of_split(self) -> np.ndarray:
        """First fill of a CME trade Sierra Chart split into fills."""
        mask: np.ndarray = (self.flags & FIRST) != 0
        return mask

    @property
    def last_of_split(self) -> np.ndarray:
        """Last fill of a split trade."""
        mask: np.ndarray = (self.flags & LAST) != 0
        return mask

    @property
    def is_tick(self) -> np.ndarray:
        """One trade with the bid and ask at it (not a bar)."""
        mask: np.ndarray = (self.flags & TICK) != 0
        return mask

    @property
    def traded(self) -> np.ndarray:
        """Records holding trades: not empty, not a quote-only update, a positive close."""
        mask: np.ndarray = (self.flags & TRADED) != 0
        return mask


def concat(parts: list[ScidRecords]) -> ScidRecords:
    """Several decoded pieces of one file as one."""
    if len(parts) == 1:
        return parts[0]
    return ScidRecords(parts[0].path, np.concatenate([p.raw for p in parts]), np.concatenate([p.ts for p in parts]),
                       np.concatenate([p.flags for p in parts]), parts[-1].time_format, parts[0].first_index)


def _check_prices(records: np.ndarray, path: str, first_index: int) -> None:
    """Refuse a NaN or infinite high, low or close (a sum per field: NaN and infinities carry through it)."""
    if all(np.isfinite(records[name].sum()) for name in ("close", "high", "low")):
        return
    finite = np.isfinite(records["close"]) & np.isfinite(records["high"]) & np.isfinite(records["low"])
    i = int(np.argmin(finite))
    values = [float(records[name][i]) for name in ("high", "low", "close")]
    raise SierraFileError(path, record_offset(SCID, first_index + i),
                          f"record {first_index + i}: high/low/close {values} is not a number (corrupt data)")


def _kinds(raw: np.ndarray, ts: np.ndarray, out: np.ndarray) -> None:
    words = raw.view("<u4").reshape(len(raw), 10)  # the record as ten 32-bit words: faster than field views
    bits = np.ascontiguousarray(words[:, 2])  # Open's bits
    first = bits == FIRST_SUB_TRADE_BITS
    last = bits == LAST_SUB_TRADE_BITS
    tick = (words[:, 6] == 1) & ((bits == 0) | first | last)
    traded = (words[:, 7] > 0) & (raw["close"] > 0)
    if ts[0] == 0 or ts[-1] == 0 or not ts.all():
        traded &= ts != 0
    np.bitwise_or(traded.view(np.uint8), tick.view(np.uint8) << 1, out=out)
    out |= first.view(np.uint8) << 2
    out |= last.view(np.uint8) << 3


def decode(records: np.ndarray, path: str, first_index: int = 0, fmt: str | None = None,
           previous_ns: int | None = None) -> ScidRecords:
    """Check and decode ``records`` (structured, from record ``first_index`` of ``path``), block by block."""
    if not records.flags.c_contiguous:
        records = np.ascontiguousarray(records)
    n = len(records)
    ts = np.empty(n, dtype=np.int64)
    flags = np.empty(n, dtype=np.uint8)
    for a in range(0, n, BLOCK):
        block = records[a:a + BLOCK]
        ns, fmt = check_times(block, SCID, path, first_index + a, fmt, previous_ns)
        _check_prices(block, path, first_index + a)
        ts[a:a + BLOCK] = ns
        _kinds(block, ns, flags[a:a + BLOCK])
        stamped = ns[ns != 0] if ns[-1] == 0 else ns[-1:]
        previous_ns = int(stamped[-1]) if len(stamped) else previous_ns
    return ScidRecords(path, records, ts, flags, fmt or MICROSECONDS, first_index)


def read_scid(path: str | Path, *, live_seconds: float = LIVE_SECONDS) -> ScidRecords:
    """Every whole record of ``path``, checked and decoded (see :func:`reader.map_records`)."""
    mapped = map_records(path, SCID, live_seconds=live_seconds)
    return decode(mapped.records, mapped.path)
