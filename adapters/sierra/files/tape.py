"""A .scid file's tick records as a Tape (trades with their aggressor side), and a Tape as .scid tick records."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from adapters.sierra.files.bars import CHUNK
from adapters.sierra.files.layout import SCID_RECORD, UNIX_EPOCH_SC_US, SierraFileError
from adapters.sierra.files.reader import LIVE_SECONDS, SCID, map_records, record_offset
from adapters.sierra.files.scid import ScidRecords, decode
from adapters.sierra.files.writer import scid_header
from mia_core.instruments import Instrument
from mia_core.ticks.tape import Tape


def tape_from_records(records: ScidRecords, instrument: Instrument, multiplier: float = 1.0) -> Tape:
    """The trades of ``records``' tick records: price (times ``multiplier``, on the tick grid), size, side.

    Side follows Sierra Chart's volumes: +1 when the volume traded at the ask (AskVolume,
    buyer-initiated), -1 at the bid (BidVolume), 0 when the record has both or neither.
    Quote-only, empty and zero-price records are skipped; a file stored as bars (Intraday
    Data Storage Time Unit above 1 tick) holds no trades and is refused. Records that step
    back in time a little (it happens in real files) are put in time order, ties kept in
    file order.
    """
    return _tape(instrument, *_columns(records, instrument, multiplier))


def _columns(records: ScidRecords, instrument: Instrument, multiplier: float) -> tuple[np.ndarray, ...]:
    """``ts, price, size, side`` of the trades of ``records`` (one field at a time: no copy of whole records)."""
    traded = records.traded
    bars = traded & ~records.is_tick
    if bars.any():
        first = int(np.argmax(bars))
        raise SierraFileError(records.path, record_offset(SCID, records.first_index + first),
                              f"record {records.first_index + first} is a bar, not a trade: the file is stored as "
                              f"bars (set Intraday Data Storage Time Unit to 1 Tick for trades)")
    every = bool(traded.all())
    raw = records.raw

    def field(name: str) -> np.ndarray:
        column: np.ndarray = raw[name]
        return column if every else column[traded]

    side = (field("ask_volume") > 0).view(np.int8) - (field("bid_volume") > 0).view(np.int8)
    price = np.round(field("close").astype(np.float64) * (multiplier / instrument.tick_size))
    price *= instrument.tick_size
    ts = records.ts if every else records.ts[traded]
    return ts, price, field("total_volume").astype(np.int64), side


def _tape(instrument: Instrument, ts: np.ndarray, price: np.ndarray, size: np.ndarray, side: np.ndarray) -> Tape:
    if len(ts) > 1 and bool((np.diff(ts) < 0).any()):
        order = np.argsort(ts, kind="stable")
        ts, price, size, side = ts[order], price[order], size[order], side[order]
    return Tape(instrument, ts, price, size, side)


def read_tape(path: str | Path, instrument: Instrument, *, multiplier: float = 1.0,
              live_seconds: float = LIVE_SECONDS, chunk: int = CHUNK) -> Tape:
    """Every trade of a .scid file as a Tape (see :func:`tape_from_records`), decoded ``chunk`` records at a time."""
    mapped = map_records(path, SCID, live_seconds=live_seconds)
    n = len(mapped.records)
    columns = (np.empty(n, np.int64), np.empty(n, np.float64), np.empty(n, np.int64), np.empty(n, np.int8))
    fmt, previous, have = None, None, 0
    for a in range(0, n, chunk):
        decoded = decode(mapped.records[a:a + chunk], mapped.path, a, fmt, previous)
        fmt = decoded.time_format
        stamped = decoded.ts[decoded.ts != 0]
        previous = int(stamped[-1]) if len(stamped) else previous
        part = _columns(decoded, instrument, multiplier)
        for column, values in zip(columns, part, strict=True):
            column[have:have + len(values)] = values
        have += len(part[0])
    return _tape(instrument, *(column[:have] for column in columns))


def tape_records(tape: Tape) -> np.ndarray:
    """The tape as .scid tick records: Open 0, High the ask and Low the bid at the trade (one tick from the
    price on the side not traded), Close the price, one trade, and the size as AskVolume (buyer) or
    BidVolume (seller); a trade of unknown side has neither. Times in microseconds."""
    records = np.zeros(len(tape), dtype=SCID_RECORD)
    tick = tape.instrument.tick_size
    buyer, seller = tape.side > 0, tape.side < 0
    records["dt"] = tape.ts // 1000 + UNIX_EPOCH_SC_US
    records["close"] = tape.price
    records["high"] = np.where(buyer, tape.price, tape.price + tick)
    records["low"] = np.where(seller, tape.price, tape.price - tick)
    records["num_trades"] = 1
    records["total_volume"] = tape.size
    records["ask_volume"] = np.where(buyer, tape.size, 0)
    records["bid_volume"] = np.where(seller, tape.size, 0)
    return records


def write_tape(path: str | Path, tape: Tape, chunk: int = CHUNK) -> Path:
    """Write ``tape`` as a .scid file of tick records, ``chunk`` trades at a time (memory stays bounded)."""
    path = Path(path)
    with open(path, "wb") as handle:
        handle.write(scid_header())
        for a in range(0, len(tape), chunk):
            handle.write(tape_records(tape.slice(a, a + chunk)).tobytes())
    return path
