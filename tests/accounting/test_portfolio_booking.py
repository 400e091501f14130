"""Portfolio booking: hand-computed P&L, commissions, partial closes, reversals, MAE/MFE."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mia_core.accounting import Portfolio, RoundTrip
from mia_core.errors import DomainValueError
from mia_core.instruments import ES, NQ, Instrument
from mia_core.orders import Fill, OrderSide

BUY, SELL = OrderSide.BUY, OrderSide.SELL
T0 = pd.Timestamp("2024-05-01 14:00", tz="UTC").value
MINUTE = 60 * 1_000_000_000


def at(minutes: int) -> int:
    return T0 + minutes * MINUTE


def fill(side: OrderSide, qty: int, price: float, ts: int, commission: int = 0, instrument: Instrument = ES) -> Fill:
    return Fill(
        order_id="o", instrument=instrument, side=side, quantity=qty, price=price, ts=ts, commission_cents=commission
    )


def test_long_round_trip_is_exact_in_cents() -> None:
    p = Portfolio(ES, 10_000_000)
    assert p.apply_fill(fill(BUY, 2, 4000.00, at(0), commission=450)) == []
    assert p.position.quantity == 2 and p.position.average_price == 4000.00
    assert p.cash_cents == 10_000_000 - 450
    (trip,) = p.apply_fill(fill(SELL, 2, 4001.25, at(5), commission=450), reason="signal")
    # 1.25 points = 5 ticks; 5 ticks x $12.50 x 2 contracts = $125.00
    assert trip.gross_cents == 12_500
    assert trip.commission_cents == 900
    assert trip.net_cents == 11_600
    assert (trip.side, trip.quantity, trip.entry_price, trip.exit_price) == (BUY, 2, 4000.00, 4001.25)
    assert (trip.entry_ts, trip.exit_ts, trip.exit_reason, trip.symbol) == (at(0), at(5), "signal", "ES")
    assert p.position.is_flat and p.position.average_price is None
    assert p.realized_cents == 12_500 and p.commission_cents == 900 and p.unrealized_cents == 0
    assert p.equity_cents == p.cash_cents == 10_000_000 + 11_600


def test_short_round_trip_on_nq() -> None:
    p = Portfolio(NQ, 5_000_000)
    p.apply_fill(fill(SELL, 1, 15000.00, at(0), instrument=NQ))
    (trip,) = p.apply_fill(fill(BUY, 1, 15003.50, at(1), instrument=NQ))
    # short loses 3.50 points = 14 ticks x $5.00 = $70.00
    assert trip.side is SELL and not trip.is_long and trip.gross_cents == -7_000 and trip.is_loss
    assert p.equity_cents == 5_000_000 - 7_000


def test_partial_closes_allocate_entry_commission_without_losing_a_cent() -> None:
    p = Portfolio(ES, 1_000_000)
    p.apply_fill(fill(BUY, 3, 4000.00, at(0), commission=100))
    trips = [p.apply_fill(fill(SELL, 1, 4000.00 + k, at(k)), reason="take_profit")[0] for k in (1, 2, 3)]
    # floor(100*1/3)=33, then floor(67*1/2)=33, then the remaining 34
    assert [t.commission_cents for t in trips] == [33, 33, 34]
    assert [t.quantity for t in trips] == [1, 1, 1]
    # 1, 2 and 3 points: 4, 8 and 12 ticks x $12.50
    assert [t.gross_cents for t in trips] == [5_000, 10_000, 15_000]
    assert sum(t.net_cents for t in trips) == 30_000 - 100
    assert p.equity_cents == 1_000_000 + 30_000 - 100


def test_exit_commission_split_over_lots_and_a_reversal() -> None:
    p = Portfolio(ES, 1_000_000)
    p.apply_fill(fill(BUY, 1, 4000.00, at(0), commission=10))
    p.apply_fill(fill(BUY, 1, 4001.00, at(1), commission=10))
    trips = p.apply_fill(fill(SELL, 5, 4002.00, at(2), commission=500), reason="signal")
    # FIFO: lot @4000 (+8 ticks) then lot @4001 (+4 ticks); exit commission 500*1//5=100, then 400*1//4=100
    assert [(t.entry_price, t.gross_cents, t.commission_cents) for t in trips] == [
        (4000.00, 10_000, 110),
        (4001.00, 5_000, 110),
    ]
    # the 3 contracts left open short carry the remaining 300 cents of the fill's commission
    assert p.quantity == -3 and p.position.average_price == 4002.00
    assert p.commission_cents == 520 and p.realized_cents == 15_000
    (back,) = p.apply_fill(fill(BUY, 3, 4001.50, at(3)), reason="flatten")
    # short from 4002.00 covered at 4001.50: 2 ticks x $12.50 x 3 = $75.00
    assert (back.side, back.quantity, back.gross_cents, back.commission_cents) == (SELL, 3, 7_500, 300)
    assert p.equity_cents == 1_000_000 + 15_000 + 7_500 - 520
    assert sum(t.net_cents for t in p.round_trips) == p.equity_cents - 1_000_000


def test_reversal_closes_and_opens_in_one_fill() -> None:
    p = Portfolio(ES, 1_000_000)
    p.apply_fill(fill(SELL, 2, 4000.00, at(0)))
    trips = p.apply_fill(fill(BUY, 3, 3999.00, at(1), commission=30), reason="signal")
    assert len(trips) == 1 and trips[0].quantity == 2 and trips[0].gross_cents == 2 * 4 * 1250
    assert trips[0].commission_cents == 20
    assert p.quantity == 1 and p.position.average_price == 3999.00
    assert p.commission_cents == 30 and p.trades_today == 2


def test_unrealized_and_equity_follow_marks_and_scale_in_average() -> None:
    p = Portfolio(ES, 1_000_000)
    p.apply_fill(fill(BUY, 1, 4000.00, at(0)))
    p.apply_fill(fill(BUY, 1, 4001.00, at(1)))
    assert p.position.average_price == pytest.approx(4000.50)
    p.mark(at(2), 4003.00, 3999.00, 4002.00)
    # (4002-4000) + (4002-4001) points = 8 + 4 ticks x $12.50
    assert p.unrealized_cents == 15_000 and p.equity_cents == 1_015_000
    p.mark(at(3), 4002.00, 3998.00, 3999.00)
    assert p.unrealized_cents == -(4 + 8) * 1250
    ts, equity = p.equity_curve()
    assert ts.tolist() == [at(2), at(3)] and equity.tolist() == [1_015_000, 1_000_000 - 15_000]
    assert ts.dtype == np.int64 and equity.dtype == np.int64
    assert p.peak_equity_cents == 1_015_000
    assert p.position_curve().tolist() == [2, 2]
    snap = p.snapshot(at(3))
    assert snap.equity_cents == p.equity_cents and snap.unrealized_pnl_cents == p.unrealized_cents


def test_mae_mfe_long_scenario_by_hand() -> None:
    p = Portfolio(ES, 1_000_000)
    p.apply_fill(fill(BUY, 2, 4000.00, at(0)))
    # the entry bar: its range preceded the entry, only its close counts (flat: 0, 0)
    p.mark(at(0), 4001.00, 3998.00, 4000.00)
    assert (p.open_mae_ticks, p.open_mfe_ticks) == (0, 0)
    # low 3999.50 is 0.50 = 2 ticks adverse, high 4002.00 is 2.00 = 8 ticks favourable
    p.mark(at(1), 4002.00, 3999.50, 4001.00)
    assert (p.open_mae_ticks, p.open_mfe_ticks) == (2, 8)
    assert (p.open_mae_cents, p.open_mfe_cents) == (2 * 1250 * 2, 8 * 1250 * 2)
    # low 3998.75 is 1.25 = 5 ticks adverse; high 4001.50 (6 ticks) does not beat 8
    p.mark(at(2), 4001.50, 3998.75, 3999.00)
    assert (p.open_mae_ticks, p.open_mfe_ticks) == (5, 8)
    # exit of one contract at 4003.00 = +12 ticks: the exit price extends the MFE
    (first,) = p.apply_fill(fill(SELL, 1, 4003.00, at(3)), reason="take_profit")
    assert (first.mae_ticks, first.mfe_ticks, first.bars_held) == (5, 12, 3)  # closes of bars 0, 1, 2
    assert (first.mae_cents, first.mfe_cents) == (5 * 1250, 12 * 1250)
    # high 4003.50 = 14 ticks favourable; low 4000.25 is above entry (not adverse)
    p.mark(at(4), 4003.50, 4000.25, 4002.00)
    # stopped at 3998.00 = 8 ticks adverse, beyond the worst low seen
    (second,) = p.apply_fill(fill(SELL, 1, 3998.00, at(5)), reason="stop_loss")
    assert (second.mae_ticks, second.mfe_ticks, second.bars_held) == (8, 14, 4)
    assert (second.gross_cents, second.exit_reason) == (-8 * 1250, "stop_loss")
    assert (p.open_mae_ticks, p.open_mfe_ticks) == (0, 0)


def test_mae_mfe_short_scenario_by_hand() -> None:
    p = Portfolio(NQ, 1_000_000)
    p.apply_fill(fill(SELL, 1, 15000.00, at(0), instrument=NQ))
    # for a short, the high is adverse (2.00 = 8 ticks) and the low favourable (5.00 = 20 ticks)
    p.mark(at(1), 15002.00, 14995.00, 14998.00)
    (trip,) = p.apply_fill(fill(BUY, 1, 14996.00, at(2), instrument=NQ))
    assert (trip.mae_ticks, trip.mfe_ticks) == (8, 20)
    assert (trip.mae_cents, trip.mfe_cents, trip.gross_cents) == (8 * 500, 20 * 500, 16 * 500)


def test_errors_name_the_field() -> None:
    p = Portfolio(ES, 1_000_000)
    with pytest.raises(DomainValueError, match=r"fill\.instrument"):
        p.apply_fill(fill(BUY, 1, 15000.00, at(0), instrument=NQ))
    p.mark(at(1), 4000.0, 3999.0, 4000.0)
    with pytest.raises(DomainValueError, match=r"mark\.ts"):
        p.mark(at(0), 4000.0, 3999.0, 4000.0)
    with pytest.raises(DomainValueError, match=r"mark\.low"):
        p.mark(at(2), 3999.0, 4000.0, 4000.0)
    with pytest.raises(DomainValueError, match="initial_cash_cents"):
        Portfolio(ES, 1000.5)  # type: ignore[arg-type]


def test_round_trip_checks_its_own_arithmetic() -> None:
    with pytest.raises(DomainValueError, match="net_cents"):
        RoundTrip(
            entry_ts=0, exit_ts=1, side=BUY, quantity=1, entry_price=1.0, exit_price=1.0,
            gross_cents=100, commission_cents=10, net_cents=100, mae_ticks=0, mfe_ticks=0,
        )  # fmt: skip


@pytest.mark.parametrize("price", [4000.1, float("nan"), float("inf")])
def test_a_fill_off_the_grid_is_refused_naming_its_price(price: float) -> None:
    from mia_core.exchange import snapshots  # builds a Fill without the constructor's checks

    p = Portfolio(ES, 10_000_000)
    with pytest.raises(DomainValueError, match="price"):
        p.apply_fill(snapshots.fill("o", ES, BUY, 1, price, at(0), 0, "f"))


@pytest.mark.parametrize("price", [4000.25, 4000.25 + 1e-9, 4000.25 - 1e-9, 4000])
def test_a_fill_price_books_the_ticks_to_ticks_gives(price: float) -> None:
    from mia_core.exchange import snapshots

    p = Portfolio(ES, 10_000_000)
    p.apply_fill(snapshots.fill("o", ES, BUY, 1, price, at(0), 0, "f"))
    assert p.position.average_price == ES.to_ticks(price) * ES.tick_size
