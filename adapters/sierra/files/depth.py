"""A .depth file's price-level commands as the domain's level-based DepthUpdate events, released per batch."""

from __future__ import annotations

import bisect
from pathlib import Path

import numpy as np

from adapters.sierra.files.layout import (
    ADD_ASK,
    ADD_BID,
    CLEAR_BOOK,
    DAYS,
    DELETE_ASK,
    DELETE_BID,
    END_OF_BATCH,
    MODIFY_ASK,
    MODIFY_BID,
    SierraFileError,
)
from adapters.sierra.files.reader import DEPTH, LIVE_SECONDS, check_times, map_records, record_offset
from mia_core.instruments import Instrument
from mia_core.market import BookSide, DepthAction, DepthUpdate

_SIDE = {ADD_BID: BookSide.BID, MODIFY_BID: BookSide.BID, DELETE_BID: BookSide.BID,
         ADD_ASK: BookSide.ASK, MODIFY_ASK: BookSide.ASK, DELETE_ASK: BookSide.ASK}


class _Side:
    """One side's levels, best first, as sorted keys (price in ticks; bids negated so best sorts first)."""

    def __init__(self, side: BookSide) -> None:
        self.side = side
        self.keys: list[int] = []
        self.sizes: dict[int, float] = {}


class DepthBook:
    """Sierra Chart's market-by-price commands turned into IB-style level updates of the best ``levels``.

    A new price is an INSERT at its level (pushing the levels below it down), a changed one an
    UPDATE, a removed one a DELETE (pulling them up; the level that moves into view is
    INSERTed at the bottom). CLEAR_BOOK deletes every level. Events are held until the
    record flagged END_OF_BATCH, so a consumer never sees a half-applied batch.
    """

    def __init__(self, instrument: Instrument, levels: int = 10, multiplier: float = 1.0) -> None:
        self.instrument = instrument
        self.levels = levels
        self.multiplier = multiplier
        self.sides = {BookSide.BID: _Side(BookSide.BID), BookSide.ASK: _Side(BookSide.ASK)}
        self.pending: list[DepthUpdate] = []

    def _event(self, ts: int, side: _Side, level: int, action: DepthAction, key: int) -> None:
        if level < self.levels:
            price = abs(key) * self.instrument.tick_size
            size = side.sizes.get(key, 0.0) if action is not DepthAction.DELETE else 0.0
            self.pending.append(DepthUpdate(self.instrument, ts, side.side, level, action, price, size))

    def _set(self, ts: int, side: _Side, key: int, quantity: float) -> None:
        at = bisect.bisect_left(side.keys, key)
        if at < len(side.keys) and side.keys[at] == key:
            side.sizes[key] = quantity
            self._event(ts, side, at, DepthAction.UPDATE, key)
            return
        side.keys.insert(at, key)
        side.sizes[key] = quantity
        self._event(ts, side, at, DepthAction.INSERT, key)

    def _delete(self, ts: int, side: _Side, key: int) -> None:
        at = bisect.bisect_left(side.keys, key)
        if at == len(side.keys) or side.keys[at] != key:
            return
        del side.keys[at]
        del side.sizes[key]
        self._event(ts, side, at, DepthAction.DELETE, key)
        if at < self.levels <= len(side.keys):
            self._event(ts, side, self.levels - 1, DepthAction.INSERT, side.keys[self.levels - 1])

    def _clear(self, ts: int) -> None:
        for side in self.sides.values():
            for _ in range(min(len(side.keys), self.levels)):
                self.pending.append(DepthUpdate(self.instrument, ts, side.side, 0, DepthAction.DELETE,
                                                abs(side.keys[0]) * self.instrument.tick_size, 0.0))
                del side.sizes[side.keys.pop(0)]
            side.keys.clear()
            side.sizes.clear()

    def apply(self, ts: int, command: int, flags: int, price: float, quantity: float) -> list[DepthUpdate]:
        """Apply one record; returns the batch's events when the record ends a batch, else []."""
        if command == CLEAR_BOOK:
            self._clear(ts)
        elif command in _SIDE:
            side = self.sides[_SIDE[command]]
            ticks = round(price * self.multiplier / self.instrument.tick_size)
            key = -ticks if side.side is BookSide.BID else ticks
            if command in (DELETE_BID, DELETE_ASK) or quantity == 0:
                self._delete(ts, side, key)
            else:
                self._set(ts, side, key, quantity)
        if flags & END_OF_BATCH:
            out, self.pending = self.pending, []
            return out
        return []

    def clear(self, ts: int) -> None:
        """Empty the book (a file read again from its start); the deletes go out with the next batch."""
        self._clear(ts)

    def best(self, side: BookSide) -> tuple[float, float] | None:
        """The best price and its size on ``side`` (None when empty)."""
        book = self.sides[side]
        if not book.keys:
            return None
        return abs(book.keys[0]) * self.instrument.tick_size, book.sizes[book.keys[0]]


def check_depth(records: np.ndarray, path: str, first_index: int = 0, fmt: str | None = None,
                previous_ns: int | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """Times (UTC ns), batch flags and the time format of depth records; bad commands or prices are refused.

    Legacy files (double times) have no flags: each of their records is a batch of its own.
    """
    ts, fmt = check_times(records, DEPTH, path, first_index, fmt, previous_ns)
    flags = records["flags"] if fmt != DAYS else np.full(len(records), END_OF_BATCH, dtype=np.uint8)
    command = records["command"]
    price = records["price"]
    bad = (command > DELETE_ASK) | ((command >= ADD_BID) & ~(np.isfinite(price) & (price > 0)))
    if bad.any():
        i = int(np.argmax(bad))
        what = (f"unknown command {int(command[i])} (0-7)" if command[i] > DELETE_ASK
                else f"price {float(price[i])!r} for command {int(command[i])}")
        raise SierraFileError(path, record_offset(DEPTH, first_index + i),
                              f"record {first_index + i}: {what} (corrupt or foreign data)")
    return ts, flags, fmt


def read_depth(path: str | Path, instrument: Instrument, levels: int = 10, multiplier: float = 1.0, *,
               live_seconds: float = LIVE_SECONDS) -> list[DepthUpdate]:
    """Every complete batch of ``path`` as level updates (a batch not yet ended is left out)."""
    mapped = map_records(path, DEPTH, live_seconds=live_seconds)
    ts, flags, _ = check_depth(mapped.records, mapped.path)
    book = DepthBook(instrument, levels, multiplier)
    out: list[DepthUpdate] = []
    rec = mapped.records
    for t, command, flag, price, quantity in zip(ts.tolist(), rec["command"].tolist(), flags.tolist(),
                                                 rec["price"].tolist(), rec["quantity"].tolist(), strict=True):
        out.extend(book.apply(t, command, flag, price, float(quantity)))
    return out


def _snapshot(book: DepthBook, ts: int) -> list[DepthUpdate]:
    """INSERT events that draw ``book``'s current best levels from an empty book."""
    out = []
    for side in book.sides.values():
        for level, key in enumerate(side.keys[: book.levels]):
            out.append(DepthUpdate(book.instrument, ts, side.side, level, DepthAction.INSERT,
                                   abs(key) * book.instrument.tick_size, side.sizes[key]))
    return out


def snapshot(book: DepthBook, ts: int) -> list[DepthUpdate]:
    """The book's current levels as INSERTs (a live stream joining mid-day); drops the unfinished batch's events."""
    book.pending = []
    return _snapshot(book, ts)
