"""`mia run`'s terminal view: the position table with the system, trading and ML panels and the alerts."""

from __future__ import annotations

import asyncio
import io
import re

from rich.console import Console

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import discover
from adapters.live.session import run_session


def test_the_last_frame_shows_every_panel_with_the_sessions_figures() -> None:
    data = {"mode": "paper", "data_feed": {"use": "bundled", "dataset": "sp500"}, "strategy": "sma_cross",
            "alerts": {"daily_loss_limit": 750}}
    screen = io.StringIO()
    shell = asyncio.run(run_session(plan_system(data, discover(), source="view.yaml"), 0.0,
                                    Console(file=screen, width=220, force_terminal=False), max_events=600))
    last = screen.getvalue()
    for title in ("system", "trading", "ML", "alerts"):
        assert re.search(rf"[─-]+ {title} [─-]+", last), f"no {title} panel"
    assert "-$750.00 / $1,000.00" in last  # the limits the figures are judged against
    assert f"{shell.events_seen:,} (" in last
    assert "no ML filter" in last
    trips = len(shell.engine.portfolio.round_trips)
    assert trips > 0 and re.search(r"win rate\s+\d+%", last)
