"""Who may read the dashboard and act on the session: the token, the bind, and control actions journalled."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from adapters.bootstrap.errors import ConfigError
from adapters.journal.jsonl import MemoryJournal
from adapters.live.shell import LiveShell
from adapters.monitor.app import CachedState, build_app
from adapters.monitor.board import BoardLimits, SessionBoard
from adapters.monitor.config import DashboardConfig
from adapters.monitor.control import apply_control
from adapters.monitor.probe import LoopLag, ProcessProbe
from adapters.monitor.server import DashboardServer, check_bind
from adapters.simulated.broker import InMemoryBroker
from mia_core.clock import ManualClock
from mia_core.engine.core import TradingEngine
from mia_core.instruments import ES
from mia_core.synthetic import SyntheticConfig, generate_bars
from mia_plugins.sma_cross.strategy import SmaCrossConfig, SmaCrossStrategy

TOKEN = "s3cret-token-for-tests"


class Bars:
    name = "bars"

    async def stream(self, instrument: object):  # type: ignore[no-untyped-def]
        for bar in generate_bars(ES, SyntheticConfig(bars=400, seed=3)):
            yield bar


def shell() -> tuple[LiveShell, MemoryJournal]:
    clock = ManualClock()
    journal = MemoryJournal()
    engine = TradingEngine(ES, SmaCrossStrategy(SmaCrossConfig(fast=5, slow=20)))
    live = LiveShell(engine, InMemoryBroker(ES, clock=clock), Bars(), clock, journal=journal)  # type: ignore[arg-type]
    return live, journal


async def serve_and_ask(requests: list[tuple[str, str, dict[str, str]]], *, open_reads: bool,
                        token: str | None = TOKEN) -> tuple[list[tuple[int, str]], LiveShell, MemoryJournal]:
    live, journal = shell()
    await live.run()  # the whole series: a position or trades to act on
    board = SessionBoard(live, "access", BoardLimits(), ProcessProbe(Path(".")), LoopLag())
    live.watchers.append(board.on_entry)

    async def control(action: str, who: str) -> str:
        return await apply_control(live, action, who)

    server = DashboardServer(build_app(CachedState(board.state), token, open_reads=open_reads, control=control),
                             "127.0.0.1", 0)
    task = asyncio.create_task(server.serve())
    answers = []
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            for _ in range(200):  # the server listens once its task ran
                try:
                    await client.get("/nothing")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            for method, path, headers in requests:
                reply = await client.request(method, path, headers=headers)
                answers.append((reply.status_code, reply.text))
    finally:
        server.stop()
        await asyncio.wait_for(task, 10)
    return answers, live, journal


def test_without_open_reads_every_route_needs_the_token() -> None:
    good = {"Authorization": f"Bearer {TOKEN}"}
    asks = [("GET", "/", {}), ("GET", "/api/state", {"Authorization": "Bearer wrong"}), ("GET", "/metrics", {}),
            ("GET", "/health", {"Authorization": f"Bearer {TOKEN}x"}), ("GET", f"/api/state?token={TOKEN}", {}),
            ("GET", "/health", good), ("GET", "/no/such/page", good)]
    answers, _, _ = asyncio.run(serve_and_ask(asks, open_reads=False))
    assert answers[:4] == [(401, "unauthorized")] * 4
    assert answers[4][0] == 200 and '"trading"' in answers[4][1]
    assert answers[5][0] == 200 and answers[5][1].startswith('{"status":')
    assert answers[6] == (404, "not found")
    assert all(TOKEN not in text for _, text in answers)


def test_a_halt_needs_the_token_latches_flattens_and_is_journalled() -> None:
    asks = [("POST", "/api/control/halt", {}), ("POST", "/api/control/halt", {"Authorization": "Bearer nope"}),
            ("POST", "/api/control/explode", {"Authorization": f"Bearer {TOKEN}"}),
            ("GET", "/api/control/halt", {"Authorization": f"Bearer {TOKEN}"}),
            ("POST", "/api/control/halt", {"Authorization": f"Bearer {TOKEN}"})]
    answers, live, journal = asyncio.run(serve_and_ask(asks, open_reads=True))
    assert answers[:4] == [(401, "unauthorized"), (401, "unauthorized"), (404, "not found"), (404, "not found")]
    assert answers[4][0] == 200
    assert live.engine.desk.latched
    controls = [e.payload for e in journal.entries("control")]
    assert controls == [{"action": "halt", "by": "127.0.0.1"}]
    kinds = [e.kind for e in journal.entries()]
    assert kinds.index("control") < kinds.index("catastrophe")  # the request is on record before its effect


def test_a_bind_beyond_loopback_needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIA_DASHBOARD_TOKEN", raising=False)
    assert check_bind(DashboardConfig(enabled=True)) is None  # 127.0.0.1: read-only without one
    with pytest.raises(ConfigError, match=r"dashboard.host: .0.0.0.0. is not a loopback address.*MIA_DASHBOARD_TOKEN"):
        check_bind(DashboardConfig(enabled=True, host="0.0.0.0"))
    monkeypatch.setenv("MIA_DASHBOARD_TOKEN", TOKEN)
    assert check_bind(DashboardConfig(enabled=True, host="0.0.0.0")) == TOKEN
    assert DashboardConfig(host="::1").loopback and DashboardConfig(host="localhost").loopback
    assert not DashboardConfig(host="192.168.1.5").loopback
