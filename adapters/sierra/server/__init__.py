"""A loopback DTC server for tests and demos: Sierra Chart's DTC behaviour over the simulated exchange.

Usage::

    server = LoopbackDtcServer(options=ServerOptions(restricted=["ES*"]))
    await server.start()                 # main port and historical port on 127.0.0.1
    server.trade("ESZ26", 5000.0)        # a trade print (and bid/ask) every subscriber sees; fills orders
    server.drop()                        # fault: close every connection
    server.options.silent = True         # fault: stop heartbeats and answers
    await server.stop()

It speaks binary, JSON and JSON-compact after the encoding request; answers logon with
Sierra Chart's capability bytes; sends snapshot-then-updates for market data and depth
(refusing symbols in ``options.restricted``); routes orders (market, limit, stop,
stop-limit, OCO, bracket = parent + OCO, cancel, cancel/replace) to a
:class:`~mia_core.exchange.SimulatedExchange` per symbol and reports ORDER_UPDATE,
POSITION_UPDATE and ACCOUNT_BALANCE_UPDATE; the historical port serves one
HISTORICAL_PRICE_DATA_REQUEST per connection, then closes.
"""

from adapters.sierra.server.options import ServerOptions
from adapters.sierra.server.server import LoopbackDtcServer

__all__ = ["LoopbackDtcServer", "ServerOptions"]
