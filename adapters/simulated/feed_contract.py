"""A reusable DataFeed contract suite: subclass DataFeedContract in pytest with a ``feed_driver`` fixture."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from mia_core.instruments import Instrument
from mia_core.market import Trade
from mia_core.series import BarSeries
from ports.data_feed import DataFeed


class FeedDriver(Protocol):
    """What the contract needs: the feed, its instrument, a history window, and a way to move the market."""

    @property
    def feed(self) -> DataFeed:
        """The feed under test (fresh for each check)."""
        ...

    @property
    def instrument(self) -> Instrument:
        """The instrument streamed."""
        ...

    def window(self) -> tuple[int, int]:
        """UTC ns bounds inside which the feed has at least ten bars of history."""
        ...

    def streaming(self) -> bool:
        """True once a live stream is subscribed (market moves made after it are delivered)."""
        ...

    def trade(self, prices: list[float]) -> None:
        """Make the market trade at each of ``prices``, in order."""
        ...


class DataFeedContract:
    """Behaviour every DataFeed must show (the DataFeed port's docstring, checked)."""

    def test_satisfies_the_port(self, feed_driver: FeedDriver) -> None:
        """The object satisfies the DataFeed protocol and has a name."""
        assert isinstance(feed_driver.feed, DataFeed) and feed_driver.feed.name

    def test_history_is_validated_ascending_and_within_inclusive_bounds(self, feed_driver: FeedDriver) -> None:
        """history() returns a BarSeries of the instrument, ascending, inside the bounds."""
        start, end = feed_driver.window()
        bars = feed_driver.feed.history(feed_driver.instrument, start, end)
        assert isinstance(bars, BarSeries) and bars.instrument == feed_driver.instrument and len(bars) >= 10
        assert all(bars.ts[i] < bars.ts[i + 1] for i in range(len(bars) - 1))
        assert start <= int(bars.ts[0]) and int(bars.ts[-1]) <= end
        inner = feed_driver.feed.history(feed_driver.instrument, int(bars.ts[1]), int(bars.ts[-2]))
        assert list(inner.ts) == list(bars.ts[1:-1])

    def test_stream_yields_the_market_in_time_order_and_ends_when_closed(self, feed_driver: FeedDriver) -> None:
        """stream() yields the instrument's trades as they happen, timestamps never going back."""
        prices = [5000.0, 5000.25, 5000.5, 5000.25]
        events = asyncio.run(_collect(feed_driver, prices))
        trades = [e for e in events if isinstance(e, Trade)]
        assert [t.price for t in trades] == prices
        assert all(getattr(e, "instrument", feed_driver.instrument) == feed_driver.instrument for e in events)
        stamps = [e.ts for e in events]
        assert stamps == sorted(stamps)


async def _collect(driver: FeedDriver, prices: list[float]) -> list[Any]:
    events: list[Any] = []
    stream = driver.feed.stream(driver.instrument)

    async def pull() -> None:
        async for event in stream:
            events.append(event)
            if sum(isinstance(e, Trade) for e in events) >= len(prices):
                return

    task = asyncio.ensure_future(pull())
    for _ in range(3000):
        if driver.streaming() or task.done():
            break
        await asyncio.sleep(0.01)
    driver.trade(prices)
    await asyncio.wait_for(task, 60)
    await stream.aclose()  # type: ignore[attr-defined]
    return events
