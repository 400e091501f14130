"""Unmodified ib_async against the simulated gateway: start-up, contracts, options, ticks, bars, history."""

from __future__ import annotations

import asyncio
import csv
import gzip
import itertools
from importlib import resources

from ib_async import IB, Future, Index, Option

from adapters.ib.gateway import SimulatedGateway

from .helpers import run_with_gateway, until


def test_connect_reports_version_178_and_the_account() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        assert ib.isConnected()
        assert ib.client.serverVersion() == 178
        assert ib.managedAccounts() == ["DU1234567"]
        assert {v.tag for v in ib.accountValues()} >= {"NetLiquidation", "TotalCashValue", "AvailableFunds"}
        assert [s.client_id for s in gw.sessions] == [7]

    run_with_gateway(scenario)


def test_es_and_nq_months_indexes_and_unknown_contracts() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        details = await ib.reqContractDetailsAsync(Future("ES", exchange="CME", currency="USD"))
        # quarterly months from 24 Nov 2025: Dec 25, Mar/Jun/Sep 26, each on its third Friday
        assert [(d.contract.localSymbol, d.contract.lastTradeDateOrContractMonth) for d in details] == [
            ("ESZ5", "20251219"), ("ESH6", "20260320"), ("ESM6", "20260619"), ("ESU6", "20260918")]
        assert {d.minTick for d in details} == {0.25}
        nq, spx, ndx, vix = await ib.qualifyContractsAsync(
            Future("NQ", "202603", "CME"), Index("SPX", "CBOE"), Index("NDX", "NASDAQ"), Index("VIX", "CBOE"))
        assert (nq.localSymbol, nq.multiplier) == ("NQH6", "20")
        assert (spx.conId, ndx.secType, vix.symbol) == (416904, "IND", "VIX")
        errors: list[int] = []
        ib.errorEvent += lambda req_id, code, text, contract: errors.append(code)
        assert await ib.qualifyContractsAsync(Future("ZZ", "202512", "CME")) == [None]
        assert errors == [200]

    run_with_gateway(scenario)


def test_spx_option_chain_definitions_qualification_and_greeks() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        chains = await ib.reqSecDefOptParamsAsync("SPX", "", "IND", 416904)
        smart = {c.tradingClass: c for c in chains if c.exchange == "SMART"}
        assert set(smart) == {"SPX", "SPXW"}
        assert smart["SPXW"].expirations[:3] == ["20251128", "20251205", "20251212"]  # the next three Fridays
        assert 5990.0 in smart["SPXW"].strikes and all(k % 5 == 0 for k in smart["SPXW"].strikes)
        call, put = await ib.qualifyContractsAsync(Option("SPX", "20251128", 6000, "C", "SMART", tradingClass="SPXW"),
                                                   Option("SPX", "20251128", 5900, "P", "SMART", tradingClass="SPXW"))
        assert call.conId and put.conId and call.conId != put.conId
        call_t, put_t = await ib.reqTickersAsync(call, put)
        for ticker in (call_t, put_t):
            assert 0 < ticker.bid < ticker.ask
            assert ticker.modelGreeks is not None and ticker.modelGreeks.impliedVol > 0
        assert 0 < call_t.modelGreeks.delta < 1 and -1 < put_t.modelGreeks.delta < 0
        assert call_t.modelGreeks.gamma > 0

    run_with_gateway(scenario)


def test_streaming_ticks_follow_set_price_and_stop_after_cancel() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        ticker = ib.reqMktData(es)
        await until(lambda: ticker.last == 6000.0 and ticker.bid == 6000.0 and ticker.ask == 6000.25)
        gw.set_price("ES", 6012.5, size=3)
        await until(lambda: ticker.last == 6012.5)
        assert (ticker.bid, ticker.ask, ticker.lastSize) == (6012.5, 6012.75, 3.0)
        assert ticker.volume == 1003.0  # 1000 at the start + 3
        ib.cancelMktData(es)
        await until(lambda: not any(s.subscriptions for s in gw.sessions))
        gw.set_price("ES", 5990.0)
        await asyncio.sleep(0.05)
        assert ticker.last == 6012.5

    run_with_gateway(scenario)


