"""The pacing governor keeps the simulated gateway's IB pacing rules, which raw ib_async calls break."""

from __future__ import annotations

import asyncio
import datetime as dt

from ib_async import IB

from adapters.ib.contracts import resolve_front
from adapters.ib.gateway import SimulatedGateway
from adapters.ib.history import PacedHistory
from mia_core.rolls import RollRule

ENDS = [dt.datetime(2025, 11, 17 + i, 21, tzinfo=dt.UTC) for i in range(7)]


async def _session(use_governor: bool) -> tuple[list[int], list[int]]:
    async with SimulatedGateway(port=0, enforce_pacing=True) as gw:
        ib = IB()
        ib.RequestTimeout = 10
        errors: list[int] = []
        ib.errorEvent += lambda req_id, code, message, contract=None: errors.append(code)
        await ib.connectAsync("127.0.0.1", gw.port, clientId=61, timeout=5)
        try:
            es = await resolve_front(ib, "ES", dt.datetime.now(dt.UTC).date(), RollRule())
            paced = PacedHistory(ib, timeout=10)
            counts = []
            for end in ENDS:  # seven distinct requests for one contract and tick type, as fast as allowed
                if use_governor:
                    bars = await paced.bars(es, end, "1 hour")
                else:
                    text = end.strftime("%Y%m%d %H:%M:%S UTC")
                    bars = list(await ib.reqHistoricalDataAsync(es, text, "1 M", "1 hour", "TRADES", False,
                                                                formatDate=2, timeout=10))
                counts.append(len(bars))
            return counts, errors
        finally:
            ib.disconnect()


def test_raw_requests_break_the_two_second_rule_and_the_governor_keeps_it() -> None:
    raw_counts, raw_errors = asyncio.run(_session(use_governor=False))
    assert 162 in raw_errors and 0 in raw_counts  # the gateway enforces IB's rule
    counts, errors = asyncio.run(_session(use_governor=True))
    assert 162 not in errors and all(n > 0 for n in counts)
