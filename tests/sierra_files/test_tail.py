"""Tailing: whole records only, partial records completed later, files rewritten or shrunk, a new .depth each day."""

from __future__ import annotations

from adapters.sierra.files.reader import DEPTH, SCID
from adapters.sierra.files.tail import DepthDayTail, RecordTail, depth_files
from adapters.sierra.files.writer import append, depth_header, depth_records, scid_header, scid_records, write_file

from . import vectors as tv
from .helpers import T0, S, ticks_rows


def test_a_partial_record_waits_until_sierra_chart_completes_it(tmp_path) -> None:
    path = tmp_path / "ES.scid"
    path.write_bytes(tv.TV1_HEADER + tv.TV2_TICK + tv.TV3_FIRST[:17])  # the reference's TV7
    tail = RecordTail(path, SCID)
    first = tail.poll()
    assert first.records.tobytes() == tv.TV2_TICK and tail.leftover == 17
    assert len(tail.poll().records) == 0
    append(path, tv.TV3_FIRST[17:])
    second = tail.poll()
    assert second.records.tobytes() == tv.TV3_FIRST and second.first_index == 1 and not second.restarted


def test_missing_empty_and_half_written_headers_are_waited_for(tmp_path) -> None:
    path = tmp_path / "ES.scid"
    tail = RecordTail(path, SCID)
    assert len(tail.poll().records) == 0
    path.write_bytes(tv.TV1_HEADER[:20])
    assert len(tail.poll().records) == 0
    append(path, tv.TV1_HEADER[20:] + tv.TV2_TICK)
    assert len(tail.poll().records) == 1


def test_a_rewritten_or_shrunk_file_is_read_again_from_the_start(tmp_path) -> None:
    rows = ticks_rows()
    path = write_file(tmp_path / "ES.scid", scid_header(), scid_records(rows))
    tail = RecordTail(path, SCID)
    assert len(tail.poll().records) == 5
    write_file(path, scid_header(), scid_records(rows[:2]))  # shrunk (Delete All Data and Download)
    chunk = tail.poll()
    assert chunk.restarted and chunk.first_index == 0 and len(chunk.records) == 2
    write_file(path, scid_header(), scid_records(rows[2:]))  # other content
    assert tail.poll().restarted


def test_a_bar_record_rewritten_in_place_is_given_again(tmp_path) -> None:
    bar = (T0, 6850.0, 6851.0, 6849.0, 6850.5, 10, 40, 20, 20)
    path = write_file(tmp_path / "ES.scid", scid_header(), scid_records([bar, (T0 + 60 * S, *bar[1:])]))
    tail = RecordTail(path, SCID)
    assert len(tail.poll().records) == 2
    grown = (T0 + 60 * S, 6850.0, 6852.0, 6849.0, 6851.5, 15, 60, 25, 35)
    write_file(path, scid_header(), scid_records([bar, grown]))
    chunk = tail.poll()
    assert chunk.replaced_last and not chunk.restarted and chunk.first_index == 1
    assert chunk.records["total_volume"].tolist() == [60]
    assert len(tail.poll().records) == 0  # nothing new: not taken for another rewrite
    later = (T0 + 120 * S, 6851.5, 6851.5, 6851.5, 6851.5, 1, 2, 1, 1)
    append(path, scid_records([later]).tobytes())
    chunk = tail.poll()
    assert not chunk.restarted and not chunk.replaced_last and chunk.first_index == 2


def test_starting_at_the_end_reads_only_what_is_appended(tmp_path) -> None:
    rows = ticks_rows()
    path = write_file(tmp_path / "ES.scid", scid_header(), scid_records(rows[:3]))
    tail = RecordTail(path, SCID, start_at_end=True)
    assert len(tail.poll().records) == 0
    append(path, scid_records(rows[3:]).tobytes())
    assert tail.poll().first_index == 3


def test_depth_follows_the_new_days_file(tmp_path) -> None:
    batch = depth_records([(T0, 1, 0, 0, 0.0, 0), (T0, 2, 1, 3, 6850.0, 10)])
    write_file(tmp_path / "ESZ25-CME.2025-12-01.depth", depth_header(), batch)
    write_file(tmp_path / "NQZ25-CME.2025-12-02.depth", depth_header(), batch)
    (tmp_path / "ESZ25-CME.scid").write_bytes(b"")
    assert [p.name for p in depth_files(tmp_path, "ESZ25-CME")] == ["ESZ25-CME.2025-12-01.depth"]
    days = DepthDayTail(tmp_path, "ESZ25-CME", DEPTH)
    assert [len(c.records) for c in days.poll()] == [2]
    append(tmp_path / "ESZ25-CME.2025-12-01.depth", depth_records([(T0 + S, 4, 1, 3, 6850.0, 12)]).tobytes())
    write_file(tmp_path / "ESZ25-CME.2025-12-02.depth", depth_header(), batch)
    chunks = days.poll()
    assert [(len(c.records), c.restarted) for c in chunks] == [(1, False), (2, True)]
    assert days.tail is not None and days.tail.path.name == "ESZ25-CME.2025-12-02.depth"
