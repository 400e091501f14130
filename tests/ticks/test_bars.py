"""Bars from ticks: each vectorised builder equals a plain loop over the trades, and the edge cases."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mia_core.errors import DomainValueError
from mia_core.instruments import ES
from mia_core.ticks.bars import TickBars, range_bars, tick_bars, time_bars, volume_bars
from mia_core.ticks.tape import Tape

from . import reference
from .reference import Row

T0 = 1_704_232_800_000_000_000  # 2024-01-02 22:00 UTC
NS = 1_000_000_000


def rows(bars: TickBars) -> list[Row]:
    s = bars.series
    assert s.bid_volume is not None and s.ask_volume is not None
    return list(zip(s.ts.tolist(), s.open.tolist(), s.high.tolist(), s.low.tolist(), s.close.tolist(),
                    [int(v) for v in s.volume], [int(v) for v in s.bid_volume], [int(v) for v in s.ask_volume],
                    bars.trade_count.tolist(), strict=True))


@st.composite
def tapes(draw: st.DrawFn) -> Tape:
    n = draw(st.integers(0, 120))
    gaps = draw(st.lists(st.sampled_from([0, 0, 1, 10**6, 7 * 10**8, 3 * NS, 61 * NS, 5 * 3600 * NS]),
                         min_size=n, max_size=n))
    steps = draw(st.lists(st.integers(-12, 12), min_size=n, max_size=n))
    sizes = draw(st.lists(st.integers(1, 40), min_size=n, max_size=n))
    sides = draw(st.lists(st.sampled_from([1, -1, 0]), min_size=n, max_size=n))
    ts = T0 + np.cumsum(np.array(gaps, dtype=np.int64))
    ticks = 20_000 + np.cumsum(np.array(steps, dtype=np.int64))
    return Tape(ES, ts, ticks * 0.25, sizes, sides)


CASES: list[tuple[str, Callable[[Tape, int], TickBars], Callable[[Tape, int], list[Row]], list[int]]] = [
    ("time", time_bars, reference.time_rows, [1, 5, 60, 3600]),
    ("tick", tick_bars, reference.tick_rows, [1, 2, 7, 50]),
    ("volume", volume_bars, reference.volume_rows, [1, 5, 30, 200]),
    ("range", range_bars, reference.range_rows, [1, 2, 4, 10]),
]


@pytest.mark.parametrize(("kind", "build", "loop", "sizes"), CASES, ids=[c[0] for c in CASES])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tape=tapes(), pick=st.integers(0, 3))
def test_the_vectorised_builder_equals_the_plain_loop(kind: str, build: Callable[[Tape, int], TickBars],
                                                      loop: Callable[[Tape, int], list[Row]], sizes: list[int],
                                                      tape: Tape, pick: int) -> None:
    bars = build(tape, sizes[pick])
    assert rows(bars) == loop(tape, sizes[pick])
    assert int(bars.trade_count.sum()) == len(tape)
    assert bars.first.tolist() == np.concatenate(([0], np.cumsum(bars.trade_count)[:-1])).tolist()[:len(bars)]


def test_range_bars_on_a_long_tape_equal_the_plain_loop() -> None:
    rng = np.random.default_rng(3)  # long enough for the builder to widen and narrow its search window
    n = 20_000
    ticks = 20_000 + np.cumsum(rng.integers(-1, 2, n))
    ticks[5_000] += 40  # one jump far beyond the range
    tape = Tape(ES, T0 + np.arange(n) * 10**6, ticks * 0.25, rng.integers(1, 9, n), rng.choice([1, -1], n))
    assert rows(range_bars(tape, 6)) == reference.range_rows(tape, 6)
    assert rows(volume_bars(tape, 97)) == reference.volume_rows(tape, 97)


@pytest.mark.parametrize("build", [time_bars, tick_bars, volume_bars, range_bars])
def test_an_empty_tape_gives_no_bars(build: Callable[[Tape, int], TickBars]) -> None:
    bars = build(Tape(ES, [], [], [], []), 5)
    assert len(bars) == 0 and len(bars.series) == 0


@pytest.mark.parametrize("build", [time_bars, tick_bars, volume_bars, range_bars])
def test_one_trade_gives_one_bar(build: Callable[[Tape, int], TickBars]) -> None:
    bars = build(Tape(ES, [T0 + 5], [5000.25], [3], [1]), 60 if build is time_bars else 4)
    assert rows(bars) == [(T0 + 60 * NS if build is time_bars else T0 + 5, 5000.25, 5000.25, 5000.25, 5000.25,
                           3, 0, 3, 1)]


def test_time_bars_across_a_session_gap_make_no_empty_bars() -> None:
    ts = [T0 + 10 * NS, T0 + 20 * NS, T0 + 3600 * NS + 1, T0 + 3600 * NS + 2 * NS]  # an hour without trades
    bars = time_bars(Tape(ES, ts, [5000.0, 5000.25, 5010.0, 5009.75], [1, 2, 3, 4], [1, -1, 0, 1]), 60)
    assert bars.series.ts.tolist() == [T0 + 60 * NS, T0 + 3660 * NS]
    assert rows(bars)[1] == (T0 + 3660 * NS, 5010.0, 5010.0, 5009.75, 5009.75, 7, 0, 4, 2)  # unknown side: volume only


def test_a_price_jump_larger_than_the_range_opens_one_bar_at_the_new_price() -> None:
    prices = [5000.0, 5000.25, 5010.0, 5010.25, 5009.75]  # a 39-tick jump with a 2-tick range
    bars = range_bars(Tape(ES, T0 + np.arange(5), prices, [1] * 5, [1] * 5), 2)
    assert [(r[1], r[2], r[3], r[4]) for r in rows(bars)] == [(5000.0, 5000.25, 5000.0, 5000.25),
                                                               (5010.0, 5010.25, 5009.75, 5009.75)]


def test_bars_closing_on_the_same_nanosecond_are_stamped_a_nanosecond_apart() -> None:
    tape = Tape(ES, [T0, T0, T0, T0, T0 + 1], [5000.0] * 5, [1] * 5, [1, -1, 1, -1, 1])
    assert tick_bars(tape, 1).series.ts.tolist() == [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4]
    assert tick_bars(tape, 2).series.ts.tolist() == [T0, T0 + 1, T0 + 2]


def test_a_bar_size_must_be_a_whole_number_of_at_least_one() -> None:
    tape = Tape(ES, [T0], [5000.0], [1], [1])
    with pytest.raises(DomainValueError, match="contracts"):
        volume_bars(tape, 0)
    with pytest.raises(DomainValueError, match="seconds"):
        time_bars(tape, 1.5)  # type: ignore[arg-type]


def test_a_bad_trade_is_named_by_index_and_time() -> None:
    with pytest.raises(DomainValueError, match=r"ts\[2\].*earlier than the previous trade"):
        Tape(ES, [T0, T0 + 5, T0 + 4], [5000.0] * 3, [1] * 3, [1] * 3)
    with pytest.raises(DomainValueError, match=r"price\[1\].*tick grid.*ts=" + str(T0 + 1)):
        Tape(ES, [T0, T0 + 1], [5000.0, 5000.1], [1, 1], [1, 1])
    with pytest.raises(DomainValueError, match=r"size\[0\]"):
        Tape(ES, [T0], [5000.0], [0], [1])
    with pytest.raises(DomainValueError, match=r"side\[0\]"):
        Tape(ES, [T0], [5000.0], [1], [2])
