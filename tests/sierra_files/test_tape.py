"""A .scid file's trades as a Tape and back: sides from Sierra Chart's bid/ask volume, bar files refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adapters.sierra.files.layout import SierraFileError
from adapters.sierra.files.tape import read_tape, tape_records, write_tape
from adapters.sierra.files.writer import scid_header, scid_records, tick, write_file
from mia_core.instruments import ES
from mia_core.ticks.bars import time_bars
from mia_core.ticks.synthetic import synthetic_tape

T0 = 1_764_547_200_000_000_000


def test_a_synthetic_tape_survives_the_round_trip_through_a_scid_file(tmp_path: Path) -> None:
    tape = synthetic_tape(ES, 5_000, seed=4)
    path = write_file(tmp_path / "ES.scid", scid_header(), tape_records(tape))
    back = read_tape(path, ES)
    in_pieces = read_tape(path, ES, chunk=777)  # decoded 777 records at a time
    assert write_tape(tmp_path / "chunks.scid", tape, chunk=999).read_bytes() == path.read_bytes()
    for name in ("ts", "price", "size", "side"):
        assert getattr(back, name).tolist() == getattr(tape, name).tolist(), name
        assert getattr(in_pieces, name).tolist() == getattr(tape, name).tolist(), name
    series = time_bars(back, 60).series
    assert series.ask_volume is not None and series.bid_volume is not None
    assert (series.ask_volume + series.bid_volume == series.volume).all()


def test_sides_follow_sierra_charts_ask_and_bid_volume(tmp_path: Path) -> None:
    rows = [tick(T0, 5000.0, 3, bid=4999.75, ask=5000.0, buyer=True),
            tick(T0 + 1000, 4999.75, 2, bid=4999.75, ask=5000.0, buyer=False),
            (T0 + 2000, 0.0, 5000.0, 4999.75, 4999.75, 1, 4, 0, 0),  # neither volume: side unknown
            (T0 + 3000, 0.0, 5000.0, 4999.75, 0.0, 1, 0, 0, 0)]  # a quote-only record: skipped
    tape = read_tape(write_file(tmp_path / "ES.scid", scid_header(), scid_records(rows)), ES)
    assert tape.side.tolist() == [1, -1, 0] and tape.size.tolist() == [3, 2, 4]


def test_a_file_stored_as_bars_is_refused_with_the_record(tmp_path: Path) -> None:
    rows = [tick(T0, 5000.0, 3, bid=4999.75, ask=5000.0, buyer=True),
            (T0 + 60 * 10**9, 5000.0, 5001.0, 4999.0, 5000.5, 40, 90, 50, 40)]
    path = write_file(tmp_path / "ES.scid", scid_header(), scid_records(rows))
    with pytest.raises(SierraFileError, match=r"byte 96: record 1 is a bar.*1 Tick"):
        read_tape(path, ES)


def test_records_stepping_back_a_little_are_put_in_time_order(tmp_path: Path) -> None:
    rows = [tick(T0 + ns, p, 1, bid=p, ask=p + 0.25, buyer=False)
            for ns, p in ((0, 5000.0), (2000, 5000.25), (1000, 5000.5), (3000, 5000.75))]
    tape = read_tape(write_file(tmp_path / "ES.scid", scid_header(), scid_records(rows)), ES)
    assert tape.price.tolist() == [5000.0, 5000.5, 5000.25, 5000.75]
    assert (np.diff(tape.ts) > 0).all()
