"""Writes .scid/.depth files in Sierra Chart's binary layouts: test fixtures, demos and the decoding benchmark."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from adapters.sierra.files.layout import (
    DEPTH_HEADER,
    DEPTH_HEADER_SIZE,
    DEPTH_MAGIC,
    DEPTH_RECORD,
    DEPTH_RECORD_SIZE,
    FIRST_SUB_TRADE_BITS,
    LAST_SUB_TRADE_BITS,
    SCID_HEADER,
    SCID_HEADER_SIZE,
    SCID_MAGIC,
    SCID_RECORD,
    SCID_RECORD_SIZE,
    UNIX_EPOCH_SC_DAYS,
    VERSION,
    sc_microseconds,
)

FIRST_MARKER = np.array([FIRST_SUB_TRADE_BITS], dtype="<u4").view("<f4")[0]
LAST_MARKER = np.array([LAST_SUB_TRADE_BITS], dtype="<u4").view("<f4")[0]


def scid_header() -> bytes:
    """The 56-byte header Sierra Chart writes."""
    header = np.zeros(1, dtype=SCID_HEADER)
    header["magic"], header["header_size"], header["record_size"], header["version"] = (
        SCID_MAGIC, SCID_HEADER_SIZE, SCID_RECORD_SIZE, VERSION)
    return header.tobytes()


def depth_header() -> bytes:
    """The 64-byte header Sierra Chart writes."""
    header = np.zeros(1, dtype=DEPTH_HEADER)
    header["magic"], header["header_size"], header["record_size"], header["version"] = (
        DEPTH_MAGIC, DEPTH_HEADER_SIZE, DEPTH_RECORD_SIZE, VERSION)
    return header.tobytes()


def legacy_days(unix_ns: int) -> int:
    """A UTC time as the int64 bit pattern of a legacy double DateTime (days since 1899-12-30)."""
    days = np.array([unix_ns / 86_400e9 + UNIX_EPOCH_SC_DAYS], dtype="<f8")
    return int(days.view("<i8")[0])


def scid_records(rows: Iterable[Sequence[float]], legacy: bool = False) -> np.ndarray:
    """Records from ``(unix_ns, open, high, low, close, trades, volume, bid_volume, ask_volume)`` rows."""
    out = []
    for ns, *rest in rows:
        dt = legacy_days(int(ns)) if legacy else sc_microseconds(int(ns))
        out.append((dt, *rest))
    return np.array(out, dtype=SCID_RECORD)


def tick(ns: int, price: float, size: int, *, bid: float, ask: float, buyer: bool,
         marker: str = "") -> tuple[float, ...]:
    """One tick row for :func:`scid_records`: a trade of ``size`` at ``price`` with the bid/ask at it."""
    opens = {"": 0.0, "first": FIRST_MARKER, "last": LAST_MARKER}
    return (ns, opens[marker], ask, bid, price, 1, size, 0 if buyer else size, size if buyer else 0)


def depth_records(rows: Iterable[Sequence[float]], legacy: bool = False) -> np.ndarray:
    """Records from ``(unix_ns, command, flags, num_orders, price, quantity)`` rows (legacy: double times)."""
    stamp = legacy_days if legacy else sc_microseconds
    return np.array([(stamp(int(ns)), *rest, 0) for ns, *rest in rows], dtype=DEPTH_RECORD)


def write_file(path: str | Path, header: bytes, records: np.ndarray, tail: bytes = b"") -> Path:
    """Write ``header`` + ``records`` (+ ``tail``, e.g. a partial record) to ``path``."""
    path = Path(path)
    path.write_bytes(header + records.tobytes() + tail)
    return path


def append(path: str | Path, data: bytes) -> None:
    """Append bytes as Sierra Chart does at each flush."""
    with open(path, "ab") as handle:
        handle.write(data)


def synthetic_ticks(count: int, start_ns: int, seed: int = 7, price: float = 6850.0) -> np.ndarray:
    """``count`` plausible ES tick records (a random walk on the 0.25 grid, ~50 ms apart), vectorised."""
    rng = np.random.default_rng(seed)
    records = np.zeros(count, dtype=SCID_RECORD)
    step = rng.integers(1, 100, count, dtype=np.int64)
    records["dt"] = sc_microseconds(start_ns) + np.cumsum(step) * 1000
    close = price + 0.25 * np.cumsum(rng.integers(-1, 2, count))
    buyer = rng.random(count) < 0.5
    size = rng.integers(1, 20, count, dtype=np.uint32)
    records["close"] = close
    records["high"] = np.where(buyer, close, close + 0.25)
    records["low"] = np.where(buyer, close - 0.25, close)
    records["num_trades"] = 1
    records["total_volume"] = size
    records["ask_volume"] = np.where(buyer, size, 0)
    records["bid_volume"] = np.where(buyer, 0, size)
    return records
