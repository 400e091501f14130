"""The live side: what Sierra Chart appends becomes trades, closed bars and depth batches, in time order."""

from __future__ import annotations

import asyncio

import attrs

from adapters.sierra.files.config import SierraFilesFeedConfig
from adapters.sierra.files.feed import SierraFilesDataFeed
from adapters.sierra.files.live import LiveFiles
from adapters.sierra.files.writer import (
    append,
    depth_header,
    depth_records,
    scid_header,
    scid_records,
    tick,
    write_file,
)
from mia_core.instruments import ES
from mia_core.market import Bar, BookSide, DepthUpdate, Trade

from .helpers import T0, S, ticks_rows


class Clock:
    """A manual clock (ns)."""

    def __init__(self, ns: int) -> None:
        self.ns = ns

    def __call__(self) -> int:
        return self.ns


def _config(tmp_path, **overrides) -> SierraFilesFeedConfig:
    return SierraFilesFeedConfig(path=str(tmp_path / "ESZ25-CME.scid"), **overrides)


def test_appended_ticks_become_trades_and_a_bar_closes_when_the_next_minute_starts(tmp_path) -> None:
    rows = ticks_rows()
    config = _config(tmp_path, stream_from="start")
    write_file(config.path, scid_header(), scid_records(rows[:2]), scid_records(rows[2:3]).tobytes()[:25])
    clock = Clock(T0 + 30 * S)
    live = LiveFiles(config, ES, clock)
    first = live.poll()
    assert [type(e) for e in first] == [Trade, Trade]
    append(config.path, scid_records(rows[2:3]).tobytes()[25:] + scid_records(rows[3:]).tobytes())
    clock.ns = T0 + 62 * S
    events = live.poll()
    assert [type(e).__name__ for e in events] == ["Trade", "Trade", "Bar", "Trade"]
    bar = events[2]
    assert isinstance(bar, Bar) and bar.ts == T0 + 60 * S and (bar.volume, bar.bid_volume, bar.ask_volume) == (
        10, 2, 8)
    clock.ns = T0 + 120 * S + 7 * S  # the grace after the minute's end: the open bar closes by the clock
    closing = live.poll()
    assert [(type(e).__name__, e.ts) for e in closing] == [("Bar", T0 + 120 * S)]


def test_a_rewritten_file_gives_no_trade_twice(tmp_path) -> None:
    rows = ticks_rows()
    config = _config(tmp_path, stream_from="start")
    write_file(config.path, scid_header(), scid_records(rows[:3]))
    live = LiveFiles(config, ES, Clock(T0))
    assert len(live.poll()) == 3
    write_file(config.path, scid_header(), scid_records(rows[1:]))  # re-downloaded: less history, and more
    assert [e.ts for e in live.poll() if isinstance(e, Trade)] == [rows[3][0], rows[4][0]]


def test_depth_joins_mid_day_with_a_snapshot_then_follows_batches(tmp_path) -> None:
    config = _config(tmp_path, depth_dir=str(tmp_path), depth_levels=3, trades=False)
    write_file(config.path, scid_header(), scid_records(ticks_rows()[:1]))
    day = tmp_path / "ESZ25-CME.2025-12-01.depth"
    write_file(day, depth_header(), depth_records([(T0 - 600 * S, 1, 0, 0, 0.0, 0), (T0 - 600 * S, 2, 1, 4, 6849.0, 9),
                                                   (T0, 1, 0, 0, 0.0, 0), (T0, 2, 0, 4, 6850.0, 10),
                                                   (T0, 3, 1, 2, 6850.25, 8)]))  # two snapshots: the last counts
    live = LiveFiles(config, ES, Clock(T0 + 5 * S))
    snapshot = [e for e in live.poll() if isinstance(e, DepthUpdate)]
    assert [(e.side.value, e.level, e.action.value, e.price, e.size) for e in snapshot] == [
        ("bid", 0, "insert", 6850.0, 10), ("ask", 0, "insert", 6850.25, 8)]
    append(day, depth_records([(T0 + 6 * S, 4, 0, 4, 6850.0, 12), (T0 + 6 * S, 7, 1, 0, 6850.25, 0)]).tobytes())
    updates = live.poll()
    assert [(e.side.value, e.action.value, e.size) for e in updates] == [("bid", "update", 12),
                                                                          ("ask", "delete", 0)]


