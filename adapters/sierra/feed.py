"""SierraDataFeed: the DataFeed port over DTC (market data, depth, historical port), with the files fallback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from adapters.ib.bars import BarAggregator
from adapters.sierra.config import SierraFeedConfig
from adapters.sierra.dtc import types as t
from adapters.sierra.dtc.client import DtcClient
from adapters.sierra.errors import DtcRefusal
from adapters.sierra.history import fetch_bars, run_blocking
from adapters.sierra.market import DEPTH, QUOTES, TRADES, MarketMapper
from mia_core.events import MarketEvent
from mia_core.instruments import Instrument
from mia_core.market import TimerFired, Trade
from mia_core.series import BarSeries
from ports.clock import Clock
from ports.data_feed import DataFeed

log = logging.getLogger("mia.sierra")
REFUSED = (
    "Sierra Chart refused {what} for {symbol} over DTC: {text!r}. This is expected for CME futures: Sierra "
    "Chart's DTC server does not relay CME Group (and EUREX, NASDAQ, CBOE) data. {action}"
)
FILES = "Reading Sierra Chart's intraday files instead (scid_path)."
NO_FILES = ("Set scid_path (and depth_dir) in the sierra_feed settings so MIA reads the .scid/.depth files Sierra "
            "Chart writes, or use another feed for data; orders still go over DTC.")


class SierraDataFeed:
    """Market data over DTC for one Sierra Chart symbol; a refusal falls back to ``fallback`` (the files feed).

    ``stream`` subscribes (snapshot, then updates) and yields trades, quotes, depth updates
    and bars of ``bar_seconds`` built from the trades; after a reconnect it subscribes again.
    ``history`` asks the historical port (one request per connection).
    """

    def __init__(self, client: DtcClient, config: SierraFeedConfig, clock: Clock, *,
                 fallback: Callable[[], DataFeed | None] | None = None, name: str = "sierra_feed") -> None:
        self.client, self.config, self.clock, self.name = client, config, clock, name
        self.bar_seconds = config.bar_seconds
        self._fallback = fallback or (lambda: None)
        self.refusal = ""

    def history(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        """Bars from the historical port; a refusal reads the files feed's history, or raises saying so."""
        try:
            result: BarSeries = run_blocking(fetch_bars(self.config, instrument, self.config.history_seconds,
                                                        start_ns, end_ns))
            return result
        except DtcRefusal as exc:
            fallback = self._fallback()
            if fallback is None:
                raise DtcRefusal(exc.what, f"{exc.text}; {NO_FILES}") from None
            log.warning("%s; %s", exc, FILES)
            return fallback.history(instrument, start_ns, end_ns)

    async def stream(self, instrument: Instrument) -> AsyncIterator[MarketEvent]:
        """Live events until the consumer stops; a data refusal hands over to the files feed."""
        user = object()
        await self.client.acquire(user)
        symbol = self.config.dtc_symbol(instrument.symbol)
        queue: asyncio.Queue[MarketEvent | DtcRefusal] = asyncio.Queue()
        mapper = MarketMapper(instrument, self.clock.now_ns)
        bars = BarAggregator(instrument, self.bar_seconds)
        symbol_id = self.client.next_id()

        def on_message(type_id: int, m: dict[str, Any]) -> None:
            if m.get("SymbolID") != symbol_id:
                return
            if type_id in (t.MARKET_DATA_REJECT, t.MARKET_DEPTH_REJECT):
                what = "market data" if type_id == t.MARKET_DATA_REJECT else "market depth"
                queue.put_nowait(DtcRefusal(what, m["RejectText"]))
            elif type_id in TRADES or type_id in QUOTES or type_id in DEPTH:
                event = mapper.event(type_id, m)
                if event is not None:
                    queue.put_nowait(event)

        async def subscribe() -> None:
            values = {"RequestAction": t.SUBSCRIBE, "SymbolID": symbol_id, "Symbol": symbol,
                      "Exchange": self.config.exchange}
            self.client.send(t.MARKET_DATA_REQUEST, values)
            if self.config.depth_levels:
                self.client.send(t.MARKET_DEPTH_REQUEST, {**values, "NumLevels": self.config.depth_levels})

        self.client.listeners.append(on_message)
        self.client.restored.append(subscribe)
        await subscribe()
        last = self.clock.now_ns()
        try:
            while True:
                try:
                    item = await asyncio.wait_for(queue.get(), timeout=1.0)
                except TimeoutError:
                    now = self.clock.now_ns()
                    for bar in bars.close_until(now):
                        yield bar
                    if now - last >= 5_000_000_000:
                        last = now
                        yield TimerFired(now, "sierra_feed_heartbeat")
                    continue
                if isinstance(item, DtcRefusal):
                    if item.what == "market depth":
                        log.warning(REFUSED.format(what=item.what, symbol=symbol, text=item.text, action=""))
                        continue
                    async for event in self._refused(instrument, symbol, item):
                        yield event
                    return
                last = self.clock.now_ns()
                if isinstance(item, Trade):
                    for bar in bars.add_trade(item):
                        yield bar
                yield item
        finally:
            with contextlib.suppress(ValueError):
                self.client.listeners.remove(on_message)
            with contextlib.suppress(ValueError):
                self.client.restored.remove(subscribe)
            with contextlib.suppress(Exception):
                self.client.send(t.MARKET_DATA_REQUEST, {"RequestAction": t.UNSUBSCRIBE, "SymbolID": symbol_id})
            await self.client.release(user)

    async def _refused(self, instrument: Instrument, symbol: str, refusal: DtcRefusal) -> AsyncIterator[MarketEvent]:
        fallback = self._fallback()
        action = NO_FILES if fallback is None else FILES
        self.refusal = REFUSED.format(what=refusal.what, symbol=symbol, text=refusal.text, action=action)
        log.warning(self.refusal)
        if fallback is None:
            raise DtcRefusal(f"market data for {symbol}", self.refusal)
        async for event in fallback.stream(instrument):
            yield event
