"""``python -m adapters.ib.gateway``: a user runs the gateway and an unmodified ib_async client sees moving prices."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

from ib_async import IB, Future


def test_module_entry_point_serves_a_client_with_replayed_bars() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.ib.gateway", "--port", "0", "--tick", "0.02", "--lifetime", "30",
         "--source", "synthetic"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.search(r"127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        port = int(match.group(1))

        async def client() -> list[float]:
            ib = IB()
            ib.RequestTimeout = 10
            await ib.connectAsync("127.0.0.1", port, clientId=3, timeout=5)
            try:
                details = await ib.reqContractDetailsAsync(Future("ES", exchange="CME"))
                ticker = ib.reqMktData(details[0].contract)
                seen: set[float] = set()
                for _ in range(300):
                    await asyncio.sleep(0.01)
                    if ticker.last == ticker.last:
                        seen.add(ticker.last)
                    if len(seen) >= 3:
                        break
                summary = await ib.accountSummaryAsync()
                assert any(v.tag == "NetLiquidation" and float(v.value) == 1_000_000.0 for v in summary)
                return sorted(seen)
            finally:
                ib.disconnect()

        prices = asyncio.run(asyncio.wait_for(client(), 20))
        assert len(prices) >= 3  # the replayed synthetic bars move ES
    finally:
        process.terminate()
        process.wait(timeout=10)
