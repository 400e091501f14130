"""Watching a running session: ``watch_session`` makes its board, ``monitoring`` serves it (and samples loop lag)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

from adapters.live.shell import LiveShell
from adapters.monitor.app import CachedState, build_app
from adapters.monitor.board import BoardLimits, SessionBoard
from adapters.monitor.config import DashboardConfig
from adapters.monitor.control import apply_control
from adapters.monitor.probe import LoopLag, ProcessProbe
from adapters.monitor.server import DashboardServer, check_bind
from mia_core.alerts.rules import AlertsConfig
from mia_core.engine.core import TradingEngine

log = logging.getLogger("mia.dashboard")


def _ml_figures(shell: LiveShell) -> Mapping[str, float]:
    """Figures of signal filters that report them (a ``monitor_figures()`` method, e.g. confidence and drift)."""
    figures: dict[str, float] = {}
    for component in shell.engine.signal_filters:
        report = getattr(component, "monitor_figures", None)
        if callable(report):
            name = str(getattr(component, "name", type(component).__name__))
            figures.update({f"{name}.{key}": float(value) for key, value in report().items()})
    return figures


def watch_session(shell: LiveShell, name: str, alerts: AlertsConfig, disk: Path) -> SessionBoard:
    """A board reading ``shell``: fed every journal entry, sampling the equity after each event."""
    limits = BoardLimits(alerts.daily_loss_limit, alerts.profit_target)
    board = SessionBoard(shell, name, limits, ProcessProbe(disk), LoopLag(), ml=lambda: _ml_figures(shell))
    shell.watchers.append(board.on_entry)
    before = shell.on_update

    def after_event(engine: TradingEngine) -> None:
        board.sample()
        if before is not None:
            before(engine)

    shell.on_update = after_event
    return board


@contextlib.asynccontextmanager
async def monitoring(board: SessionBoard, config: DashboardConfig, source: str = "system",
                     ) -> AsyncIterator[DashboardServer | None]:
    """Sample the event loop's lag while the block runs, and serve the dashboard when ``config.enabled``.

    Raises ConfigError before serving anything when the bind needs a token that is
    not set.
    """
    token = check_bind(config, source) if config.enabled else None
    board.lag.start()
    server = task = None
    if config.enabled:
        shell = board.shell

        async def control(action: str, who: str) -> str:
            return await apply_control(shell, action, who)

        app = build_app(CachedState(board.state), token, open_reads=config.loopback,
                        control=control if config.controls and token else None,
                        stream_period_s=config.refresh_seconds)
        server = DashboardServer(app, config.host, config.port)
        task = asyncio.get_running_loop().create_task(server.serve(), name="mia-dashboard")
        log.warning("dashboard at %s", server.url)
    try:
        yield server
    finally:
        if server is not None and task is not None:
            server.stop()
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
        await board.lag.stop()
