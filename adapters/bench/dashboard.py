"""``mia bench dashboard``: does serving the dashboard delay the trading loop? Event-loop lag with 0 and 10 viewers.

A paper session (sma_cross on synthetic one-minute ES bars, paced at about 200 bars a
second, simulated broker) runs with its dashboard on loopback. Three phases of equal
length: no viewer; ``viewers`` browsers polling the page's state once a second (what
the page does); ``viewers`` live streams held open. The viewers run in another process
(so their own work does not count against the session's loop). For each phase: the
loop's lag (how late a 50 ms sleep wakes: p50, p99, max) and the bars handled per
second.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import attrs
import numpy as np

from adapters.bootstrap.backtest import session_engine
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import discover
from adapters.live.shell import LiveShell
from adapters.monitor.attach import monitoring, watch_session
from adapters.monitor.config import DashboardConfig
from adapters.replay.feed import SeriesDataFeed
from mia_core.clock import ManualClock

_VIEWERS = """
import asyncio, sys, httpx
async def poll(url):
    async with httpx.AsyncClient(timeout=10) as client:
        while True:
            await client.get(url + "api/state"); await asyncio.sleep(1.0)
async def stream(url):
    async with httpx.AsyncClient(timeout=None) as client:
        async with client.stream("GET", url + "api/stream") as reply:
            async for _ in reply.aiter_lines():
                pass
async def main(url, kind, n):
    await asyncio.gather(*(poll(url) if kind == "poll" else stream(url) for _ in range(n)))
asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


@attrs.frozen
class Phase:
    """Lag and throughput of one phase."""

    name: str
    lag_p50_ms: float
    lag_p99_ms: float
    lag_max_ms: float
    bars_per_second: float


async def _phases(seconds: float, viewers: int, bars: int) -> list[Phase]:
    data = {"mode": "paper", "data_feed": {"use": "synthetic", "bars": bars, "seed": 7},
            "strategy": {"use": "sma_cross", "fast": 5, "slow": 20}, "session": {"speed": 12_000}}
    plan = plan_system(data, discover(), source="bench-dashboard")
    system = build_system(plan, clock=ManualClock())
    assert isinstance(system.data_feed, SeriesDataFeed)
    system.data_feed.speed = plan.settings.session.speed
    shell = LiveShell(session_engine(system), system.broker, system.data_feed, system.clock)
    board = watch_session(shell, "bench", plan.settings.alerts, Path("."))
    stop = asyncio.Event()
    phases: list[Phase] = []
    async with monitoring(board, DashboardConfig(enabled=True, port=0)) as server:
        assert server is not None
        run = asyncio.create_task(shell.run(stop))
        await asyncio.sleep(1.0)
        for name, kind in (("no viewer", ""), (f"{viewers} polling", "poll"), (f"{viewers} streams", "stream")):
            helper = None
            if kind:
                helper = subprocess.Popen([sys.executable, "-c", _VIEWERS, server.url, kind, str(viewers)])
                await asyncio.sleep(1.0)  # let them connect
            board.lag.recent_ms.clear()
            events, started = shell.events_seen, time.perf_counter()
            await asyncio.sleep(seconds)
            rate = (shell.events_seen - events) / (time.perf_counter() - started)
            lag = np.array(board.lag.recent_ms)
            phases.append(Phase(name, float(np.percentile(lag, 50)), float(np.percentile(lag, 99)),
                                float(lag.max()), rate))
            if helper is not None:
                helper.terminate()
                helper.wait(timeout=10)
        stop.set()
        await asyncio.wait_for(run, 30)
    system.close()
    return phases


def dashboard_bench(seconds: float = 10.0, viewers: int = 10, bars: int = 300_000) -> list[Phase]:
    """The three phases, ``seconds`` each, on a tape of ``bars`` synthetic bars (enough to outlast them)."""
    return asyncio.run(_phases(seconds, viewers, bars))
