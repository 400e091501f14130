"""The snapshot scheduler on a real asyncio loop: stores every round, survives a failing source."""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.options.long_format import write_long_format
from adapters.options.scheduler import SnapshotScheduler
from adapters.options.sources import DirectorySource, SyntheticSource
from adapters.options.store import SnapshotStore
from adapters.options.synthetic import synthetic_chain
from mia_core.errors import MiaError
from mia_core.options import OptionsChainSnapshot
from ports.options_source import OptionsChainSource

from .chains import TS


class Flaky:
    """Fails every other call, like a source losing its connection."""

    name = "flaky"

    def __init__(self) -> None:
        self.calls = 0
        self.inner = SyntheticSource(expiries=2, strikes_per_expiry=10, now_ns=lambda: TS + self.calls * 1000)

    async def snapshot(self, underlying: str) -> OptionsChainSnapshot:
        self.calls += 1
        if self.calls % 2 == 0:
            raise MiaError("connection lost")
        return await self.inner.snapshot(underlying)


def test_sources_satisfy_the_port(tmp_path: Path) -> None:
    assert isinstance(SyntheticSource(), OptionsChainSource)
    assert isinstance(DirectorySource(tmp_path), OptionsChainSource)


def test_rounds_are_stored_and_failures_counted(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "store")
    seen: list[OptionsChainSnapshot] = []
    source = Flaky()
    scheduler = SnapshotScheduler(source, store, ["spx"], interval_seconds=0.01, align=False, on_snapshot=seen.append)
    asyncio.run(asyncio.wait_for(scheduler.run(max_rounds=4), timeout=10))
    assert (scheduler.taken, scheduler.failed) == (2, 2) and "connection lost" in scheduler.last_error
    assert [ts for ts, _ in store.index("SPX")] == [s.ts for s in seen]


def test_stop_event_ends_the_loop_between_slots(tmp_path: Path) -> None:
    scheduler = SnapshotScheduler(
        SyntheticSource(expiries=2, strikes_per_expiry=10), SnapshotStore(tmp_path), interval_seconds=3600, align=True
    )

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(scheduler.run(stop))
        await asyncio.sleep(0.2)
        stop.set()
        await asyncio.wait_for(task, timeout=5)

    asyncio.run(main())
    assert scheduler.taken == 1


def test_aligned_slots_fall_on_multiples_of_the_interval(tmp_path: Path) -> None:
    clock = [1_000_000.0 + 17.0]
    scheduler = SnapshotScheduler(SyntheticSource(), SnapshotStore(tmp_path), wall_time=lambda: clock[0])
    assert scheduler.seconds_to_next_slot() == 300 - (1_000_017 % 300)


def test_directory_source_reads_the_newest_unseen_file(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_long_format(synthetic_chain(TS, expiries=2, strikes_per_expiry=8), inbox / "a.csv")
    source = DirectorySource(inbox)
    first = asyncio.run(source.snapshot("SPX"))
    assert first.ts == TS
    try:
        asyncio.run(source.snapshot("SPX"))
    except MiaError as exc:
        assert "no new chain file" in str(exc)
    else:
        raise AssertionError("a file must not be returned twice")