def test_tick_by_tick_depth_and_five_second_bars() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        tbt = ib.reqTickByTickData(es, "BidAsk")
        seen: list = []
        tbt.updateEvent += lambda t: seen.extend(t.tickByTicks)
        depth = ib.reqMktDepth(es, numRows=3)
        bars = ib.reqRealTimeBars(es, 5, "TRADES", False)
        await until(lambda: len(depth.domBids) == 3 and len(depth.domAsks) == 3)
        assert [level.price for level in depth.domBids] == [6000.0, 5999.75, 5999.5]
        assert [level.price for level in depth.domAsks] == [6000.25, 6000.5, 6000.75]
        gw.set_price("ES", 6003.0)
        gw.set_price("ES", 6005.0, size=2)
        await until(lambda: len(seen) >= 3)
        assert [(t.bidPrice, t.askPrice) for t in seen] == [(6000.0, 6000.25), (6003.0, 6003.25), (6005.0, 6005.25)]
        await until(lambda: depth.domBids[0].price == 6005.0)
        await until(lambda: len(bars) >= 1, timeout=5)
        first = bars[0]
        assert (first.open_, first.high, first.close, first.volume) == (6000.0, 6005.0, 6005.0, 3.0)

    run_with_gateway(scenario, bar_interval=0.3)


def _daily_rows(name: str) -> list[dict[str, str]]:
    with resources.files("adapters.replay").joinpath("data", name).open("rb") as raw:
        return list(csv.DictReader(gzip.open(raw, "rt")))


def test_daily_history_replays_the_bundled_file() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        bars = await ib.reqHistoricalDataAsync(es, "20181231 23:00:00 UTC", "5 D", "1 day", "TRADES", False, 1,
                                               timeout=10)
        rows = _daily_rows("sp500_daily.csv.gz")[-5:]
        assert [b.date.strftime("%-m/%-d/%Y") for b in bars] == [r["Date"] for r in rows]
        assert [b.close for b in bars] == [float(r["Close"]) for r in rows]
        assert [b.open for b in bars] == [float(r["Open"]) for r in rows]

    run_with_gateway(scenario)


def test_intraday_history_bars_are_in_the_window_and_consistent() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        bars = await ib.reqHistoricalDataAsync(es, "20251124 15:00:00 UTC", "3600 S", "5 mins", "TRADES", False, 2,
                                               timeout=10)
        assert len(bars) == 12  # one hour of 5-minute bars inside Globex hours (Monday 09:00 Chicago)
        starts = [b.date.timestamp() for b in bars]
        assert all(b - a == 300 for a, b in itertools.pairwise(starts))
        assert starts[-1] == 1763996100  # 14:55 UTC: the last bar starts 5 minutes before the end
        assert all(b.low <= min(b.open, b.close) <= max(b.open, b.close) <= b.high for b in bars)

    run_with_gateway(scenario)


def test_delayed_data_flows_where_live_data_is_not_subscribed() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        gw.not_subscribed("ES")
        errors: list[int] = []
        ib.errorEvent += lambda req_id, code, text, contract: errors.append(code)
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        live = ib.reqMktData(es)
        await until(lambda: errors == [354])
        assert live.last != live.last  # nothing arrived (NaN)
        ib.cancelMktData(es)
        ib.reqMarketDataType(3)
        delayed = ib.reqMktData(es)
        await until(lambda: delayed.last == 6000.0 and delayed.marketDataType == 3)
        assert (delayed.bid, delayed.ask) == (6000.0, 6000.25)  # delayed tick ids 66/67/68 map to the same fields

    run_with_gateway(scenario)
