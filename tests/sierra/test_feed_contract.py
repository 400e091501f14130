"""The DataFeed contract suite on sierra_feed against the loopback DTC server (binary and JSON)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.clocks import WallClock
from adapters.sierra.driver import ServerThread
from adapters.sierra.dtc.client import DtcClient
from adapters.sierra.feed import SierraDataFeed
from adapters.simulated.feed_contract import DataFeedContract
from mia_core.instruments import ES, Instrument
from ports.data_feed import DataFeed

from .helpers import feed_config


class LoopbackFeedDriver:
    """sierra_feed on the loopback server."""

    def __init__(self, thread: ServerThread, encoding: str) -> None:
        self.thread = thread
        config = feed_config(thread, encoding=encoding)
        self._feed = SierraDataFeed(DtcClient(config), config, WallClock())

    @property
    def feed(self) -> DataFeed:
        return self._feed

    @property
    def instrument(self) -> Instrument:
        return ES

    def window(self) -> tuple[int, int]:
        end = 29_333_333 * 60 * 10**9
        return end - 3600 * 10**9, end

    def streaming(self) -> bool:
        return self.thread.do(lambda: bool(self.thread.server.market.subscribers.get("ESZ26")))

    def trade(self, prices: list[float]) -> None:
        for price in prices:
            self.thread.do(lambda p=price: self.thread.server.trade("ESZ26", p))


class TestSierraFeedContract(DataFeedContract):
    @pytest.fixture(params=["binary", "json-compact"])
    def feed_driver(self, request: pytest.FixtureRequest, server: ServerThread) -> Iterator[LoopbackFeedDriver]:
        yield LoopbackFeedDriver(server, request.param)
