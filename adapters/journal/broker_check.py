"""`mia journal check SYSTEM --broker`: the journal's position and working orders against a connected broker's."""

from __future__ import annotations

import asyncio
import time

import attrs

from adapters.bootstrap.backtest import session_engine
from adapters.bootstrap.config import SystemPlan
from adapters.bootstrap.container import build_system
from adapters.journal.files import open_journal
from adapters.live.reconcile import broker_state
from adapters.live.recovery import restore
from mia_core.reconcile.compare import reconcile
from ports.broker import ReconcilingBroker


@attrs.frozen
class BrokerComparison:
    """What the journal says the system holds beside what the broker reports, and what differs."""

    journal_position: int
    broker_position: int | None
    journal_working: tuple[str, ...]
    broker_open: tuple[str, ...]
    problems: tuple[str, ...]


async def _compare(plan: SystemPlan, journal_path: str, timeout_s: float) -> BrokerComparison:
    system = build_system(plan)
    journal = open_journal(journal_path)
    try:
        engine = session_engine(system, persist_risk=False)
        entries = list(journal.entries())
        restore(engine, entries, time.time_ns())
        broker = system.broker
        if isinstance(broker, ReconcilingBroker):
            broker.recall(entries)  # the journal's fills: executions the broker reports again are known
        await asyncio.wait_for(broker.connect(), timeout_s)
        try:
            await asyncio.sleep(min(2.0, timeout_s))  # positions and open orders arrive after the handshake
            state = broker_state(broker, time.time_ns())
        finally:
            await broker.disconnect()
    finally:
        journal.close()
        system.close()
    position = engine.portfolio.quantity
    result = reconcile(position, engine.working, state)
    problems = [r.note for r in result.resolutions]
    if state.position is None:
        problems.append("the broker reported no position: nothing can be compared (never taken as flat)")
    elif result.mismatch or (result.difference and not result.settled):
        problems.append(result.mismatch or f"position differs by {result.difference:+d} contracts "
                                           f"({state.in_flight} executions still in flight: check again)")
    return BrokerComparison(position, state.position, tuple(sorted(engine.working)), tuple(sorted(state.open_orders)),
                            tuple(problems))


def compare_with_broker(plan: SystemPlan, journal_path: str, timeout_s: float = 15.0) -> BrokerComparison:
    """Rebuild the books from the journal as a restart would, connect the system's broker, compare; disconnect."""
    return asyncio.run(_compare(plan, journal_path, timeout_s))
