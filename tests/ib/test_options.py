"""SPX/NDX chain snapshots from the simulated gateway through IbOptionsChainSource, stored by the scheduler."""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.clocks import WallClock
from adapters.ib.config import IbConnectionConfig
from adapters.ib.connection import IbConnection
from adapters.ib.gateway import SimulatedGateway
from adapters.ib.options import IbOptionsChainSource
from adapters.options.scheduler import SnapshotScheduler
from adapters.options.store import SnapshotStore
from mia_core.options import OptionRight, OptionsChainSnapshot, SettlementStyle
from ports.options_source import OptionsChainSource


def _snapshots(tmp_path: Path) -> tuple[list[OptionsChainSnapshot], int]:
    async def scenario() -> tuple[list[OptionsChainSnapshot], int]:
        async with SimulatedGateway(port=0, prices={"SPX": 6000.0, "NDX": 21000.0}) as gw:
            connection = IbConnection(IbConnectionConfig(port=gw.port, client_id=71, request_timeout=20), WallClock())
            source = IbOptionsChainSource(connection, WallClock(), expiries=1, width=0.01)
            assert isinstance(source, OptionsChainSource)
            scheduler = SnapshotScheduler(source, SnapshotStore(tmp_path), ("SPX", "NDX"), align=False)
            try:
                taken = await scheduler.run_once()
            finally:
                connection.close()
            return taken, scheduler.failed

    return asyncio.run(scenario())


def test_chains_arrive_with_model_greeks_around_spot_and_are_stored(tmp_path: Path) -> None:
    taken, failed = _snapshots(tmp_path)
    assert failed == 0 and [s.underlying for s in taken] == ["SPX", "NDX"]
    spx = taken[0]
    assert spx.spot == 6000.0 and spx.source == "ib" and len(spx.expiries) == 1
    assert all(abs(q.strike - 6000.0) <= 0.01 * 6000.0 for q in spx.quotes)
    assert {q.right for q in spx.quotes} == {OptionRight.CALL, OptionRight.PUT}
    assert all(q.iv is not None and q.gamma is not None and q.gamma > 0 for q in spx.quotes)
    calls = [q for q in spx.quotes if q.right is OptionRight.CALL]
    assert all(0 < (q.delta or 0) < 1 for q in calls)
    assert {q.settlement for q in spx.quotes} <= {SettlementStyle.AM, SettlementStyle.PM}
    assert len(list(tmp_path.glob("*.json"))) == 2
