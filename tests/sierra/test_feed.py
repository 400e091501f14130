"""The sierra_feed: snapshot then updates, depth, history on the historical port, refusals explained."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.clocks import WallClock
from adapters.sierra.driver import ServerThread
from adapters.sierra.dtc.client import DtcClient
from adapters.sierra.errors import DtcRefusal
from adapters.sierra.feed import SierraDataFeed
from mia_core.instruments import ES, Instrument
from mia_core.market import Bar, DepthUpdate, Quote, Trade
from mia_core.series import BarSeries

from .helpers import feed_config


class FakeFilesFeed:
    """Stands in for the .scid feed: a known history and one trade."""

    name = "files"

    def history(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        return BarSeries(instrument, [60_000_000_000], [5000.0], [5001.0], [4999.0], [5000.5], [10.0])

    async def stream(self, instrument: Instrument) -> AsyncIterator[Any]:
        yield Trade(instrument, 1, 5000.0, 1.0)


def collect(thread: ServerThread, feed: SierraDataFeed, count: int, moves: list[float]) -> list[Any]:
    async def run() -> list[Any]:
        events: list[Any] = []
        stream = feed.stream(ES)

        async def pull() -> None:
            async for event in stream:
                events.append(event)
                if len(events) >= count:
                    return

        task = asyncio.ensure_future(pull())
        for _ in range(200):  # until subscribed (the snapshot has been sent)
            if thread.do(lambda: bool(thread.server.market.subscribers.get("ESZ26"))):
                break
            await asyncio.sleep(0.02)
        for price in moves:
            thread.do(lambda p=price: thread.server.trade("ESZ26", p))
        await asyncio.wait_for(task, 30)
        await stream.aclose()
        await feed.client.aclose()
        return events

    return asyncio.run(run())


def test_stream_yields_trades_quotes_and_depth_after_the_snapshot(server: ServerThread) -> None:
    config = feed_config(server, depth_levels=5)
    feed = SierraDataFeed(DtcClient(config), config, WallClock())
    events = collect(server, feed, 8, [5000.0, 5000.25])
    trades = [e for e in events if isinstance(e, Trade)]
    assert [t.price for t in trades][:2] == [5000.0, 5000.25]
    assert any(isinstance(e, Quote) and e.ask == 5000.0 for e in events)
    assert any(isinstance(e, DepthUpdate) for e in events) or len(events) == 8


def test_refused_market_data_is_explained_and_falls_back_to_the_files(server: ServerThread) -> None:
    server.do(lambda: server.server.options.restricted.append("ES*"))
    config = feed_config(server)
    feed = SierraDataFeed(DtcClient(config), config, WallClock(), fallback=FakeFilesFeed)
    (event,) = collect(server, feed, 1, [])
    assert isinstance(event, Trade) and event.ts == 1
    assert "does not relay CME" in feed.refusal and "intraday files" in feed.refusal


def test_refusal_without_files_says_what_to_set(server: ServerThread) -> None:
    server.do(lambda: server.server.options.restricted.append("ES*"))
    config = feed_config(server)
    feed = SierraDataFeed(DtcClient(config), config, WallClock())
    with pytest.raises(DtcRefusal, match="scid_path"):
        collect(server, feed, 1, [])


def test_history_comes_from_the_historical_port_one_request_per_connection(server: ServerThread) -> None:
    config = feed_config(server, history_seconds=60)
    feed = SierraDataFeed(DtcClient(config), config, WallClock())
    end = 29_333_333 * 60 * 10**9  # on a minute
    bars = feed.history(ES, end - 3600 * 10**9, end)
    again = feed.history(ES, end - 600 * 10**9, end)
    assert len(bars) == 61 and len(again) == 11  # bars stamped at their close, both bounds inclusive
    assert bars.bid_volume is not None and bars.has_order_flow
    assert len(server.server.history_requests) == 2
    assert server.do(lambda: not any(s.historical for s in server.server.sessions))  # each closed after serving


def test_refused_history_reads_the_files_or_explains(server: ServerThread) -> None:
    server.do(lambda: server.server.options.restricted.append("ES*"))
    config = feed_config(server)
    assert len(SierraDataFeed(DtcClient(config), config, WallClock(), fallback=FakeFilesFeed).history(ES)) == 1
    with pytest.raises(DtcRefusal, match="CME"):
        SierraDataFeed(DtcClient(config), config, WallClock()).history(ES)


def test_bars_are_built_from_the_trades() -> None:
    from adapters.ib.bars import BarAggregator

    bars = BarAggregator(ES, 60)
    assert bars.add_trade(Trade(ES, 1, 5000.0, 1.0)) == []
    (bar,) = bars.add_trade(Trade(ES, 61 * 10**9, 5001.0, 1.0))
    assert isinstance(bar, Bar) and bar.close == 5000.0


def test_a_history_answer_without_end_is_bounded(server: ServerThread, monkeypatch: pytest.MonkeyPatch) -> None:
    import adapters.sierra.history as history
    from adapters.sierra.errors import DtcConnectionError

    monkeypatch.setattr(history, "MAX_RECORDS", 50)
    config = feed_config(server)
    end = 29_333_333 * 60 * 10**9
    with pytest.raises(DtcConnectionError, match="more than 50 records"):
        SierraDataFeed(DtcClient(config), config, WallClock()).history(ES, end - 7200 * 10**9, end)
