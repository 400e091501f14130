"""IB's API latency: reqCurrentTime round trips on the simulated gateway, the broker's reading, the alert rule."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.ib.driver import IbGatewayDriver
from adapters.ib.latency import LatencyProbe
from adapters.live.health import HealthWatch
from mia_core.alerts.book import AlertBook
from mia_core.alerts.rules import AlertsConfig
from mia_core.engine.core import TradingEngine
from mia_core.instruments import ES
from mia_plugins.sma_cross.strategy import SmaCrossConfig, SmaCrossStrategy

DELAY = 0.3  # seconds the gateway holds its answer to reqCurrentTime back
LIMIT_MS = 250.0  # above a loopback round trip even on a loaded machine, below DELAY


class SlowIb:
    """A stand-in for ib_async.IB whose reqCurrentTime answers after ``delay`` seconds."""

    def __init__(self, delay: float, connected: bool = True) -> None:
        self.delay = delay
        self.connected = connected

    def isConnected(self) -> bool:
        return self.connected

    async def reqCurrentTimeAsync(self) -> int:
        await asyncio.sleep(self.delay)
        return 0


def test_the_reading_is_the_median_of_the_last_round_trips_and_a_timeout_counts_as_one() -> None:
    ib = SlowIb(0.0)
    probe = LatencyProbe(ib, timeout=0.2)
    times = iter([0.0, 0.010, 1.0, 1.300, 2.0, 2.020])  # 10 ms, 300 ms, 20 ms
    probe.timer = lambda: next(times)
    for _ in range(3):
        asyncio.run(probe.probe())
    assert list(probe.samples) == pytest.approx([10.0, 300.0, 20.0])
    assert probe.latency_ms == pytest.approx(20.0)  # one slow reply alone raises nothing
    ib.delay = 5.0
    probe.timer = iter([3.0, 3.0]).__next__
    assert asyncio.run(probe.probe()) == pytest.approx(200.0)  # unanswered in 0.2 s: 200 ms
    ib.connected = False
    assert probe.latency_ms is None and not probe.samples


@pytest.fixture
def driver() -> Iterator[IbGatewayDriver]:
    made = IbGatewayDriver()
    yield made
    made.close()


def _slow_current_time(driver: IbGatewayDriver, delay: float) -> None:
    """Hold the gateway's answer to reqCurrentTime (message 49) back by ``delay`` seconds."""
    gateway = driver.gateway.gateway
    answer = gateway.handlers[49]

    def held(session: object, fields: object) -> None:
        driver.gateway.loop.call_later(delay, answer, session, fields)

    driver.gateway.do(lambda: gateway.handlers.__setitem__(49, held))


def _watch(driver: IbGatewayDriver, tmp_path: Path) -> tuple[HealthWatch, TradingEngine]:
    book = AlertBook(AlertsConfig(max_latency_ms=LIMIT_MS))
    return HealthWatch(book, lambda: 50.0), TradingEngine(ES, SmaCrossStrategy(SmaCrossConfig()))


def test_a_slow_gateway_raises_the_latency_alert_through_the_health_watch(driver: IbGatewayDriver,
                                                                          tmp_path: Path) -> None:
    broker = driver.ib_broker
    watch, engine = _watch(driver, tmp_path)

    async def read_then_wait() -> float | None:
        first = broker.latency_ms  # nothing measured yet: None, and a probe starts in the background
        assert first is None and broker.latency._task is not None
        await broker.latency._task
        return broker.latency_ms

    fast = driver.run(read_then_wait())
    assert fast is not None and fast < LIMIT_MS
    assert watch.observe(engine, broker, 1) == []
    _slow_current_time(driver, DELAY)
    for _ in range(2):  # two slow round trips out of three: the median is slow
        driver.run(broker.latency.probe())
    assert broker.latency_ms is not None and broker.latency_ms >= DELAY * 1000
    [alert] = watch.observe(engine, broker, 2)
    assert (alert.rule, alert.state.value) == ("latency", "raised")
    assert f"over {LIMIT_MS:g} ms" in alert.message
    assert watch.observe(engine, broker, 3) == []  # said once while it holds
