"""Replayed bars drive ticks and fills; keepUpToDate history updates; partial fills; a one-minute bar file."""

from __future__ import annotations

from ib_async import IB, Future, LimitOrder, MarketOrder

from adapters.ib.gateway import SimulatedGateway
from mia_core.instruments import instrument_for
from mia_core.series import BarSeries

from .helpers import run_with_gateway, until

MINUTE_NS = 60 * 10**9


def _bars() -> BarSeries:
    # an up bar then a down bar (values chosen by hand)
    return BarSeries(instrument=instrument_for("ES"), ts=[MINUTE_NS, 2 * MINUTE_NS], open=[6000.0, 6004.0],
                     high=[6005.0, 6006.0], low=[5998.0, 5995.0], close=[6004.0, 5996.0], volume=[40.0, 8.0])


def test_replayed_bars_are_traded_in_path_order_and_fill_a_resting_limit() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        ticker = ib.reqMktData(es)
        lasts: list[float] = []
        ticker.updateEvent += lambda t: lasts.extend(tick.price for tick in t.ticks if tick.tickType == 4)
        limit = ib.placeOrder(es, LimitOrder("BUY", 1, 5995.5))
        await until(lambda: limit.orderStatus.status == "Submitted" and ticker.last == 6000.0)
        lasts.clear()
        assert await gw.replay("ES", _bars(), interval=0.01) == 2
        await until(lambda: len(lasts) >= 8)
        # up bar O-L-H-C, down bar O-H-L-C
        assert lasts == [6000.0, 5998.0, 6005.0, 6004.0, 6004.0, 6006.0, 5995.0, 5996.0]
        await until(limit.isDone)
        assert limit.orderStatus.avgFillPrice == 5995.25  # the ask when the low printed

    run_with_gateway(scenario)


def test_keep_up_to_date_history_streams_the_current_bar() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        bars = await ib.reqHistoricalDataAsync(es, "", "3600 S", "1 min", "TRADES", False, 1, keepUpToDate=True,
                                               timeout=10)
        count = len(bars)
        assert count > 0
        gw.set_price("ES", 6020.0, size=2)
        gw.set_price("ES", 6010.0, size=3)
        await until(lambda: len(bars) > count and bars[-1].close == 6010.0)
        current = bars[-1]
        # the gateway clock is fixed at 15:00 UTC, so the current bar starts then
        assert (current.date.hour, current.date.minute) == (15, 0)
        assert (current.open, current.high, current.low, current.volume) == (6020.0, 6020.0, 6010.0, 5.0)
        ib.cancelHistoricalData(bars)
        await until(lambda: not any(s.subscriptions for s in gw.sessions))

    run_with_gateway(scenario)


def test_partial_fills_arrive_one_lot_per_price_update() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        trade = ib.placeOrder(es, MarketOrder("BUY", 3))
        await until(lambda: trade.orderStatus.filled == 1.0)
        assert trade.orderStatus.status == "Submitted" and trade.orderStatus.remaining == 2.0
        gw.set_price("ES", 6001.0)
        gw.set_price("ES", 6002.0)
        await until(trade.isDone)
        assert [f.execution.price for f in trade.fills] == [6000.25, 6001.25, 6002.25]
        assert trade.orderStatus.avgFillPrice == 6001.25
        await until(lambda: all(f.commissionReport.commission == 2.25 for f in trade.fills))

    run_with_gateway(scenario, fill_size=1)


def test_intraday_history_from_a_one_minute_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "es_1min.csv"
    rows = ["ts,open,high,low,close,volume"]
    for minute in range(10):  # 14:50 .. 14:59 UTC; prices by hand: open 100 + minute
        rows.append(f"2025-11-24T14:{50 + minute:02d}:00Z,{100 + minute},{101 + minute},{99 + minute},"
                    f"{100.5 + minute},{10 + minute}")
    path.write_text("\n".join(rows) + "\n")

    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        bars = await ib.reqHistoricalDataAsync(es, "20251124 15:00:00 UTC", "600 S", "5 mins", "TRADES", False, 1,
                                               timeout=10)
        assert [(b.date.minute, b.open, b.high, b.low, b.close, b.volume) for b in bars] == [
            (50, 100.0, 105.0, 99.0, 104.5, 60.0), (55, 105.0, 110.0, 104.0, 109.5, 85.0)]

    run_with_gateway(scenario, minute_bars={"ES": path})
