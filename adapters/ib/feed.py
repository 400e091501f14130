"""IbDataFeed: the DataFeed port over a shared ib_async connection (history paced, live stream)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

from ib_async import Contract, util

from adapters.ib.config import IbFeedConfig
from adapters.ib.connection import IbConnection
from adapters.ib.continuous import continuous_series
from adapters.ib.contracts import resolve_front
from adapters.ib.history import BAR_SIZES, HistoryError, PacedHistory
from adapters.ib.market import MarketSubscription
from adapters.ib.pacing import PacingGovernor
from mia_core.events import MarketEvent
from mia_core.instruments import Instrument
from mia_core.market import TimerFired
from mia_core.series import BarSeries
from mia_core.timeutil import ns_to_datetime
from ports.clock import Clock

log = logging.getLogger("mia.ib")


class IbDataFeed:
    """Market data from Interactive Brokers for the front month of the system's instrument.

    ``stream`` yields trades, quotes, bars (built from 5-second real-time bars or from
    trades) and depth updates; after a reconnect it subscribes again by itself.
    ``history`` pulls bars through the pacing governor (``governor.queue`` shows
    what waits).
    """

    def __init__(
        self,
        connection: IbConnection,
        config: IbFeedConfig,
        clock: Clock,
        governor: PacingGovernor | None = None,
        name: str = "ib",
    ) -> None:
        self.name = name
        self.connection, self.config, self.clock = connection, config, clock
        self.history_client = PacedHistory(
            connection.ib, governor, timeout=config.request_timeout, retries=config.history_retries
        )
        self.contracts: dict[str, Contract] = {}
        self.subscriptions: list[MarketSubscription] = []

    @property
    def governor(self) -> PacingGovernor:
        """The pacing governor of historical requests (shared by every request of this feed)."""
        return self.history_client.governor

    async def contract_for(self, instrument: Instrument) -> Contract:
        """The IB contract streamed for ``instrument``: its front month under the roll rule."""
        symbol = self.config.symbol or instrument.symbol
        if symbol not in self.contracts:
            today = ns_to_datetime(self.clock.now_ns()).date()
            self.contracts[symbol] = await resolve_front(self.connection.ib, symbol, today, self.config.roll_rule)
        return self.contracts[symbol]

    def history(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        """Bars between the bounds (default: the last chunk), blocking; continuous across rolls when configured.

        Only for use outside a running event loop (``mia backtest``); inside a session
        await :meth:`history_async`.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return util.run(self.history_async(instrument, start_ns, end_ns))  # type: ignore[no-any-return]
        raise HistoryError("IbDataFeed.history blocks; inside a running session await history_async instead")

    async def history_async(
        self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None
    ) -> BarSeries:
        """Bars between the bounds (UTC ns, inclusive): continuous across rolls, or the front month only."""
        user = object()  # its own claim: releasing it must not end a stream this feed is running
        await self.connection.acquire(user)
        cfg = self.config
        try:
            end = ns_to_datetime(end_ns) if end_ns is not None else dt.datetime.now(dt.UTC)
            span = BAR_SIZES.get(cfg.history_bar_size, (0, "", 86400))[2]
            start = ns_to_datetime(start_ns) if start_ns is not None else end - dt.timedelta(seconds=span)
            args = (start, end, cfg.history_bar_size, cfg.what_to_show, cfg.use_rth)
            if cfg.continuous:
                symbol = cfg.symbol or instrument.symbol
                ib = self.connection.ib
                return await continuous_series(ib, self.history_client, instrument, symbol, cfg.roll_rule, *args)
            contract = await self.contract_for(instrument)
            return await self.history_client.series(instrument, contract, *args)
        finally:
            await self.connection.release(user)

    async def stream(self, instrument: Instrument) -> AsyncIterator[MarketEvent]:
        """Live events for ``instrument`` until the consumer stops iterating."""
        user = object()  # each stream holds the shared connection on its own
        await self.connection.acquire(user)
        queue: asyncio.Queue[MarketEvent] = asyncio.Queue()
        contract = await self.contract_for(instrument)
        sub = MarketSubscription(
            self.connection.ib, contract, instrument, self.config, queue.put_nowait, self.clock.now_ns
        )
        self.subscriptions.append(sub)

        async def resubscribe(market_data_lost: bool) -> None:
            if market_data_lost:  # a new socket, or IB code 1101: every subscription is gone
                log.info("resubscribing %s market data", contract.localSymbol)
                sub.start()

        self.connection.restored_callbacks.append(resubscribe)
        sub.start()
        heartbeat_ns = int(self.config.heartbeat * 1e9)
        last = self.clock.now_ns()
        try:
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=min(1.0, self.config.heartbeat))
                except TimeoutError:
                    sub.tick()
                    now = self.clock.now_ns()
                    if queue.empty() and now - last >= heartbeat_ns:
                        last = now
                        yield TimerFired(now, "ib_feed_heartbeat")
                    continue
                last = self.clock.now_ns()
                yield event
        finally:
            with contextlib.suppress(ValueError):
                self.connection.restored_callbacks.remove(resubscribe)
            self.subscriptions.remove(sub)
            sub.stop()
            await self.connection.release(user)
