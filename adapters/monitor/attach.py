"""Serving the dashboard beside a running session: ``dashboard_for(shell, ...)`` wires the board, app and server."""

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


@contextlib.asynccontextmanager
async def dashboard_for(shell: LiveShell, name: str, config: DashboardConfig, alerts: AlertsConfig,
                        disk: Path, source: str = "system") -> AsyncIterator[DashboardServer | None]:
    """Serve the session's dashboard while the block runs (nothing when ``config.enabled`` is false).

    Raises ConfigError before serving anything when the bind needs a token that is
    not set. The board samples the equity after each event the shell handles.
    """
    if not config.enabled:
        yield None
        return
    token = check_bind(config, source)
    lag = LoopLag()
    lag.start()
    limits = BoardLimits(alerts.daily_loss_limit, alerts.profit_target)
    board = SessionBoard(shell, name, limits, ProcessProbe(disk), lag, ml=lambda: _ml_figures(shell))
    shell.watchers.append(board.on_entry)
    before = shell.on_update

    def after_event(engine: object) -> None:
        board.sample()
        if before is not None:
            before(shell.engine)

    shell.on_update = after_event

    async def control(action: str, who: str) -> str:
        return await apply_control(shell, action, who)

    app = build_app(CachedState(board.state), token, open_reads=config.loopback,
                    control=control if config.controls and token else None, stream_period_s=config.refresh_seconds)
    server = DashboardServer(app, config.host, config.port)
    task = asyncio.get_running_loop().create_task(server.serve(), name="mia-dashboard")
    log.warning("dashboard at %s", server.url)
    try:
        yield server
    finally:
        server.stop()
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
        await lag.stop()
