"""Helpers: the loopback DTC server on its own thread, and client settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.sierra.config import SierraFeedConfig
from adapters.sierra.driver import ServerThread
from adapters.sierra.server import ServerOptions


@pytest.fixture
def server() -> Iterator[ServerThread]:
    thread = ServerThread(ServerOptions())
    try:
        yield thread
    finally:
        thread.stop()


def feed_config(thread: ServerThread, **settings: Any) -> SierraFeedConfig:
    """Feed settings for the loopback server (fast reconnects, generous waits)."""
    base: dict[str, Any] = dict(port=thread.server.port, historical_port=thread.server.historical_port,
                                symbol="ESZ26", connect_timeout=20.0, request_timeout=20.0,
                                reconnect_initial_delay=0.05, reconnect_max_delay=0.2)
    return SierraFeedConfig(**{**base, **settings})