def test_the_feed_streams_until_stopped(tmp_path) -> None:
    config = attrs.evolve(_config(tmp_path, stream_from="start"), poll_seconds=0.01)
    write_file(config.path, scid_header(), scid_records(ticks_rows()[:1]))
    feed = SierraFilesDataFeed(config, Clock(T0))

    async def first_two() -> list:
        got = []
        stream = feed.stream(ES)
        async for event in stream:
            got.append(event)
            if len(got) == 1:
                append(config.path, scid_records([tick(T0 + 2 * S, 6850.5, 1, bid=6850.25, ask=6850.5,
                                                       buyer=True)]).tobytes())
            if len(got) == 2:
                break
        await stream.aclose()
        return got

    got = asyncio.run(asyncio.wait_for(first_two(), timeout=30))
    assert [t.price for t in got] == [6850.25, 6850.5]


def test_a_new_days_depth_file_empties_the_book_before_its_snapshot(tmp_path) -> None:
    config = _config(tmp_path, depth_dir=str(tmp_path), depth_levels=3, trades=False, stream_from="start")
    write_file(config.path, scid_header(), scid_records(ticks_rows()[:1]))
    write_file(tmp_path / "ESZ25-CME.2025-12-01.depth", depth_header(),
               depth_records([(T0, 1, 0, 0, 0.0, 0), (T0, 2, 1, 4, 6850.0, 10)]))
    live = LiveFiles(config, ES, Clock(T0 + 5 * S))
    assert [(e.action.value, e.price) for e in live.poll() if isinstance(e, DepthUpdate)] == [("insert", 6850.0)]
    write_file(tmp_path / "ESZ25-CME.2025-12-02.depth", depth_header(),
               depth_records([(T0 + 86400 * S, 1, 0, 0, 0.0, 0), (T0 + 86400 * S, 2, 1, 4, 6851.0, 7)]))
    events = [(e.action.value, e.level, e.price) for e in live.poll() if isinstance(e, DepthUpdate)]
    assert events == [("delete", 0, 6850.0), ("insert", 0, 6851.0)]
    assert live.book.best(BookSide.BID) == (6851.0, 7)


def test_starting_at_the_end_the_open_bar_still_comes_out_whole(tmp_path) -> None:
    rows = ticks_rows()
    config = _config(tmp_path)  # stream_from: end
    write_file(config.path, scid_header(), scid_records(rows[:3]))  # 1 s, 20 s, 59 s: the minute is open
    live = LiveFiles(config, ES, Clock(T0 + 59 * S))
    assert live.poll() == []  # what was there before the start is not streamed
    append(config.path, scid_records(rows[3:]).tobytes())
    events = live.poll()
    assert [type(e).__name__ for e in events] == ["Trade", "Bar", "Trade"]
    bar = events[1]
    assert isinstance(bar, Bar) and (bar.open, bar.volume, bar.trade_count) == (6850.25, 10, 4)


def test_a_bar_record_rewritten_in_place_counts_once(tmp_path) -> None:
    config = _config(tmp_path, stream_from="start", trades=False)
    first = (T0 + 5 * S, 6850.0, 6851.0, 6849.0, 6850.5, 10, 40, 20, 20)
    write_file(config.path, scid_header(), scid_records([first, (T0 + 65 * S, *first[1:])]))
    live = LiveFiles(config, ES, Clock(T0 + 66 * S))
    assert [(type(e).__name__, e.volume) for e in live.poll()] == [("Bar", 40)]
    grown = (T0 + 65 * S, 6850.0, 6852.0, 6849.0, 6851.5, 15, 60, 25, 35)
    write_file(config.path, scid_header(), scid_records([first, grown]))  # Sierra Chart updates the open bar
    assert live.poll() == []
    append(config.path, scid_records([(T0 + 125 * S, *first[1:])]).tobytes())
    bars = live.poll()
    assert [(b.ts, b.volume, b.high, b.close) for b in bars] == [(T0 + 120 * S, 60, 6852.0, 6851.5)]
