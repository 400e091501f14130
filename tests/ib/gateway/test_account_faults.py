"""Faults of the account's life (restart with order-id rollback, reused execution ids, a drop mid-order, slow fills)."""

from __future__ import annotations

import asyncio

from ib_async import IB, Future, LimitOrder, MarketOrder

from adapters.ib.gateway import SimulatedGateway
from adapters.ib.gateway.walk import PriceWalk

from .helpers import connected, run_with_gateway, until


async def _buy_filled(gw: SimulatedGateway, ib: IB) -> int:
    (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
    trade = ib.placeOrder(es, MarketOrder("BUY", 1))
    await until(lambda: trade.isDone() and bool(trade.fills))
    return int(trade.order.orderId)


async def _reconnected(gw: SimulatedGateway, ib: IB) -> IB:
    await until(lambda: not ib.isConnected())
    return await connected(gw, client_id=7)


def test_a_restart_with_rollback_keeps_the_account_and_hands_out_low_order_ids_again() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        used = {await _buy_filled(gw, ib), await _buy_filled(gw, ib)}
        cash = gw.ledger.cash
        await gw.restart(downtime=0.05, rollback=True)
        assert gw.next_order_id(7) == 1  # IB's ids rolled back
        again = await _reconnected(gw, ib)
        try:
            await until(lambda: bool(again.positions()))
            assert [p.position for p in again.positions()] == [2.0] and gw.ledger.cash == cash
            assert len(gw.executions) == 2 and len(gw.orders_desk.received) == 2 and gw.restarts == 1
            reused = await _buy_filled(gw, again)  # an id used before the restart names a new order now
            assert reused in used and [o.order_id for o in gw.orders_desk.received].count(reused) == 2
            assert [o.epoch for o in gw.orders_desk.received] == [0, 0, 1]
        finally:
            again.disconnect()

    run_with_gateway(scenario)


def test_a_restart_without_rollback_keeps_order_ids_rising() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        first = await _buy_filled(gw, ib)
        await gw.restart(downtime=0.05)
        again = await _reconnected(gw, ib)
        try:
            assert again.client.getReqId() > first
        finally:
            again.disconnect()

    run_with_gateway(scenario)


def test_a_restart_reusing_execution_ids_repeats_an_id_seen_before() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        await _buy_filled(gw, ib)
        await gw.restart(downtime=0.05, reuse_exec_ids=True)
        again = await _reconnected(gw, ib)
        try:
            (es,) = await again.qualifyContractsAsync(Future("ES", "202512", "CME"))
            trade = again.placeOrder(es, MarketOrder("BUY", 1))
            await until(lambda: trade.isDone() and len(gw.executions) == 2)
            before, after = (e.exec_id for e in gw.executions)
            assert before == after  # two fills, one id
            await asyncio.sleep(0.1)
            assert not trade.fills  # ib_async (which keys fills by execution id) drops the second one
            assert [h.quantity for h in gw.ledger.holdings.values()] == [2.0]
        finally:
            again.disconnect()

    run_with_gateway(scenario)


def test_a_drop_before_the_acknowledgement_keeps_and_works_the_order_unheard() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        gw.drop_next_order("before_ack")
        trade = ib.placeOrder(es, MarketOrder("BUY", 1))
        await until(lambda: not ib.isConnected())
        assert trade.orderStatus.status == "PendingSubmit" and not trade.fills  # the client heard nothing
        (order,) = gw.orders_desk.received
        assert order.status == "Filled" and len(gw.executions) == 1  # but IB has it, and it filled
        again = await connected(gw, client_id=7)
        try:
            fills = await again.reqExecutionsAsync()
            assert [f.execution.orderId for f in fills] == [trade.order.orderId]
            assert gw.faults.drop_next_order == ""  # once
        finally:
            again.disconnect()

    run_with_gateway(scenario)


def test_a_drop_after_the_acknowledgement_sends_it_then_closes() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        gw.drop_next_order("after_ack")
        trade = ib.placeOrder(es, LimitOrder("BUY", 1, 5900.0))
        await until(lambda: not ib.isConnected())
        assert trade.orderStatus.status == "Submitted"  # acknowledged, then the socket closed
        assert [o.status for o in gw.orders_desk.received] == ["Submitted"]

    run_with_gateway(scenario)


def test_a_drop_waits_for_the_order_that_transmits_a_bracket() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        gw.drop_next_order("before_ack")
        parent, target, stop = ib.bracketOrder("BUY", 1, 5990.0, takeProfitPrice=6010.0, stopLossPrice=5980.0)
        for leg in (parent, target, stop):
            ib.placeOrder(es, leg)
        await until(lambda: not ib.isConnected())
        assert [o.status for o in gw.orders_desk.received] == ["Submitted", "PreSubmitted", "PreSubmitted"]

    run_with_gateway(scenario)


def test_delayed_fills_wait_then_fill_at_the_price_of_that_moment() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        gw.delay_fills(60_000)
        held = ib.placeOrder(es, MarketOrder("BUY", 1))
        await until(lambda: held.orderStatus.status == "Submitted")
        assert not gw.executions and gw.orders[(7, held.order.orderId)].fill_due is not None
        ib.cancelOrder(held.order)  # a cancel while the fill is held wins
        await until(held.isDone)
        assert held.orderStatus.status == "Cancelled" and not gw.executions
        gw.delay_fills(50)
        slow = ib.placeOrder(es, MarketOrder("BUY", 1))
        await until(lambda: slow.orderStatus.status == "Submitted")
        gw.set_price("ES", 6002.0)  # the market moves while the fill is held
        await until(slow.isDone)
        assert slow.orderStatus.avgFillPrice == 6002.25  # the ask when the fill was due

    run_with_gateway(scenario)


def test_a_manual_trade_fills_as_a_tws_order_the_api_client_did_not_place() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        order = gw.manual_trade(es.localSymbol, -2)
        assert (order.client_id, order.order_ref, order.status) == (0, "", "Filled")
        fills = await ib.reqExecutionsAsync()
        assert [(f.execution.clientId, f.execution.side, f.execution.shares) for f in fills] == [(0, "SLD", 2.0)]
        await until(lambda: [p.position for p in ib.positions()] == [-2.0])
        try:
            gw.manual_trade("ESH9", 1)
        except ValueError as exc:
            assert "listed future's local symbol" in str(exc)
        else:
            raise AssertionError("an unlisted contract was traded")

    run_with_gateway(scenario)


def test_orders_cancelled_in_tws_are_reported_cancelled_to_their_client() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        (es,) = await ib.qualifyContractsAsync(Future("ES", "202512", "CME"))
        parent, target, stop = ib.bracketOrder("BUY", 1, 5990.0, takeProfitPrice=6010.0, stopLossPrice=5980.0)
        trades = [ib.placeOrder(es, leg) for leg in (parent, target, stop)]
        await until(lambda: trades[0].orderStatus.status == "Submitted")
        assert gw.cancel_orders(client_id=8) == 0  # another client's: none
        assert gw.cancel_orders(client_id=7) == 3
        await until(lambda: all(t.orderStatus.status == "Cancelled" for t in trades))
        assert {o.status for o in gw.orders_desk.received} == {"Cancelled"}

    run_with_gateway(scenario)


def test_the_walk_moves_prices_and_the_same_seed_walks_the_same_path() -> None:
    async def scenario(gw: SimulatedGateway, ib: IB) -> None:
        other = SimulatedGateway(port=0)
        mine, theirs = PriceWalk(gw, 1.0, seed=5), PriceWalk(other, 1.0, seed=5)
        paths = [], []
        for _ in range(20):
            mine.step()
            theirs.step()
            paths[0].append(gw.quotes.book("ES").last)
            paths[1].append(other.quotes.book("ES").last)
        assert paths[0] == paths[1] and len(set(paths[0])) > 1
        assert all(abs(p / 0.25 - round(p / 0.25)) < 1e-9 for p in paths[0])  # on ES's tick grid
        start = gw.quotes.book("ES").updates
        gw.walk(0.01, seed=5)  # on the loop, until the gateway stops
        await until(lambda: gw.quotes.book("ES").updates >= start + 5)

    run_with_gateway(scenario)


def test_bad_fault_settings_are_refused_with_what_is_allowed() -> None:
    gw = SimulatedGateway(port=0)
    for call, words in ((lambda: gw.drop_next_order("later"), "before_ack, after_ack"),
                        (lambda: gw.delay_fills(-1), ">= 0"), (lambda: PriceWalk(gw, 0, 1), "> 0")):
        try:
            call()
        except ValueError as exc:
            assert words in str(exc)
        else:
            raise AssertionError("accepted")
    assert asyncio.iscoroutinefunction(gw.restart)
