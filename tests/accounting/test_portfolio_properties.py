"""Property tests: random fills on the tick grid add up to the cent against independent arithmetic."""

from __future__ import annotations

from collections import deque

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mia_core.accounting import Portfolio
from mia_core.instruments import ES, NQ, Instrument
from mia_core.orders import Fill, OrderSide

T0 = 1_714_570_000 * 10**9
INITIAL = 2_500_000

fills_st = st.tuples(st.booleans(), st.integers(1, 6), st.integers(-400, 400), st.integers(0, 700))
marks_st = st.tuples(st.integers(-400, 400), st.integers(0, 12), st.integers(0, 12))
step_st = st.one_of(fills_st.map(lambda f: ("fill", f)), marks_st.map(lambda m: ("mark", m)))


class Reference:
    """Independent book: one queue entry per contract, money from cash flows."""

    def __init__(self, instrument: Instrument) -> None:
        self.tick_value = instrument.tick_value_cents
        self.contracts: deque[tuple[int, int]] = deque()  # (sign, entry ticks), one per contract
        self.cash_flow_ticks = 0
        self.realized_ticks = 0
        self.commission = 0
        self.last = 0

    @property
    def position(self) -> int:
        return sum(sign for sign, _ in self.contracts)

    def fill(self, sign: int, qty: int, ticks: int, commission: int) -> None:
        self.cash_flow_ticks -= sign * qty * ticks
        self.commission += commission
        self.last = ticks
        for _ in range(qty):
            if self.contracts and self.contracts[0][0] == -sign:
                held, entry = self.contracts.popleft()
                self.realized_ticks += (ticks - entry) * held
            else:
                self.contracts.append((sign, ticks))

    def unrealized_cents(self) -> int:
        return sum((self.last - entry) * sign for sign, entry in self.contracts) * self.tick_value


def run(instrument: Instrument, steps: list[tuple[str, tuple[int, ...]]], base: int) -> None:
    p = Portfolio(instrument, INITIAL)
    ref = Reference(instrument)
    ts = T0
    for kind, args in steps:
        ts += 60 * 10**9
        if kind == "fill":
            buy, qty, offset, commission = args
            side = OrderSide.BUY if buy else OrderSide.SELL
            price = instrument.from_ticks(base + offset)
            fill = Fill(order_id="o", instrument=instrument, side=side, quantity=qty, price=price, ts=ts,
                        commission_cents=commission)  # fmt: skip
            trips = p.apply_fill(fill, reason="signal")
            ref.fill(side.sign, qty, base + offset, commission)
            assert all(t.exit_ts == ts and t.exit_reason == "signal" for t in trips)
        else:
            offset, up, down = args
            close = base + offset
            ref.last = close
            high, low = instrument.from_ticks(close + up), instrument.from_ticks(close - down)
            p.mark(ts, high, low, instrument.from_ticks(close))
            assert p.equity_curve()[1][-1] == p.equity_cents
        assert p.quantity == ref.position == p.position.quantity
        assert p.realized_cents == ref.realized_ticks * ref.tick_value
        assert p.commission_cents == ref.commission
        assert p.unrealized_cents == ref.unrealized_cents()
        assert p.cash_cents == INITIAL + p.realized_cents - p.commission_cents
        assert p.equity_cents == p.cash_cents + p.unrealized_cents
        # method-free identity: realized + unrealized is the cash flow marked at the last price
        assert p.realized_cents + p.unrealized_cents == (ref.cash_flow_ticks + ref.position * ref.last) * ref.tick_value
    # flatten at the last price: every cent of commission and P&L is now in the round trips
    if p.quantity:
        side, qty = (OrderSide.SELL if p.quantity > 0 else OrderSide.BUY), abs(p.quantity)
        last = instrument.from_ticks(ref.last)
        closed = p.apply_fill(Fill(order_id="x", instrument=instrument, side=side, quantity=qty, price=last,
                                   ts=ts + 1, commission_cents=33), reason="end_of_data")  # fmt: skip
        assert sum(t.quantity for t in closed) == qty and {t.exit_reason for t in closed} == {"end_of_data"}
        ref.fill(side.sign, qty, ref.last, 33)
    trips = p.round_trips
    assert p.unrealized_cents == 0
    assert p.realized_cents == ref.cash_flow_ticks * ref.tick_value == sum(t.gross_cents for t in trips)
    assert sum(t.commission_cents for t in trips) == p.commission_cents
    assert p.equity_cents == INITIAL + sum(t.net_cents for t in trips)
    for t in trips:
        per_contract_ticks = t.gross_cents // (instrument.tick_value_cents * t.quantity)
        assert per_contract_ticks * instrument.tick_value_cents * t.quantity == t.gross_cents
        assert t.mae_ticks >= 0 and t.mfe_ticks >= 0
        assert -t.mae_ticks <= per_contract_ticks <= t.mfe_ticks
        assert t.net_cents == t.gross_cents - t.commission_cents


@settings(max_examples=300, deadline=None)
@given(instrument=st.sampled_from([ES, NQ]), steps=st.lists(step_st, max_size=80))
def test_random_fills_add_up_to_the_cent(instrument: Instrument, steps: list[tuple[str, tuple[int, ...]]]) -> None:
    run(instrument, steps, base=16_000 if instrument is ES else 60_000)


def test_hundred_thousand_fills_add_up_to_the_cent() -> None:
    rng = np.random.default_rng(7)
    n = 100_000
    sides = rng.integers(0, 2, n)
    qtys = rng.integers(1, 5, n)
    ticks = 16_000 + np.cumsum(rng.integers(-8, 9, n))
    commissions = rng.integers(0, 500, n)
    p = Portfolio(ES, INITIAL)
    flow = 0
    for i in range(n):
        side = OrderSide.BUY if sides[i] else OrderSide.SELL
        price = ES.from_ticks(int(ticks[i]))
        p.apply_fill(Fill(order_id="o", instrument=ES, side=side, quantity=int(qtys[i]), price=price, ts=T0 + i,
                          commission_cents=int(commissions[i])))  # fmt: skip
        flow -= side.sign * int(qtys[i]) * int(ticks[i])
    last = int(ticks[-1])
    if p.quantity:
        side = OrderSide.SELL if p.quantity > 0 else OrderSide.BUY
        flow -= side.sign * abs(p.quantity) * last
        p.apply_fill(Fill(order_id="x", instrument=ES, side=side, quantity=abs(p.quantity), price=ES.from_ticks(last),
                          ts=T0 + n))  # fmt: skip
    trips = p.round_trips
    assert p.realized_cents == flow * 1250 == sum(t.gross_cents for t in trips)
    assert p.commission_cents == int(commissions.sum()) == sum(t.commission_cents for t in trips)
    assert p.equity_cents == INITIAL + flow * 1250 - int(commissions.sum()) == INITIAL + sum(t.net_cents for t in trips)
