"""The tick columns a backtest follows: int32 when every value fits, int64 otherwise, the same books either way."""

from __future__ import annotations

import numpy as np
import pytest

from mia_core.accounting import Portfolio, marks
from mia_core.instruments import ES
from mia_core.orders import Fill, OrderSide

T0 = 1_714_570_000 * 10**9
MINUTE = 60 * 10**9


def test_ticks_that_fit_are_int32_with_the_values_of_to_ticks() -> None:
    prices = np.array([0.0, 4321.25, 4321.375, -12.5, 0.125])  # halves round to even, as to_ticks does
    ticks = marks.follow_ticks(prices, ES.tick_size)
    assert ticks.dtype == np.int32
    assert ticks.tolist() == marks.to_ticks(prices, ES.tick_size).tolist()


@pytest.mark.parametrize("price", [2.0**28, -(2.0**28), 2.0**40])
def test_ticks_beyond_the_int32_limit_stay_int64(price: float) -> None:
    prices = np.array([4000.0, price])
    ticks = marks.follow_ticks(prices, ES.tick_size)  # 2**28 points are 2**30 ticks: the limit
    assert ticks.dtype == np.int64
    assert ticks.tolist() == marks.to_ticks(prices, ES.tick_size).tolist()


def test_an_empty_column_is_int32() -> None:
    assert marks.follow_ticks(np.empty(0), ES.tick_size).dtype == np.int32


@pytest.mark.parametrize("held", [3, marks.SHORT_RUN + 20])
@pytest.mark.parametrize("side", [OrderSide.BUY, OrderSide.SELL])
def test_an_entry_far_outside_int32_gives_the_books_of_int64_columns(held: int, side: OrderSide) -> None:
    """A lot entered at a price whose ticks exceed int32 (far from the followed bars): no wrap-around.

    The fill comes before the bars up to its own time are marked, so the closes up to
    the entry are reduced too (numpy for a long run, memoryviews for a short one).
    """
    n = held + 2
    ts = T0 + MINUTE * np.arange(n, dtype=np.int64)
    close = 16_000 + np.arange(n, dtype=np.int64) % 7
    top, bottom = close + 2, close - 3
    books = []
    for dtype in (np.int64, np.int32):
        p = Portfolio(ES, 10**15)
        p.follow(ts, *(column.astype(dtype) for column in (top, bottom, close)))
        entry = 3 * 2**31 if side is OrderSide.BUY else -(3 * 2**31)
        fill = Fill(order_id="o", instrument=ES, side=side, quantity=1, price=ES.from_ticks(entry),
                    ts=int(ts[n - 2]), commission_cents=0)  # fmt: skip
        p.mark_range(0, 1)
        p.apply_fill(fill, "signal")
        p.mark_range(1, n)
        books.append((p.open_mae_ticks, p.open_mfe_ticks, p.equity_cents, p.equity_curve()[1].tolist()))
    assert books[0] == books[1]
    assert abs(books[0][0]) > 2**31  # the excursion itself is beyond int32
