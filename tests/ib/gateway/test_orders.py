"""Order lifecycle through the unmodified ib_async client: fills with commissions, brackets, cancel, modify."""

from __future__ import annotations

import asyncio

from ib_async import IB, Contract, Future, LimitOrder, MarketOrder, StopOrder

from adapters.ib.gateway import SimulatedGateway

from .helpers import run_with_gateway, until


async def _es(ib: IB) -> Contract:
    (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
    return es


def test_market_order_fills_at_the_ask_with_commission_position_and_account() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        es = await _es(ib)
        trade = ib.placeOrder(es, MarketOrder("BUY", 2))
        await until(lambda: trade.isDone() and trade.fills and trade.fills[0].commissionReport.commission > 0)
        assert trade.orderStatus.status == "Filled"
        assert (trade.orderStatus.filled, trade.orderStatus.avgFillPrice) == (2.0, 6000.25)  # the ask
        assert trade.fills[0].commissionReport.commission == 4.5  # 2 contracts x 2.25
        assert [entry.status for entry in trade.log][:2] == ["PendingSubmit", "Submitted"]
        await until(lambda: bool(ib.positions()))
        (position,) = ib.positions()
        assert (position.position, position.avgCost) == (2.0, 6000.25 * 50)
        values = {v.tag: float(v.value) for v in ib.accountValues() if v.currency == "USD"}
        # bought at 6000.25, marked at the last 6000.00: -0.25 x 2 x 50 = -25, minus 4.50 commission
        await until(lambda: float(next(v.value for v in ib.accountValues() if v.tag == "NetLiquidation")) != 1e6)
        values = {v.tag: float(v.value) for v in ib.accountValues() if v.currency == "USD"}
        assert values["NetLiquidation"] == 1_000_000 - 25 - 4.5
        gw.set_price("ES", 6010.0)
        await until(lambda: bool(ib.portfolio()) and ib.portfolio()[0].marketPrice == 6010.0)
        assert ib.portfolio()[0].unrealizedPNL == (6010.0 - 6000.25) * 2 * 50
        sell = ib.placeOrder(es, MarketOrder("SELL", 2))
        await until(lambda: sell.isDone() and bool(sell.fills) and sell.fills[0].commissionReport.execId != "")
        assert sell.orderStatus.avgFillPrice == 6010.0  # the bid
        assert sell.fills[0].commissionReport.realizedPNL == (6010.0 - 6000.25) * 2 * 50
        await until(lambda: not ib.positions())
        assert len(gw.executions) == 2

    run_with_gateway(scenario)


def test_limit_rests_until_touched_and_cancel_reports_cancelled() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        es = await _es(ib)
        resting = ib.placeOrder(es, LimitOrder("BUY", 1, 5990.0))
        doomed = ib.placeOrder(es, LimitOrder("BUY", 1, 5900.0))
        await until(lambda: doomed.orderStatus.status == "Submitted" and resting.orderStatus.status == "Submitted")
        assert len(ib.openTrades()) == 2
        gw.set_price("ES", 5995.0)
        await asyncio.sleep(0.05)
        assert resting.orderStatus.status == "Submitted"  # ask 5995.25 is above the limit
        gw.set_price("ES", 5989.0)  # ask 5989.25 <= 5990
        await until(resting.isDone)
        assert resting.orderStatus.avgFillPrice == 5989.25
        ib.cancelOrder(doomed.order)
        await until(doomed.isDone)
        assert doomed.orderStatus.status == "Cancelled"
        assert gw.orders[(7, doomed.order.orderId)].status == "Cancelled"

    run_with_gateway(scenario)


def test_stop_triggers_on_the_last_trade_and_modify_moves_a_limit() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        es = await _es(ib)
        stop = ib.placeOrder(es, StopOrder("SELL", 1, 5980.0))
        limit = ib.placeOrder(es, LimitOrder("BUY", 1, 5950.0))
        await until(lambda: stop.orderStatus.status == "Submitted" and limit.orderStatus.status == "Submitted")
        gw.set_price("ES", 5985.0)
        await asyncio.sleep(0.05)
        assert not stop.isDone()
        gw.set_price("ES", 5979.75)
        await until(stop.isDone)
        assert stop.orderStatus.avgFillPrice == 5979.75  # the bid after the trigger
        limit.order.lmtPrice = 5985.0
        ib.placeOrder(es, limit.order)  # modify: same order id
        await until(limit.isDone)
        assert limit.orderStatus.avgFillPrice == 5980.0  # the ask (5979.75 + 0.25) is under the new limit
        assert gw.orders[(7, limit.order.orderId)].lmt_price == 5985.0

    run_with_gateway(scenario)


def test_bracket_is_held_until_transmitted_then_children_are_one_cancels_all() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        es = await _es(ib)
        parent, target, stop = ib.bracketOrder("BUY", 1, 5999.0, takeProfitPrice=6010.0, stopLossPrice=5990.0)
        assert (parent.transmit, target.transmit, stop.transmit) == (False, False, True)
        p = ib.placeOrder(es, parent)
        t = ib.placeOrder(es, target)
        await until(lambda: (7, target.orderId) in gw.orders)
        assert {o.status for o in gw.orders.values()} == {"Held"}  # nothing live before the last leg
        s = ib.placeOrder(es, stop)
        await until(lambda: s.orderStatus.status == "PreSubmitted" and p.orderStatus.status == "Submitted")
        gw.set_price("ES", 5998.0)  # ask 5998.25 <= 5999: parent fills, children go live
        await until(lambda: p.isDone() and t.orderStatus.status == "Submitted" and s.orderStatus.status == "Submitted")
        gw.set_price("ES", 6010.0)  # bid 6010 >= target
        await until(lambda: t.isDone() and s.isDone())
        assert (t.orderStatus.status, s.orderStatus.status) == ("Filled", "Cancelled")
        assert t.orderStatus.avgFillPrice == 6010.0
        await until(lambda: not ib.positions())
        fills = await ib.reqExecutionsAsync()
        assert sorted(f.execution.orderId for f in fills) == sorted([parent.orderId, target.orderId])

    run_with_gateway(scenario)


def test_open_orders_executions_pnl_what_if_and_rejection() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        es = await _es(ib)
        working = ib.placeOrder(es, LimitOrder("SELL", 1, 6100.0))
        await until(lambda: working.orderStatus.status == "Submitted")
        open_trades = await ib.reqOpenOrdersAsync()
        assert [t.order.orderId for t in open_trades] == [working.order.orderId]
        state = await ib.whatIfOrderAsync(es, MarketOrder("BUY", 1))
        assert float(state.initMarginChange) == 22_000.0
        gw.reject_next_order("too large")
        rejected = ib.placeOrder(es, MarketOrder("BUY", 1))
        await until(rejected.isDone)
        assert rejected.orderStatus.status == "Cancelled"
        assert rejected.log[-1].errorCode == 201
        pnl = ib.reqPnL("DU1234567")
        filled = ib.placeOrder(es, MarketOrder("BUY", 1))
        await until(filled.isDone)
        gw.set_price("ES", 6004.25)
        await until(lambda: pnl.unrealizedPnL == (6004.25 - 6000.25) * 50)

    run_with_gateway(scenario)
