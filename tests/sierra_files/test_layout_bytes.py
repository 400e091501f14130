"""Byte-exact checks: the writer and the reader against records hand-copied from the reference (§7)."""

from __future__ import annotations

import hashlib

import numpy as np

from adapters.sierra.files.depth import read_depth
from adapters.sierra.files.layout import ADD_ASK, ADD_BID, CLEAR_BOOK, END_OF_BATCH
from adapters.sierra.files.scid import read_scid
from adapters.sierra.files.writer import depth_header, depth_records, scid_header, scid_records, tick
from mia_core.instruments import ES
from mia_core.market import BookSide, DepthAction

from . import vectors as tv


def test_the_writer_writes_the_reference_scid_header_and_tick_byte_for_byte() -> None:
    record = scid_records([(tv.TV2_UNIX_US * 1000, 0.0, 6850.25, 6850.0, 6850.25, 1, 3, 0, 3)])
    assert scid_header() == tv.TV1_HEADER
    assert record.tobytes() == tv.TV2_TICK
    digest = hashlib.sha256(scid_header() + record.tobytes()).hexdigest()
    assert digest == "304cc0fd661cab7c5eb046ce8d8af5b66793b15f0e6260d89e597e864ab38ff4"


def test_split_trade_markers_bar_records_and_legacy_times_match_the_reference() -> None:
    ns = tv.TV3_UNIX_US * 1000
    split = scid_records([tick(ns, 6850.5, 2, bid=6850.25, ask=6850.5, buyer=True, marker="first"),
                          tick(ns + 1000, 6850.5, 5, bid=6850.25, ask=6850.5, buyer=True),
                          tick(ns + 2000, 6850.75, 1, bid=6850.5, ask=6850.75, buyer=True, marker="last")])
    assert split.tobytes() == tv.TV3_FIRST + tv.TV3_MIDDLE + tv.TV3_LAST
    bar = scid_records([(tv.TV4_UNIX_US * 1000, 6850.25, 6852.0, 6849.5, 6851.75, 412, 1530, 760, 770)])
    assert bar.tobytes() == tv.TV4_BAR
    legacy = scid_records([(tv.TV2_UNIX_US * 1000, 0.0, 6850.25, 6850.0, 6850.25, 1, 3, 0, 3)], legacy=True)
    assert legacy.tobytes()[8:] == tv.TV5_LEGACY[8:]
    assert abs(legacy["dt"].view("<f8")[0] - np.frombuffer(tv.TV5_LEGACY[:8], "<f8")[0]) < 1e-9


def test_the_writer_writes_the_reference_depth_file_byte_for_byte() -> None:
    ns = tv.TV6_UNIX_US * 1000
    records = depth_records([(ns, CLEAR_BOOK, 0, 0, 0.0, 0), (ns, ADD_BID, 0, 7, 6850.0, 25),
                             (ns, ADD_ASK, END_OF_BATCH, 9, 6850.25, 31)])
    data = depth_header() + records.tobytes()
    assert data == tv.TV6_HEADER + tv.TV6_CLEAR + tv.TV6_ADD_BID + tv.TV6_ADD_ASK_END
    assert hashlib.sha256(data).hexdigest() == "0979074b4adc856a39692c39e39c96bf213d66d95f4b2ab8d175ea0b40b6d03c"


def test_the_reader_decodes_the_hand_written_records(tmp_path) -> None:
    path = tmp_path / "ESZ25.scid"
    path.write_bytes(tv.TV1_HEADER + tv.TV2_TICK + tv.TV3_FIRST + tv.TV3_MIDDLE + tv.TV3_LAST)
    records = read_scid(path)
    assert records.time_format == "microseconds"
    assert records.ts.tolist() == [tv.TV2_UNIX_US * 1000, tv.TV3_UNIX_US * 1000, tv.TV3_UNIX_US * 1000 + 1000,
                                   tv.TV3_UNIX_US * 1000 + 2000]
    assert records.is_tick.all()
    assert records.first_of_split.tolist() == [False, True, False, False]
    assert records.last_of_split.tolist() == [False, False, False, True]
    assert records.raw["close"].tolist() == [6850.25, 6850.5, 6850.5, 6850.75]


def test_a_legacy_file_reads_at_the_same_time_to_the_millisecond(tmp_path) -> None:
    path = tmp_path / "old.scid"
    path.write_bytes(tv.TV1_HEADER + tv.TV5_LEGACY)
    records = read_scid(path)
    assert records.time_format == "days"
    assert records.ts[0] == tv.TV2_UNIX_US // 1000 * 1_000_000  # a double of days holds milliseconds


def test_the_reference_depth_batch_gives_the_reference_book(tmp_path) -> None:
    path = tmp_path / "ESZ25.2025-12-01.depth"
    path.write_bytes(tv.TV6_HEADER + tv.TV6_CLEAR + tv.TV6_ADD_BID + tv.TV6_ADD_ASK_END)
    updates = read_depth(path, ES)
    assert [(u.side, u.level, u.action, u.price, u.size) for u in updates] == [
        (BookSide.BID, 0, DepthAction.INSERT, 6850.0, 25.0), (BookSide.ASK, 0, DepthAction.INSERT, 6850.25, 31.0)]
    assert updates[0].ts == tv.TV6_UNIX_US * 1000
