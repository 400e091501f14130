"""Bars from .scid records: tick and bar storage, bid/ask volume, split trades, quote-only records, bar sizes."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.sierra.files.bars import parse_bar_size, scid_bars
from adapters.sierra.files.scid import read_scid
from adapters.sierra.files.trades import SplitTrades, trades_from
from adapters.sierra.files.writer import scid_header, scid_records, write_file
from mia_core.instruments import ES
from mia_core.market import Aggressor

from .helpers import T0, S, make_old


def test_ticks_make_one_minute_bars_with_the_files_bid_and_ask_volume(scid_file) -> None:
    series = scid_bars(read_scid(scid_file), ES, 60).series
    assert series.ts.tolist() == [T0 + 60 * S, T0 + 120 * S]
    first = series.bar(0)
    assert (first.open, first.high, first.low, first.close) == (6850.25, 6850.75, 6850.0, 6850.75)
    assert (first.volume, first.bid_volume, first.ask_volume) == (10, 2, 8)
    second = series.bar(1)
    assert (second.open, second.close, second.volume, second.bid_volume, second.ask_volume) == (
        6849.75, 6849.75, 6, 6, 0)


def test_any_bar_size_and_trade_counts(scid_file) -> None:
    checked = scid_bars(read_scid(scid_file), ES, 3600)
    assert len(checked.series) == 1 and checked.series.volume[0] == 16
    assert checked.trade_count is not None and checked.trade_count.tolist() == [5]
    assert parse_bar_size("5min") == 300 and parse_bar_size("30s") == 30 and parse_bar_size("1h") == 3600
    with pytest.raises(ValueError, match="bar size '5 parsecs'"):
        parse_bar_size("5 parsecs")


def test_bar_records_keep_their_own_range_and_quote_only_records_are_no_trades(tmp_path) -> None:
    rows = [(T0 + 5 * S, 6850.25, 6852.0, 6849.5, 6851.75, 412, 1530, 760, 770),  # a 1-minute bar record
            (T0 + 65 * S, 6851.75, 6853.0, 6851.0, 6852.5, 300, 900, 500, 400),
            (T0 + 70 * S, 0.0, 6853.0, 6852.75, 0.0, 1, 0, 0, 0)]  # bid/ask update only: no trade
    path = make_old(write_file(tmp_path / "bars.scid", scid_header(), scid_records(rows)))
    records = read_scid(path)
    assert records.is_tick.tolist() == [False, False, True]
    series = scid_bars(records, ES, 300).series
    assert len(series) == 1
    bar = series.bar(0)
    assert (bar.open, bar.high, bar.low, bar.close, bar.volume, bar.bid_volume, bar.ask_volume) == (
        6850.25, 6853.0, 6849.5, 6852.5, 2430, 1260, 1170)
    assert list(trades_from(records, SplitTrades(ES))) == []


def test_a_file_without_bid_ask_volume_gives_bars_without_order_flow(tmp_path) -> None:
    rows = [(T0 + 5 * S, 0.0, 6850.25, 6850.0, 6850.25, 1, 3, 0, 0)]
    path = make_old(write_file(tmp_path / "noflow.scid", scid_header(), scid_records(rows)))
    assert not scid_bars(read_scid(path), ES, 60).series.has_order_flow


def test_trades_carry_the_aggressor_and_split_trades_combine_when_asked(scid_file) -> None:
    records = read_scid(scid_file)
    fills = list(trades_from(records, SplitTrades(ES)))
    assert [(t.price, t.size, t.aggressor) for t in fills] == [
        (6850.25, 3, Aggressor.BUYER), (6850.0, 2, Aggressor.SELLER), (6850.5, 4, Aggressor.BUYER),
        (6850.75, 1, Aggressor.BUYER), (6849.75, 6, Aggressor.SELLER)]
    combined = list(trades_from(records, SplitTrades(ES, combine=True)))
    assert [(t.ts, t.price, t.size) for t in combined][2] == (T0 + 59 * S, 6850.75, 5)
    assert len(combined) == 4


def test_a_price_multiplier_scales_stored_prices(tmp_path) -> None:
    rows = [(T0 + 5 * S, 0.0, 685025.0, 685000.0, 685025.0, 1, 3, 0, 3)]
    path = make_old(write_file(tmp_path / "scaled.scid", scid_header(), scid_records(rows)))
    assert scid_bars(read_scid(path), ES, 60, multiplier=0.01).series.close.tolist() == [6850.25]


def test_legacy_and_current_times_give_the_same_bars(tmp_path) -> None:
    rows = [(T0 + k * 7 * S, 0.0, 6850.25, 6850.0, 6850.25, 1, 1, 0, 1) for k in range(30)]
    new = make_old(write_file(tmp_path / "new.scid", scid_header(), scid_records(rows)))
    old = make_old(write_file(tmp_path / "old.scid", scid_header(), scid_records(rows, legacy=True)))
    a, b = scid_bars(read_scid(new), ES, 60).series, scid_bars(read_scid(old), ES, 60).series
    assert np.array_equal(a.ts, b.ts) and np.array_equal(a.volume, b.volume)


def test_a_whole_file_read_in_small_chunks_gives_the_same_bars(tmp_path) -> None:
    from adapters.sierra.files.bars import file_bars
    from adapters.sierra.files.writer import synthetic_ticks

    path = make_old(write_file(tmp_path / "big.scid", scid_header(), synthetic_ticks(20_000, T0)))
    whole = scid_bars(read_scid(path), ES, 60).series
    chunked = file_bars(path, ES, 60, chunk=777)  # bars split across chunk edges are joined
    assert chunked.records == 20_000 and chunked.time_format == "microseconds"
    series = chunked.checked.series
    for name in ("ts", "open", "high", "low", "close", "volume", "bid_volume", "ask_volume"):
        assert np.array_equal(getattr(series, name), getattr(whole, name)), name
    assert np.array_equal(chunked.checked.trade_count, scid_bars(read_scid(path), ES, 60).trade_count)
