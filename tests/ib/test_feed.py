"""DataFeed contract check for ib_feed against the simulated IB Gateway: stream and paced history."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Iterator

import pytest

from adapters.clocks import WallClock
from adapters.ib.config import IbFeedConfig
from adapters.ib.connection import IbConnection
from adapters.ib.driver import GatewayThread
from adapters.ib.feed import IbDataFeed
from mia_core.instruments import ES
from mia_core.market import Bar, BookSide, DepthUpdate, Quote, TimerFired, Trade
from mia_core.series import BarSeries
from ports.data_feed import DataFeed


@pytest.fixture
def gateway() -> Iterator[GatewayThread]:
    gw = GatewayThread()
    gw.do(lambda: gw.gateway.set_price("ES", 5000.0))
    yield gw
    gw.stop()


def _feed(gateway: GatewayThread, **settings: object) -> IbDataFeed:
    config = IbFeedConfig(
        port=gateway.port, client_id=41, account_env="", connect_timeout=30.0, request_timeout=30.0, **settings
    )  # type: ignore[arg-type]
    return IbDataFeed(IbConnection(config, WallClock()), config, WallClock())


def _collect(
    feed: IbDataFeed,
    gateway: GatewayThread,
    count: int,
    limit: float = 10.0,
    restart_at: int | None = None,
    data_lost_at: int | None = None,
) -> list[object]:
    stop = threading.Event()

    def move() -> None:
        prices = [5000.25, 5000.5, 5000.0, 4999.75, 5000.5]
        for i in range(200):
            if stop.wait(0.05):
                return
            if i == restart_at:  # the nightly reset: everyone dropped, connections refused for a moment
                gateway.call(gateway.gateway.restart(downtime=0.3))
            if i == data_lost_at:  # 1100, then 1101: the socket stays, every market data subscription is gone
                gateway.call(gateway.gateway.connectivity_lost())
                gateway.call(gateway.gateway.connectivity_restored(data_lost=True))
            price = prices[i % len(prices)]
            gateway.do(lambda p=price: gateway.gateway.set_price("ES", p))

    async def take() -> list[object]:
        out: list[object] = []

        async def run() -> None:
            async for event in feed.stream(ES):
                out.append(event)
                if len(out) >= count:
                    return

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(run(), limit)
        return out

    mover = threading.Thread(target=move, daemon=True)
    mover.start()
    try:
        return asyncio.run(take())
    finally:
        stop.set()
        mover.join(5)


def test_the_stream_yields_valid_market_events_in_time_order(gateway: GatewayThread) -> None:
    feed = _feed(gateway, bars="trades", bar_seconds=1, heartbeat=0.5)
    assert isinstance(feed, DataFeed) and feed.name
    events = _collect(feed, gateway, 60)
    kinds = {type(e) for e in events}
    assert Trade in kinds and Quote in kinds and Bar in kinds, kinds
    assert kinds <= {Trade, Quote, Bar, TimerFired}
    for kind in (Trade, Quote, Bar):
        stamps = [e.ts for e in events if isinstance(e, kind)]  # type: ignore[attr-defined]
        assert stamps == sorted(stamps)
    assert all(e.instrument == ES for e in events if isinstance(e, Trade | Quote | Bar))
    assert all(q.bid <= q.ask for q in events if isinstance(q, Quote))
    assert feed.subscriptions == []  # the stream cleaned up after the consumer stopped


def test_realtime_bars_and_depth(gateway: GatewayThread) -> None:
    gateway.gateway.bar_interval = 0.05
    feed = _feed(gateway, bars="realtime", bar_seconds=10, depth_rows=3, trades=False, quotes=False)
    events = _collect(feed, gateway, 40)
    bars = [e for e in events if isinstance(e, Bar)]
    depth = [e for e in events if isinstance(e, DepthUpdate)]
    assert len(bars) >= 2 and all(b.ts % (10 * 10**9) == 0 for b in bars)  # two 5-second bars per 10-second bar
    assert depth and {d.side for d in depth} == {BookSide.BID, BookSide.ASK}
    assert not [e for e in events if isinstance(e, Trade | Quote)]


def test_the_stream_survives_the_nightly_reset(gateway: GatewayThread) -> None:
    feed = _feed(gateway, bars="trades", bar_seconds=1, reconnect_initial_delay=0.1)
    events = _collect(feed, gateway, 120, limit=15.0, restart_at=10)
    assert feed.connection.reconnects >= 1
    trades = [e for e in events if isinstance(e, Trade)]
    assert len(trades) > 40  # only 10 prices were set before the reset: most prints came after it


def test_the_stream_resubscribes_after_1101(gateway: GatewayThread) -> None:
    feed = _feed(gateway, bars="trades", bar_seconds=1)
    events = _collect(feed, gateway, 120, limit=15.0, data_lost_at=10)
    assert feed.connection.reconnects == 0  # same socket
    assert len([e for e in events if isinstance(e, Trade)]) > 40  # only 10 prices were set before 1101


def test_history_is_a_validated_series_fetched_through_the_pacing_governor(gateway: GatewayThread) -> None:
    feed = _feed(gateway, history_bar_size="5 mins")
    series = feed.history(ES)
    assert isinstance(series, BarSeries) and len(series) > 0
    assert list(series.ts) == sorted(series.ts)
    assert feed.governor.sent >= 1 and feed.governor.queue == ()


def test_continuous_history_spans_a_roll(gateway: GatewayThread) -> None:
    import datetime as dt

    from ib_async import IB, Future

    from adapters.ib.continuous import fetch_windows
    from adapters.ib.contracts import months_of

    async def listed() -> list[object]:
        ib = IB()
        await ib.connectAsync("127.0.0.1", gateway.port, clientId=42, timeout=5)
        try:
            return list(await ib.reqContractDetailsAsync(Future("ES", exchange="CME", currency="USD")))
        finally:
            ib.disconnect()

    months = months_of(asyncio.run(listed()))  # type: ignore[arg-type]
    end = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    start = end - dt.timedelta(days=20)
    front = min(m.expiry for m, _ in months)
    days = (front - (end.date() - dt.timedelta(days=10))).days  # the front month rolled 10 days ago
    feed = _feed(gateway, history_bar_size="1 hour", roll_days_before_expiry=days)
    assert len(fetch_windows(months, feed.config.roll_rule, start, end)) == 2
    series = feed.history(ES, int(start.timestamp() * 1e9), int(end.timestamp() * 1e9))
    assert len(series) > 0 and list(series.ts) == sorted(series.ts)
    assert feed.governor.sent >= 2  # both months were asked for


def test_history_fetched_while_streaming_leaves_the_stream_connected(gateway: GatewayThread) -> None:
    feed = _feed(gateway, history_bar_size="5 mins", heartbeat=0.2)

    async def scenario() -> tuple[bool, BarSeries, list[object]]:
        stream = feed.stream(ES)
        await asyncio.wait_for(anext(stream), 30)  # subscribed: a heartbeat or a first tick
        series = await asyncio.wait_for(feed.history_async(ES), 60)
        still_connected = feed.connection.connected
        gateway.do(lambda: gateway.gateway.set_price("ES", 5001.0))
        later: list[object] = []

        async def until_a_trade() -> None:
            async for event in stream:
                later.append(event)
                if isinstance(event, Trade) and event.price == 5001.0:  # earlier prints may still be on their way
                    return

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until_a_trade(), 30)
        await stream.aclose()
        return still_connected, series, later

    still_connected, series, later = asyncio.run(scenario())
    assert len(series) > 0
    assert still_connected  # the history request's end did not close the connection the stream uses
    assert any(isinstance(e, Trade) and e.price == 5001.0 for e in later)


def test_after_1101_each_trade_is_delivered_once(gateway: GatewayThread) -> None:
    feed = _feed(gateway, bars="trades", bar_seconds=1, quotes=False)
    events = _collect(feed, gateway, 80, data_lost_at=10)
    trades = [e for e in events if isinstance(e, Trade)]
    assert len(trades) > 40  # most of them arrived after the resubscription
    repeats = [a for a, b in itertools.pairwise(trades) if (a.ts, a.price, a.size) == (b.ts, b.price, b.size)]
    assert repeats == []  # the gateway never prints one price twice in a row: a repeat is the same tick delivered twice
