"""One poll of the live Sierra Chart files: new trades, bars that closed and depth batches, in time order."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np

from adapters.sierra.files.bars import bar_columns
from adapters.sierra.files.config import SierraFilesFeedConfig
from adapters.sierra.files.depth import DepthBook, check_depth, snapshot
from adapters.sierra.files.layout import CLEAR_BOOK
from adapters.sierra.files.reader import DEPTH, SCID, map_records
from adapters.sierra.files.scid import BLOCK, ScidRecords, concat, decode
from adapters.sierra.files.tail import DepthDayTail, RecordTail
from adapters.sierra.files.trades import SplitTrades, trades_from
from mia_core.errors import MiaError
from mia_core.events import MarketEvent
from mia_core.instruments import Instrument
from mia_core.market import Bar, DepthUpdate

log = logging.getLogger("mia.sierra")


class LiveFiles:
    """Polls the .scid file (and the day's .depth file) and turns what Sierra Chart appended into events.

    A bar is emitted when a record of a later period arrives, or ``bar_close_grace_seconds``
    after its end by the clock (Sierra Chart writes every few seconds, so records reach the
    file late). After a rewrite of the file, records not newer than the last one seen are
    dropped.
    """

    def __init__(self, config: SierraFilesFeedConfig, instrument: Instrument, now_ns: Callable[[], int]) -> None:
        self.config, self.instrument, self.now_ns = config, instrument, now_ns
        self.span = config.bar_seconds * 10**9
        from_end = config.stream_from == "end"
        self.scid = RecordTail(config.path, SCID, start_at_end=from_end)
        self.fmt: str | None = None
        self.last_ns: int | None = None
        self.pending: list[ScidRecords] = []
        self.split = SplitTrades(instrument, config.price_multiplier, config.combine_split_trades)
        self.depth: DepthDayTail | None = None
        self.book = DepthBook(instrument, config.depth_levels, config.price_multiplier)
        self.depth_fmt: str | None = None
        self._depth_primed = not from_end
        self._seeding = from_end
        if config.depth_dir:
            symbol = config.depth_symbol or Path(config.path).name[: -len(".scid")]
            self.depth = DepthDayTail(config.depth_dir, symbol, DEPTH)

    def poll(self) -> list[MarketEvent]:
        """Everything new since the last poll, oldest first."""
        if self._seeding:
            self._seeding = False
            self.scid.poll()  # learns where the file ends
            self._seed_open_bar()
        events: list[MarketEvent] = [*self._scid(), *self._close_by_clock(), *self._depth()]
        events.sort(key=lambda e: e.ts)
        return events

    def _scid(self) -> list[MarketEvent]:
        chunk = self.scid.poll()
        records = chunk.records
        if chunk.replaced_last and len(records):  # a bar record still open was rewritten: replace, not add
            last = self.pending[-1] if self.pending else None
            if last is not None and len(last):
                self.pending[-1] = decode(np.concatenate((last.raw[:-1], records[:1])), last.path,
                                          last.first_index, self.fmt)
            records = records[1:]
        if not len(records):
            return []
        decoded = decode(records, str(self.config.path), chunk.first_index, self.fmt,
                         None if chunk.restarted else self.last_ns)
        self.fmt = decoded.time_format
        if chunk.restarted and self.last_ns is not None:
            decoded = decoded.select(decoded.ts > self.last_ns)
            log.warning("%s was rewritten or shrunk: read again from the start, %d new records kept",
                        self.config.path, len(decoded))
        used = decoded.ts[decoded.ts != 0]
        if len(used):
            self.last_ns = max(int(used.max()), self.last_ns or 0)
        out: list[MarketEvent] = list(trades_from(decoded, self.split)) if self.config.trades else []
        self.pending.append(decoded)
        return out + self._bars(final=False)

    def _seed_open_bar(self) -> None:
        """Starting at the end of the file: the records of the bar still open, so its bar comes out whole.

        Read backwards block by block until a record of an earlier bar; their trades are not
        streamed (they happened before the start).
        """
        count = self.scid.next_index
        if count == 0:
            return
        mapped = map_records(self.config.path, SCID, live_seconds=float("inf"))
        parts: list[ScidRecords] = []
        end, open_period = count, None
        while end > 0:
            start = max(0, end - BLOCK)
            part = decode(mapped.records[start:end], mapped.path, start)
            parts.insert(0, part)
            stamped = part.ts[part.ts != 0]
            if len(stamped):
                open_period = int(stamped[-1]) // self.span if open_period is None else open_period
                if (stamped // self.span < open_period).any():
                    break
            end = start
        if open_period is None:
            return
        merged = concat(parts)
        self.fmt = merged.time_format
        self.last_ns = int(merged.ts.max())
        self.pending = [merged.select((merged.ts != 0) & (merged.ts // self.span == open_period))]

    def _bars(self, final: bool) -> list[MarketEvent]:
        """Bars of the pending records; the last period is kept open unless ``final``."""
        if not self.pending:
            return []
        merged = concat(self.pending)
        stamped = merged.ts[merged.ts != 0]
        if not len(stamped):
            return []
        open_period = int(stamped.max()) // self.span
        if final:
            done, self.pending = merged, []
        else:
            closed = merged.ts // self.span < open_period
            done = merged.select(closed)
            self.pending = [merged.select(~closed)]
        return self._to_bars(done)

    def _to_bars(self, records: ScidRecords) -> list[MarketEvent]:
        columns = bar_columns(records, self.config.bar_seconds, self.instrument.tick_size,
                              self.config.price_multiplier)
        out: list[MarketEvent] = []
        flow = "bid_volume" in columns
        for i in range(len(columns["ts"])):
            try:
                out.append(Bar(self.instrument, int(columns["ts"][i]), float(columns["open"][i]),
                               float(columns["high"][i]), float(columns["low"][i]), float(columns["close"][i]),
                               float(columns["volume"][i]),
                               float(columns["bid_volume"][i]) if flow else None,
                               float(columns["ask_volume"][i]) if flow else None,
                               int(columns["trade_count"][i])))
            except MiaError as exc:
                log.warning("%s: bar closing at %s dropped: %s", self.config.path, columns["ts"][i], exc)
        return out

    def _close_by_clock(self) -> list[MarketEvent]:
        if not self.pending or self.last_ns is None:
            return []
        end = (self.last_ns // self.span + 1) * self.span
        if self.now_ns() < end + int(self.config.bar_close_grace_seconds * 1e9):
            return []
        return self._bars(final=True)

    def _depth(self) -> list[MarketEvent]:
        if self.depth is None:
            return []
        out: list[DepthUpdate] = []
        for chunk in self.depth.poll():
            if chunk.restarted:  # a new day's file, or the file read again: start from an empty book
                self.depth_fmt = None
                self.book.clear(self.now_ns())
            path = str(self.depth.tail.path if self.depth.tail else "")
            ts, flags, self.depth_fmt = check_depth(chunk.records, path, chunk.first_index, self.depth_fmt)
            rec = chunk.records
            if not self._depth_primed:  # joining mid-day: the book as of the last full snapshot is enough
                clears = np.flatnonzero(rec["command"] == CLEAR_BOOK)
                if len(clears):
                    rec, ts, flags = rec[clears[-1]:], ts[clears[-1]:], flags[clears[-1]:]
            for t, command, flag, price, quantity in zip(ts.tolist(), rec["command"].tolist(), flags.tolist(),
                                                         rec["price"].tolist(), rec["quantity"].tolist(),
                                                         strict=True):
                out.extend(self.book.apply(t, command, flag, price, float(quantity)))
        if not self._depth_primed:  # started at the end: the book so far is built silently, then shown once
            self._depth_primed = True
            out = snapshot(self.book, self.now_ns())
        return list(out)
