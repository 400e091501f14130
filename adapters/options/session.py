"""The options snapshot scheduler as a task of a paper/live session (``options_snapshots:``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from adapters.bootstrap.schema import OptionsSnapshotsConfig
from adapters.options.scheduler import SnapshotScheduler
from adapters.options.sources import DirectorySource, SyntheticSource
from adapters.options.store import SnapshotStore
from ports.options_source import OptionsChainSource

log = logging.getLogger("mia.options")


def make_source(config: OptionsSnapshotsConfig) -> tuple[OptionsChainSource, Callable[[], None] | None]:
    """The configured chain source and what closes it (an IB connection), if anything."""
    if config.source == "directory":
        assert config.inbox is not None  # the schema requires it for this source
        return DirectorySource(config.inbox), None
    if config.source == "ib":
        from adapters.clocks import WallClock
        from adapters.ib.config import IbConnectionConfig
        from adapters.ib.connection import IbConnection
        from adapters.ib.options import IbOptionsChainSource

        settings = IbConnectionConfig(host=config.ib_host, port=config.ib_port, client_id=config.ib_client_id)
        connection = IbConnection(settings, WallClock())
        return IbOptionsChainSource(connection, WallClock()), connection.close
    return SyntheticSource(), None


@contextlib.asynccontextmanager
async def snapshots_during_session(
    config: OptionsSnapshotsConfig, stop: asyncio.Event
) -> AsyncIterator[SnapshotScheduler | None]:
    """Run the scheduler beside the session while the ``async with`` body runs; ``None`` when disabled."""
    if not config.enabled:
        yield None
        return
    source, closing = make_source(config)
    scheduler = SnapshotScheduler(
        source, SnapshotStore(config.directory), config.underlyings, interval_seconds=config.interval_seconds
    )
    task = asyncio.create_task(scheduler.run(stop), name="mia-options-snapshots")
    log.info("options snapshots every %ss from %s into %s", config.interval_seconds, source.name, config.directory)
    try:
        yield scheduler
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=5.0)  # a snapshot in flight gets 5 s, then is cancelled
        if closing is not None:
            closing()
