"""The binary layouts of Sierra Chart's .scid and .depth files (docs/adapters/sierra_files.md), as numpy dtypes."""

from __future__ import annotations

import numpy as np

from mia_core.errors import MiaError

SCID_MAGIC = b"SCID"
SCID_HEADER_SIZE = 56
SCID_RECORD_SIZE = 40
DEPTH_MAGIC = b"SCDD"
DEPTH_HEADER_SIZE = 64
DEPTH_RECORD_SIZE = 24
VERSION = 1
MINIMAL_HEADER = 16  # magic, header size, record size, version: enough to validate and learn the sizes

SCID_HEADER = np.dtype([("magic", "S4"), ("header_size", "<u4"), ("record_size", "<u4"), ("version", "<u2"),
                        ("unused1", "<u2"), ("utc_start_index", "<u4"), ("reserve", "S36")])
SCID_RECORD = np.dtype([("dt", "<i8"), ("open", "<f4"), ("high", "<f4"), ("low", "<f4"), ("close", "<f4"),
                        ("num_trades", "<u4"), ("total_volume", "<u4"), ("bid_volume", "<u4"),
                        ("ask_volume", "<u4")])
DEPTH_HEADER = np.dtype([("magic", "S4"), ("header_size", "<u4"), ("record_size", "<u4"), ("version", "<u4"),
                         ("reserve", "S48")])
DEPTH_RECORD = np.dtype([("dt", "<i8"), ("command", "u1"), ("flags", "u1"), ("num_orders", "<u2"),
                         ("price", "<f4"), ("quantity", "<u4"), ("reserved", "<u4")])
assert SCID_HEADER.itemsize == SCID_HEADER_SIZE and SCID_RECORD.itemsize == SCID_RECORD_SIZE
assert DEPTH_HEADER.itemsize == DEPTH_HEADER_SIZE and DEPTH_RECORD.itemsize == DEPTH_RECORD_SIZE

# The Open field of a tick record marks CME trades Sierra Chart split into fills; compare bits, not floats.
FIRST_SUB_TRADE_BITS = 0xFD709EF9
LAST_SUB_TRADE_BITS = 0xFD709F01

# Depth commands and flags.
NO_COMMAND, CLEAR_BOOK, ADD_BID, ADD_ASK, MODIFY_BID, MODIFY_ASK, DELETE_BID, DELETE_ASK = range(8)
END_OF_BATCH = 0x01

# Times: current files hold int64 microseconds since 1899-12-30 UTC, older ones a double count of days.
UNIX_EPOCH_SC_DAYS = 25569
UNIX_EPOCH_SC_US = UNIX_EPOCH_SC_DAYS * 86_400 * 1_000_000  # 2,209,161,600,000,000
MIN_SC_US, MAX_SC_US = 2_840_313_600_000_000, 6_311_606_400_000_000  # 1990-01-01 .. 2100-01-01
MIN_SC_DAYS, MAX_SC_DAYS = 32_874.0, 73_051.0  # the same window in days
MICROSECONDS, DAYS = "microseconds", "days"


class SierraFileError(MiaError, ValueError):
    """A file given as .scid/.depth that is not one, or is corrupt: names the file, the byte offset and why."""

    def __init__(self, path: str, offset: int, reason: str) -> None:
        self.path, self.offset, self.reason = path, offset, reason
        super().__init__(f"{path}, byte {offset}: {reason}")


def time_format(raw: np.ndarray, path: str, offset: int) -> str:
    """``microseconds`` (current Sierra Chart) or ``days`` (legacy double) from one record's 8 DateTime bytes."""
    value = int(raw.view("<i8")[0])
    if MIN_SC_US <= value <= MAX_SC_US:
        return MICROSECONDS
    days = float(raw.view("<f8")[0])
    if MIN_SC_DAYS <= days <= MAX_SC_DAYS:
        return DAYS
    raise SierraFileError(path, offset, f"record time {value} is neither microseconds nor days since 1899-12-30 "
                                        f"within 1990-2100: not a Sierra Chart record (corrupt or foreign file)")


def to_unix_ns(dt: np.ndarray, fmt: str) -> np.ndarray:
    """Record DateTime values (int64 raw) as UTC nanoseconds since 1970 (int64)."""
    if fmt == MICROSECONDS:
        ns = dt - UNIX_EPOCH_SC_US
        ns *= 1000
        return ns
    days = dt.view("<f8")
    ms = np.round((days - UNIX_EPOCH_SC_DAYS) * 86_400_000.0)
    return ms.astype(np.int64) * 1_000_000


def sc_microseconds(unix_ns: int) -> int:
    """A UTC time in ns as Sierra Chart's int64 DateTime (microseconds since 1899-12-30)."""
    return unix_ns // 1000 + UNIX_EPOCH_SC_US


def plausible(unix_ns: np.ndarray) -> np.ndarray:
    """Which times fall in 1990-2100 (anything else is corrupt data, not a market time)."""
    low = (MIN_SC_US - UNIX_EPOCH_SC_US) * 1000
    high = (MAX_SC_US - UNIX_EPOCH_SC_US) * 1000
    return (unix_ns >= low) & (unix_ns <= high)
