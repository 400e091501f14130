"""`mia run` with the ib broker and ib_feed drives the backtest's engine and risk against the simulated gateway."""

from __future__ import annotations

import asyncio
import io
import threading
from pathlib import Path

from rich.console import Console

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import discover
from adapters.ib.driver import GatewayThread
from adapters.journal.jsonl import JsonLinesJournal
from adapters.live.session import run_session


def _system(port: int, journal: Path) -> dict[str, object]:
    connection = {"port": port, "client_id": 31, "account_env": "", "connect_timeout": 30.0, "request_timeout": 30.0}
    return {
        "mode": "paper",
        "instrument": "ES",
        "data_feed": {"use": "ib_feed", **connection, "bars": "trades", "bar_seconds": 1, "heartbeat": 0.5},
        "broker": {"use": "ib", **connection, "journal_path": str(journal), "commission_wait": 10.0},
        "strategy": {"use": "random_entry", "probability": 1.0, "atr_period": 2, "max_hold_bars": 2, "seed": 3},
        "journal": {"path": str(journal)},
    }


def test_a_paper_session_trades_through_ib_and_books_what_the_gateway_executed(tmp_path: Path) -> None:
    gateway = GatewayThread()
    journal = tmp_path / "journal.jsonl"
    stop_moving = threading.Event()

    def move_market() -> None:  # a bounded random-looking walk on the tick grid, 20 prices a second
        price, steps = 5000.0, [0.25, 0.5, -0.25, 0.75, -0.5, -0.25, 0.25, -0.75]
        for i in range(400):
            if stop_moving.wait(0.05):
                return
            price += steps[i % len(steps)]
            gateway.do(lambda p=price: gateway.gateway.set_price("ES", p))

    mover = threading.Thread(target=move_market, daemon=True)
    try:
        gateway.do(lambda: gateway.gateway.set_price("ES", 5000.0))
        plan = plan_system(_system(gateway.port, journal), discover(), source="test")
        mover.start()
        shell = asyncio.run(run_session(plan, None, Console(file=io.StringIO()), max_events=250))
    finally:
        stop_moving.set()
        mover.join(5)
        executions = {e.exec_id: e for e in gateway.gateway.executions}
        orders = list(gateway.gateway.orders.values())
        gateway.stop()
    engine = shell.engine
    fills = [entry.payload["event"]["fill"] for entry in JsonLinesJournal(journal).entries("fill")]
    assert len(engine.portfolio.round_trips) >= 1 and len(fills) >= 2
    ids = [f["fill_id"] for f in fills]
    assert len(ids) == len(set(ids)) and set(ids) <= set(executions)  # each execution booked once, none invented
    for fill in fills:  # as the gateway executed it (IB's commission: 2.25 per contract)
        execution = executions[fill["fill_id"]]
        assert (fill["price"], fill["quantity"]) == (execution.price, execution.shares)
        assert fill["commission_cents"] == round(225 * execution.shares)
    last = max(executions[i].time for i in ids)
    assert {i for i, e in executions.items() if e.time < last} <= set(ids)  # nothing lost in between
    assert any(o.parent_id for o in orders)  # the strategy's brackets went out as IB brackets
    assert list(JsonLinesJournal(journal).entries("signal"))  # the strategy saw bars built from IB's ticks


def test_an_ib_outage_longer_than_the_limit_trips_the_catastrophe_monitor(tmp_path: Path) -> None:
    from adapters.bootstrap.backtest import make_engine
    from adapters.bootstrap.container import build_system
    from adapters.journal.jsonl import MemoryJournal
    from adapters.live.shell import LiveShell

    gateway = GatewayThread()
    data = _system(gateway.port, tmp_path / "journal.jsonl")
    link = {"disconnect_alert_after": 0.3, "reconnect_initial_delay": 0.2}  # shared connection: same on both
    data["broker"] = {**data["broker"], **link}  # type: ignore[dict-item]
    data["data_feed"] = {**data["data_feed"], **link, "heartbeat": 0.2}  # type: ignore[dict-item]
    data["strategy"] = {"use": "sma_cross", "fast": 2, "slow": 3}
    data["catastrophe"] = {"enabled": True, "connection_timeout_seconds": 1.0,
                           "state_file": str(tmp_path / "risk_state.json")}
    plan = plan_system(data, discover(), source="test")
    system = build_system(plan)
    engine = make_engine(system, 10_000_000)
    journal = MemoryJournal()
    shell = LiveShell(engine, system.broker, system.data_feed, system.clock, journal=journal)
    stop = asyncio.Event()
    shell.on_update = lambda _e: stop.set() if list(journal.entries("catastrophe")) else None

    async def session() -> None:
        loop = asyncio.get_running_loop()
        loop.call_later(0.5, lambda: loop.run_in_executor(None, gateway.stop))  # the gateway goes away for good
        loop.call_later(12.0, stop.set)  # bound
        await shell.run(stop)

    try:
        asyncio.run(session())
    finally:
        system.close()
        gateway.stop()
    (lost,) = [e.payload["event"] for e in journal.entries("connection")]
    (tripped,) = [e.payload["event"] for e in journal.entries("catastrophe")]
    assert lost.detail.startswith("no connection to IB")
    assert tripped.trigger == "connection_lost" and "ib lost" in tripped.detail
    assert tripped.ts - lost.ts > 1_000_000_000  # measured from the moment the link went down


def test_a_backtest_runs_on_continuous_ib_history_through_the_same_plan() -> None:
    import datetime as dt

    from adapters.bootstrap.backtest import backtest_plan

    gateway = GatewayThread()
    try:
        today = dt.datetime.now(dt.UTC).date()
        data = {
            "mode": "backtest",
            "data_feed": {"use": "ib_feed", "port": gateway.port, "client_id": 32, "history_bar_size": "1 hour"},
            "strategy": {"use": "sma_cross", "fast": 3, "slow": 8},
            "backtest": {"start": str(today - dt.timedelta(days=20)), "end": str(today - dt.timedelta(days=1))},
        }
        host = discover()
        run = backtest_plan(plan_system(data, host, source="test"), host)
    finally:
        gateway.stop()
    hours = run.series.ts[1:] - run.series.ts[:-1]
    assert len(run.series) > 100 and (hours > 0).all()
    assert run.result.round_trips  # the same engine traded the bars IB served
