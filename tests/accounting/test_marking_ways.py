"""Property test: the three ways of marking a portfolio give the same books, cent for cent.

``mark`` (one bar now), ``mark_ticks`` (a run of bars now, in bulk) and ``follow`` +
``mark_range`` (a run of bars of a followed series, worked out when read) must leave
the same equity curve, position curve, peak, open excursions and round trips, with
fills in between, fills on a bar's own timestamp (the entry-bar rule for MAE/MFE)
and reads at any point.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mia_core.accounting import Portfolio, marks
from mia_core.errors import DomainValueError
from mia_core.instruments import ES
from mia_core.orders import Fill, OrderSide

T0 = 1_714_570_000 * 10**9
MINUTE = 60 * 10**9
BASE = 16_000

bar_st = st.tuples(st.integers(-300, 300), st.integers(0, 9), st.integers(0, 9))
# ("bars", n): mark the next n bars; ("fill", buy, quantity, offset, when): a fill at the last marked bar's
# time (0), at the time of the bar about to be marked, as a backtest fills at a bar's open (1), or 1 ns after
# the last fill (2); ("read",): read the figures that settle deferred marks; ("skip", n): leave n bars unmarked
step_st = st.one_of(
    st.tuples(st.just("bars"), st.integers(1, 6)),
    st.tuples(st.just("skip"), st.integers(1, 3)),
    st.tuples(st.just("fill"), st.booleans(), st.integers(1, 3), st.integers(-300, 300), st.integers(0, 2)),
    st.tuples(st.just("read")),
)


def prices(bars: list[tuple[int, int, int]]) -> tuple[np.ndarray, ...]:
    ts = T0 + MINUTE * np.arange(len(bars), dtype=np.int64)
    close = np.array([BASE + c for c, _, _ in bars], dtype=np.int64)
    top = close + np.array([u for _, u, _ in bars], dtype=np.int64)
    bottom = close - np.array([d for _, _, d in bars], dtype=np.int64)
    return ts, top, bottom, close


def figures(p: Portfolio) -> tuple[object, ...]:
    return (p.equity_cents, p.unrealized_cents, p.peak_equity_cents, p.open_mae_ticks, p.open_mfe_ticks,
            p.open_mae_cents, p.open_mfe_cents, p.quantity, p.trades_today, p.last_mark_ns)  # fmt: skip


@settings(max_examples=250, deadline=None)
@given(bars=st.lists(bar_st, min_size=40, max_size=60), steps=st.lists(step_st, min_size=15, max_size=50))
def test_mark_mark_ticks_and_mark_range_keep_the_same_books(
    bars: list[tuple[int, int, int]], steps: list[tuple[object, ...]]
) -> None:
    ts, top, bottom, close = prices(bars)
    one, bulk, deferred, narrow = (Portfolio(ES, 2_500_000) for _ in range(4))
    deferred.follow(ts, top, bottom, close)
    narrow.follow(ts, *(column.astype(np.int32) for column in (top, bottom, close)))  # as marks.follow_ticks gives
    done = 0
    fill_ts = T0 - MINUTE
    for step in steps:
        if step[0] == "bars":
            end = min(len(bars), done + int(step[1]))  # type: ignore[call-overload]
            for i in range(done, end):
                one.mark(int(ts[i]), ES.from_ticks(int(top[i])), ES.from_ticks(int(bottom[i])),
                         ES.from_ticks(int(close[i])))  # fmt: skip
            bulk.mark_ticks(ts[done:end], top[done:end], bottom[done:end], close[done:end])
            deferred.mark_range(done, end)
            narrow.mark_range(done, end)
            done = end
        elif step[0] == "skip":
            done = min(len(bars), done + int(step[1]))  # type: ignore[call-overload]
        elif step[0] == "fill":
            _, buy, quantity, offset, when = step
            if when == 0 and done:
                fill_ts = max(fill_ts, int(ts[done - 1]))
            elif when == 1 and done < len(bars):
                fill_ts = max(fill_ts, int(ts[done]))
            else:
                fill_ts += 1
            fill = Fill(order_id="o", instrument=ES, side=OrderSide.BUY if buy else OrderSide.SELL,
                        quantity=quantity, price=ES.from_ticks(BASE + offset),  # type: ignore[operator]
                        ts=fill_ts, commission_cents=225)  # fmt: skip
            trips = [p.apply_fill(fill, "signal") for p in (one, bulk, deferred, narrow)]
            assert trips[0] == trips[1] == trips[2] == trips[3]
        else:
            assert figures(one) == figures(bulk) == figures(deferred) == figures(narrow)
    assert figures(one) == figures(bulk) == figures(deferred) == figures(narrow)
    curves = [(*p.equity_curve(), p.position_curve()) for p in (one, bulk, deferred, narrow)]
    for other in curves[1:]:
        for a, b in zip(curves[0], other, strict=True):
            assert np.array_equal(a, b)
    assert one.round_trips == bulk.round_trips == deferred.round_trips == narrow.round_trips


def test_mark_range_refuses_to_go_back_in_time() -> None:
    ts, top, bottom, close = prices([(0, 1, 1)] * 5)
    p = Portfolio(ES, 2_500_000)
    p.follow(ts, top, bottom, close)
    p.mark_range(2, 5)
    with pytest.raises(DomainValueError, match="earlier than the previous mark"):
        p.mark_range(0, 2)


def test_a_deferred_run_is_valued_at_the_constants_of_its_own_time() -> None:
    """Cash and position changed by a later fill must not leak into bars marked before it."""
    ts, top, bottom, close = prices([(0, 0, 0), (4, 0, 0), (8, 0, 0), (8, 0, 0)])
    p = Portfolio(ES, 1_000_000)
    p.follow(ts, top, bottom, close)
    buy = Fill(order_id="b", instrument=ES, side=OrderSide.BUY, quantity=1, price=ES.from_ticks(BASE), ts=int(ts[0]))
    p.apply_fill(buy)
    p.mark_range(0, 2)
    sell = Fill(order_id="s", instrument=ES, side=OrderSide.SELL, quantity=1, price=ES.from_ticks(BASE + 8),
                ts=int(ts[2]), commission_cents=500)  # fmt: skip
    p.apply_fill(sell)
    p.mark_range(2, 4)
    _, equity = p.equity_curve()
    tick = ES.tick_value_cents
    assert equity.tolist() == [1_000_000, 1_000_000 + 4 * tick, 1_000_000 + 8 * tick - 500, 1_000_000 + 8 * tick - 500]
    assert p.peak_equity_cents == 1_000_000 + 8 * tick - 500


@pytest.mark.parametrize("held", [1, 2, marks.SHORT_RUN - 1, marks.SHORT_RUN, marks.SHORT_RUN + 1, 300])
def test_excursions_over_short_and_long_runs_match_a_mark_per_bar(held: int) -> None:
    """Runs up to ``SHORT_RUN`` bars are reduced through memoryviews, longer ones by numpy: the same books."""
    rng = np.random.default_rng(held)
    bars = [(int(c), int(u), int(d)) for c, u, d in zip(rng.integers(-300, 300, held + 2), rng.integers(0, 9, held + 2),
                                                        rng.integers(0, 9, held + 2), strict=True)]
    ts, top, bottom, close = prices(bars)
    one, deferred = Portfolio(ES, 2_500_000), Portfolio(ES, 2_500_000)
    deferred.follow(ts, top, bottom, close)
    for side, at in ((OrderSide.BUY, 0), (OrderSide.SELL, held + 1)):  # in at the first bar, out at the last
        fill = Fill(order_id="o", instrument=ES, side=side, quantity=1, price=ES.from_ticks(int(close[at])),
                    ts=int(ts[at]), commission_cents=225)  # fmt: skip
        assert one.apply_fill(fill, "signal") == deferred.apply_fill(fill, "signal")
        stop = held + 1 if at == 0 else held + 2
        for i in range(at, stop):
            one.mark(int(ts[i]), ES.from_ticks(int(top[i])), ES.from_ticks(int(bottom[i])),
                     ES.from_ticks(int(close[i])))  # fmt: skip
        deferred.mark_range(at, stop)
    assert one.round_trips == deferred.round_trips
    assert one.round_trips[0].bars_held == held + 1
