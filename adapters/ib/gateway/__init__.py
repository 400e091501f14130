"""A simulated IB Gateway: the TWS socket API (server version 178) on loopback, for the unmodified ib_async client.

Use it in tests, or run ``python -m adapters.ib.gateway --port 4002`` to try MIA without an
IB account::

    from adapters.ib.gateway import SimulatedGateway

    gw = SimulatedGateway(host="127.0.0.1", port=0, account="DU1234567", server_version=178)
    await gw.start(); gw.port            # the bound port (or: async with gw: ...)
    gw.set_price("ES", 6001.25)          # a trade: ticks stream out, working orders fill
    gw.orders / gw.executions            # what it received and filled, for assertions
    await gw.drop_connections()          # socket loss
    await gw.send_error(2104)            # any error/notice to every client (IB's text by default)
    await gw.connectivity_lost(); await gw.connectivity_restored(data_lost=False)   # 1100 / 1102 (1101)
    await gw.competing_session()         # 10197 on market data streams
    gw.fail_next_historical()            # 162 pacing violation on the next history request
    gw.not_subscribed("ES")              # 354 on ES market data
    gw.refuse_client_id(7)               # 326 client id in use (also natural: two clients, one id)
    gw.reject_next_order("why")          # 201 on the next order
    await gw.restart(downtime=1.0)       # the nightly reset: drop, refuse, listen again
    await gw.restart(1.0, rollback=True, reuse_exec_ids=True)  # ... order ids start low again, exec ids repeat
    gw.drop_next_order("before_ack")     # the next order's client is dropped (IB keeps the order); "after_ack"
    gw.delay_fills(250)                  # each fill 250 ms after its order could fill
    gw.walk(0.5, seed=7)                 # a seeded random walk of every root's price
    gw.manual_trade("ESZ5", -1)          # an order typed into TWS (client 0, no orderRef)
    gw.orders_desk.received              # every order received, across id rollbacks
    await gw.stop()

From another process: ``mia ib gateway --control-port N`` and
:func:`adapters.ib.gateway.control.control` (restart, drop, faults, the ledger).

Optional keyword arguments: ``prices`` (starting price by root), ``clock`` (returns the
gateway's aware-UTC "now"), ``cash``, ``commission_per_contract`` (2.25), ``minute_bars``
(root -> one-minute bar CSV/Parquet for intraday history), ``enforce_pacing`` (True: IB's
historical pacing rules answer 162), ``bar_interval`` (real seconds per 5-second bar),
``fill_size`` (partial fills: at most this many contracts per order per price update).
``await gw.replay("ES", bar_series, interval)`` plays bars (a :class:`mia_core.series.BarSeries`)
as trades: open, low, high, close for an up bar (open, high, low, close for a down bar).

What it lists: ES and NQ quarterly futures (next four months, third-Friday expiries), the
SPX, NDX and VIX indexes, SPX/SPXW and NDX/NDXP options (reqSecDefOptParams, contract
details, snapshots with model greeks). What it serves: the start-up sequence ib_async waits
for, market data (ticks, snapshots, tick-by-tick, 5-second bars, depth), historical bars
(bundled real daily history; one-minute files or seeded synthetic bars intraday), orders
(MKT, LMT, STP, STP LMT, brackets, OCA, modify, cancel, what-if) filled against the quotes
with commissions, positions, account values and summary, P&L. See the modules for the
fill model and each message's layout.

Not simulated: combo (BAG) orders and data, completed-order replay (reqCompletedOrders
answers only its end marker), news, scanners, FA accounts. Unsupported requests get error 321 naming them.
"""

from adapters.ib.gateway.server import SimulatedGateway

__all__ = ["SimulatedGateway"]
