"""Corrupt or foreign files given as .scid/.depth are refused, naming the file and the byte offset."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from adapters.sierra.files.depth import read_depth
from adapters.sierra.files.layout import SCID_RECORD, SierraFileError
from adapters.sierra.files.scid import read_scid
from adapters.sierra.files.writer import depth_header, depth_records, scid_header, scid_records, write_file
from mia_core.instruments import ES

from . import vectors as tv
from .helpers import T0, S, make_old, ticks_rows


def _refused(path, match: str, offset: int, read=read_scid) -> SierraFileError:
    with pytest.raises(SierraFileError, match=match) as caught:
        read(path)
    assert caught.value.path == str(path) and caught.value.offset == offset
    assert str(caught.value).startswith(f"{path}, byte {offset}: ")
    return caught.value


def test_a_csv_or_a_depth_file_given_as_scid_is_refused_at_byte_0(tmp_path) -> None:
    csv = tmp_path / "bars.scid"
    csv.write_text("Date, Time, Open, High, Low, Last, Volume\n" * 3)
    _refused(csv, "starts with b'Date', not b'SCID'", 0)
    depth = tmp_path / "ES.scid"
    depth.write_bytes(tv.TV6_HEADER)
    _refused(depth, "it is a Sierra Chart market depth file", 0)


def test_a_wrong_header_size_record_size_or_version_names_its_field(tmp_path) -> None:
    for offset, value, words in ((4, 64, "header size 64"), (8, 44, "record size 44"), (12, 2, "version 2")):
        head = bytearray(scid_header())
        head[offset:offset + 4 if offset < 12 else 14] = struct.pack("<I" if offset < 12 else "<H", value)
        path = tmp_path / f"bad{offset}.scid"
        path.write_bytes(bytes(head) + tv.TV2_TICK)
        _refused(path, words, offset)


def test_a_file_cut_inside_its_header_or_a_record_is_truncated(tmp_path) -> None:
    short = tmp_path / "short.scid"
    short.write_bytes(tv.TV1_HEADER[:30])
    make_old(short)
    _refused(short, "ends inside its 56-byte header", 30)
    cut = make_old(write_file(tmp_path / "cut.scid", scid_header(), scid_records(ticks_rows()), tv.TV3_FIRST[:17]))
    _refused(cut, r"ends inside record 5 \(17 of 40 bytes\) and is not being written to: truncated", 56 + 5 * 40)


def test_a_live_partial_tail_is_left_for_later(tmp_path) -> None:
    path = write_file(tmp_path / "live.scid", scid_header(), scid_records(ticks_rows()), tv.TV3_FIRST[:17])
    assert len(read_scid(path)) == 5  # just written: Sierra Chart is appending


def test_absurd_and_out_of_order_times_are_refused_at_their_record(tmp_path) -> None:
    rows = ticks_rows()
    bad = scid_records(rows)
    bad["dt"][3] = 12345
    path = make_old(write_file(tmp_path / "absurd.scid", scid_header(), bad))
    _refused(path, "record 3: time 12345 is not a date within 1990-2100", 56 + 3 * 40)
    back = scid_records(rows)
    back["dt"][4] = back["dt"][0] - 3600 * 1_000_000
    path = make_old(write_file(tmp_path / "back.scid", scid_header(), back))
    _refused(path, "record 4: time goes back", 56 + 4 * 40)
    garbage = make_old(write_file(tmp_path / "garbage.scid", scid_header(), np.frombuffer(b"\x7f" * 80, SCID_RECORD)))
    _refused(garbage, "neither microseconds nor days", 56)


def test_small_steps_back_in_time_are_real_data_and_kept(tmp_path) -> None:
    records = scid_records(ticks_rows())
    records["dt"][2], records["dt"][1] = records["dt"][1], records["dt"][2] - 1  # 39 s back
    path = make_old(write_file(tmp_path / "jitter.scid", scid_header(), records))
    assert len(read_scid(path)) == 5


def test_depth_files_are_refused_the_same_way(tmp_path) -> None:
    scid = tmp_path / "ES.2025-12-01.depth"
    scid.write_bytes(tv.TV1_HEADER)
    _refused(scid, "it is a Sierra Chart intraday data file", 0, lambda p: read_depth(p, ES))
    bad = depth_records([(T0, 1, 0, 0, 0.0, 0), (T0 + S, 9, 1, 0, 6850.0, 3)])
    path = make_old(write_file(tmp_path / "cmd.depth", depth_header(), bad))
    _refused(path, "record 1: unknown command 9", 64 + 24, lambda p: read_depth(p, ES))
    nan = depth_records([(T0, 2, 1, 1, float("nan"), 3)])
    path = make_old(write_file(tmp_path / "nan.depth", depth_header(), nan))
    _refused(path, "record 0: price nan for command 2", 64, lambda p: read_depth(p, ES))
