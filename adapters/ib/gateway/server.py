"""The simulated IB Gateway: an asyncio TCP server on loopback speaking the TWS API (server version 178)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType

from adapters.ib.gateway import account_requests, contracts, history, market, pacing
from adapters.ib.gateway import replay as replaying
from adapters.ib.gateway.account import Ledger
from adapters.ib.gateway.catalog import Catalog
from adapters.ib.gateway.faults import DROP_MOMENTS, FaultState, text_for
from adapters.ib.gateway.order_book import SimOrder
from adapters.ib.gateway.order_wire import Execution
from adapters.ib.gateway.orders import OrderDesk
from adapters.ib.gateway.quotes import Book, Quotes
from adapters.ib.gateway.session import ClientSession, Handler
from adapters.ib.gateway.walk import PriceWalk
from mia_core.series import BarSeries

log = logging.getLogger(__name__)
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class SimulatedGateway:
    """A TWS/IB Gateway stand-in for tests and for trying MIA without an IB account.

    ``host`` must be a loopback address unless ``allow_remote`` is set; ``port=0`` picks a
    free port (read :attr:`port` after :meth:`start`). ``prices`` overrides the starting
    prices by root (ES, NQ, SPX, NDX, VIX); ``clock`` returns the gateway's "now" (aware
    UTC datetime; it dates fills, bars and the futures/option listings); ``minute_bars``
    maps a root to a one-minute bar file (CSV/Parquet) for intraday history;
    ``bar_interval`` is the real seconds between 5-second real-time bars; ``fill_size`` caps
    the contracts one order fills per price update (partial fills; None fills whole orders);
    ``monotonic`` returns the seconds the historical pacing windows are measured in (default:
    the event loop's clock; a test that fakes the client's pacing waits shares its fake here).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, account: str = "DU1234567", server_version: int = 178,
                 *, prices: Mapping[str, float] | None = None, clock: Callable[[], dt.datetime] | None = None,
                 cash: float = 1_000_000.0, commission_per_contract: float = 2.25, fill_size: float | None = None,
                 minute_bars: Mapping[str, str | Path] | None = None, enforce_pacing: bool = True,
                 bar_interval: float = 5.0, allow_remote: bool = False,
                 monotonic: Callable[[], float] | None = None) -> None:
        if host not in LOOPBACK and not allow_remote:
            raise ValueError(f"SimulatedGateway host {host!r}: bind a loopback address (127.0.0.1) "
                             "or pass allow_remote=True")
        if not 157 <= server_version <= 178:
            raise ValueError(f"server_version {server_version}: ib_async 2.1 speaks 157..178")
        if not account:
            raise ValueError("account must be a non-empty IB account id (ib_async never becomes ready without one)")
        self.host, self.requested_port, self.account, self.server_version = host, port, account, server_version
        self.now: Callable[[], dt.datetime] = clock or (lambda: dt.datetime.now(dt.UTC))
        self.quotes = Quotes(dict(prices or {}))
        spots = {root: book.last for root, book in self.quotes.books.items()}
        self.catalog = Catalog(self.now().date(), spots)
        self.ledger = Ledger(account, cash, self.quotes)
        self.faults = FaultState()
        self.orders_desk = OrderDesk(self, commission_per_contract, fill_size)
        self.pacing = pacing.PacingMonitor()
        self.enforce_pacing = enforce_pacing
        self.minute_bars = {k.upper(): str(v) for k, v in (minute_bars or {}).items()}
        self.bar_interval = bar_interval
        self._monotonic = monotonic
        self.farms_ok = True
        self.refused_client_ids: set[int] = set()
        self.sessions: list[ClientSession] = []
        self.price_walk: PriceWalk | None = None
        self.restarts = 0
        self.handlers: dict[int, Handler] = self._handlers()
        self._server: asyncio.Server | None = None
        self._port = 0
        self.quotes.listeners.append(self._on_price)

    # ---- lifecycle -------------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Start listening (on the requested port, or a free one for port 0)."""
        self._server = await asyncio.start_server(self._accept, self.host, self._port or self.requested_port)
        self._port = self._server.sockets[0].getsockname()[1]
        log.info("simulated IB Gateway listening on %s:%d", self.host, self._port)

    async def stop(self) -> None:
        """Stop any price walk, close every connection and stop listening."""
        if self.price_walk is not None:
            self.price_walk.stop()
            self.price_walk = None
        await self.drop_connections()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None

    async def __aenter__(self) -> SimulatedGateway:
        await self.start()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`)."""
        return self._port

    @property
    def orders(self) -> dict[tuple[int, int], SimOrder]:
        """Every order received, by (clientId, orderId)."""
        return self.orders_desk.orders

    @property
    def executions(self) -> list[Execution]:
        """Every fill, in order."""
        return self.orders_desk.executions

    def monotonic(self) -> float:
        """The clock of the pacing windows (seconds): the one given, else the event loop's."""
        return self._monotonic() if self._monotonic is not None else asyncio.get_running_loop().time()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = ClientSession(self, reader, writer)
        self.sessions.append(session)
        await session.run()

    def next_order_id(self, client_id: int) -> int:
        """The next valid order id for a client: above every order id it used."""
        return self.orders_desk.next_order_id(client_id)

    def _forget(self, session: ClientSession) -> None:
        if session in self.sessions:
            self.sessions.remove(session)

    def _handlers(self) -> dict[int, Handler]:
        desk, acc = self.orders_desk, account_requests
        return {
            1: market.req_mkt_data, 2: market.cancel_stream, 3: desk.place, 4: desk.cancel,
            5: desk.req_open_orders, 6: acc.req_account_updates, 7: desk.req_executions, 8: desk.req_ids,
            9: contracts.req_contract_details, 10: market.req_mkt_depth, 11: market.cancel_stream,
            15: acc.ignore, 16: desk.req_open_orders, 17: acc.req_managed_accounts,
            20: history.req_historical_data, 25: history.cancel_historical_data, 49: self._current_time,
            50: market.req_real_time_bars, 51: market.cancel_stream, 58: desk.global_cancel,
            59: market.req_market_data_type, 61: acc.req_positions, 62: acc.req_account_summary, 63: acc.ignore,
            64: acc.cancel_positions, 76: acc.req_account_updates_multi, 77: acc.ignore,
            78: contracts.req_sec_def_opt_params, 92: acc.req_pnl, 93: acc.cancel_pnl, 94: acc.req_pnl_single,
            95: acc.cancel_pnl, 97: market.req_tick_by_tick, 98: market.cancel_tick_by_tick,
            99: desk.req_completed_orders,
        }

    def _current_time(self, session: ClientSession, f: object) -> None:
        session.send([49, 1, int(self.now().timestamp())])

    # ---- driving prices --------------------------------------------------------------------------------------
    def set_price(self, root: str, price: float, size: int = 1, bid: float | None = None,
                  ask: float | None = None) -> Book:
        """A trade of ``size`` at ``price`` on ``root`` (ES, NQ, SPX, NDX, VIX): ticks out, orders worked."""
        return self.quotes.set_price(root.upper(), price, size, bid, ask)

    def _on_price(self, root: str, book: Book) -> None:
        for session in list(self.sessions):
            if session.ready:
                market.on_price(session, root, book)
        self.orders_desk.work(root)
        account_requests.push_marks(self, root)

    async def replay(self, root: str, series: BarSeries, interval: float = 0.0, limit: int | None = None) -> int:
        """Play bars of ``series`` as trades on ``root`` (see :mod:`adapters.ib.gateway.replay`); bars played."""
        return await replaying.replay(self, root.upper(), series, interval, limit)

    # ---- scripted faults -------------------------------------------------------------------------------------
    async def drop_connections(self) -> None:
        """Close every client socket at once (the clients see the peer close)."""
        for session in list(self.sessions):
            session.close()
        await asyncio.sleep(0)

    async def send_error(self, code: int, req_id: int = -1, message: str | None = None) -> None:
        """An error/notice message to every connected client (IB's usual text when ``message`` is None)."""
        text = text_for(code, message)
        for session in list(self.sessions):
            if session.ready:
                session.send_error(req_id, code, text)
        await asyncio.sleep(0)

    async def connectivity_lost(self) -> None:
        """Error 1100: IB's servers are unreachable; no ticks, no fills until restored."""
        self.faults.trading_allowed = False
        await self.send_error(1100)

    async def connectivity_restored(self, data_lost: bool = False) -> None:
        """Error 1102 (data maintained) or 1101 (data lost: every market data subscription is dropped)."""
        self.faults.trading_allowed = True
        if data_lost:
            for session in self.sessions:
                for stream in session.subscriptions.values():
                    stream.cancel()
                session.subscriptions.clear()
        await self.send_error(1101 if data_lost else 1102)
        for root in self.quotes.books:
            self.orders_desk.work(root)

    async def competing_session(self, active: bool = True) -> None:
        """Error 10197 on every market data stream while another live session takes the data."""
        self.faults.competing_session = active
        if active:
            for session in list(self.sessions):
                for req_id in list(session.subscriptions):
                    session.send_error(req_id, 10197, text_for(10197, None))
        await asyncio.sleep(0)

    def not_subscribed(self, root: str, missing: bool = True) -> None:
        """Market data for ``root`` is answered with error 354 (live data not subscribed)."""
        (self.faults.not_subscribed.add if missing else self.faults.not_subscribed.discard)(root.upper())

    def fail_next_historical(self, code: int = 162, message: str | None = None, after: int = 0) -> None:
        """Answer a historical data request with this error (default: a pacing violation).

        ``after`` requests are answered normally first (a failure in the middle of a
        download); calls queue up, each after the ones scripted before it.
        """
        self.faults.history_failures.extend([None] * after)
        self.faults.history_failures.append((code, text_for(code, message)))

    def refuse_client_id(self, client_id: int) -> None:
        """Answer connects with this client id with 326 (client id in use) and close."""
        self.refused_client_ids.add(client_id)

    def reject_next_order(self, reason: str = "simulated rejection") -> None:
        """Reject the next new order with error 201 and ``reason``."""
        self.orders_desk.reject_reason = reason

    def drop_next_order(self, moment: str = "before_ack") -> None:
        """Close the connection of the client whose next transmitted new order arrives.

        ``"before_ack"``: the order is kept and worked, the client hears nothing of it;
        ``"after_ack"``: its acknowledgement (and any immediate fill) goes out first.
        """
        if moment not in DROP_MOMENTS:
            raise ValueError(f"drop_next_order: moment must be one of {', '.join(DROP_MOMENTS)}, got {moment!r}")
        self.faults.drop_next_order = moment

    def manual_trade(self, local_symbol: str, quantity: float) -> SimOrder:
        """A market order typed into TWS (client id 0, no orderRef) for a listed future, e.g. ``"ESZ5"``, ``-1``."""
        specs = [s for s in self.catalog.all_listed() if s.sec_type == "FUT" and s.local_symbol == local_symbol]
        if not specs or not quantity:
            raise ValueError(f"manual_trade: {local_symbol!r} x {quantity!r}: give a listed future's local symbol "
                             "and a non-zero quantity")
        return self.orders_desk.manual_trade(specs[0], quantity)

    def cancel_orders(self, client_id: int | None = None) -> int:
        """Cancel every working order (of one client if given), as from TWS's window; returns how many."""
        working = [o for o in self.orders.values()
                   if not o.is_done and (client_id is None or o.client_id == client_id)]
        for o in working:
            if not o.is_done:  # a parent's cancel may have taken its children already
                self.orders_desk.cancel_order(o, "cancelled in TWS")
        return len(working)

    def delay_fills(self, milliseconds: float) -> None:
        """Hold every fill ``milliseconds`` after its order could first fill (0: fill at once)."""
        if not milliseconds >= 0:
            raise ValueError(f"delay_fills: milliseconds must be >= 0, got {milliseconds!r}")
        self.faults.fill_delay = milliseconds / 1000.0

    def walk(self, interval: float = 0.5, seed: int = 7) -> PriceWalk:
        """Move prices by a seeded random walk every ``interval`` s (replaces a running walk); returns it."""
        if self.price_walk is not None:
            self.price_walk.stop()
        self.price_walk = PriceWalk(self, interval, seed)
        self.price_walk.start()
        return self.price_walk

    async def restart(self, downtime: float = 1.0, *, rollback: bool = False, reuse_exec_ids: bool = False) -> None:
        """The nightly reset: drop everyone, refuse connections for ``downtime`` s, listen again on the same port.

        The account (positions, cash, executions, working orders) survives. ``rollback``:
        finished orders' ids are forgotten, so the next valid id goes back to a low value
        (as IB's does after its nightly restart); ``reuse_exec_ids``: the fills after the
        restart carry the execution ids of the fills before it, in their order.
        """
        if self._server is not None:
            self._server.close()
            self._server = None
        await self.drop_connections()
        self.orders_desk.restarted(rollback, reuse_exec_ids)
        self.restarts += 1
        await asyncio.sleep(downtime)
        await self.start()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait (bounded) until ``predicate()`` holds; TimeoutError names the wait otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() > deadline:
                raise TimeoutError(f"simulated gateway: condition not met within {timeout} s")
            await asyncio.sleep(0.01)
