"""``mia run``: a paper (or live) session with a live terminal view."""

from __future__ import annotations

import asyncio
import contextlib
import signal as signals
from pathlib import Path

import attrs
from rich.console import Console
from rich.live import Live
from rich.table import Table

from adapters.bootstrap.backtest import session_engine
from adapters.bootstrap.config import SystemPlan
from adapters.bootstrap.container import build_system
from adapters.bootstrap.system_paths import session_journal_path, system_name
from adapters.journal.files import open_journal
from adapters.journal.jsonl import MemoryJournal
from adapters.live.daily import DailyDigest
from adapters.live.health import HealthWatch, disk_free_pct
from adapters.live.shell import LiveShell
from adapters.monitor.attach import monitoring, watch_session
from adapters.monitor.board import SessionBoard
from adapters.monitor.terminal import session_view
from adapters.options.session import snapshots_during_session
from adapters.replay.feed import SeriesDataFeed
from mia_core.alerts.book import AlertBook
from mia_core.clock import ManualClock
from mia_core.digest.summary import Limits
from mia_core.engine.core import TradingEngine
from mia_core.journal import record
from mia_core.metrics.table import format_money
from mia_core.risk.limits import MaxTradesPerDay
from mia_core.signals import Signal
from mia_core.timeutil import ns_to_datetime
from ports.journal import Journal
from ports.notifier import Notifier


def status_table(engine: TradingEngine, events: int, recent: tuple[Signal, ...] = ()) -> Table:
    """Position, P&L and the last signals; realized P&L is after every commission paid (the change in cash)."""
    portfolio = engine.portfolio
    position = portfolio.position
    table = Table(title=f"MIA {engine.instrument.symbol} paper session", show_header=False)
    table.add_column("field")
    table.add_column("value", justify="right")
    realized = portfolio.realized_cents - portfolio.commission_cents  # the change in cash
    when = ns_to_datetime(engine.now_ns).strftime("%Y-%m-%d %H:%M") if engine.now_ns else "-"
    rows = [
        ("market time", when),
        ("events", f"{events:,}"),
        ("position", f"{position.quantity:+d} @ {position.average_price}" if position.quantity else "flat"),
        ("realized P&L (after commissions)", format_money(realized / 100)),
        ("unrealized P&L", format_money(portfolio.unrealized_cents / 100)),
        ("commissions", format_money(portfolio.commission_cents / 100)),
        ("equity", format_money(portfolio.equity_cents / 100)),
        ("round trips", str(len(portfolio.round_trips))),
        ("working orders", str(len(engine.working))),
    ]
    for row in rows:
        table.add_row(*row)
    monitor = engine.desk.monitor
    if monitor is not None and monitor.latched:  # always on screen, whatever notifiers are configured
        state = monitor.state
        since = ns_to_datetime(state.since_ns).strftime("%Y-%m-%d %H:%M:%S") if state.since_ns else "-"
        detail = f": {state.detail}" if state.detail else ""
        table.add_row(
            "[bold red]catastrophe[/]",
            f"[bold red]LATCHED[/] {state.trigger}{detail} (since {since} UTC); no new entries until `mia risk rearm`",
        )
    for sig in recent[-3:]:
        table.add_row("signal", _describe(sig))
    return table


def _describe(sig: Signal) -> str:
    return f"{ns_to_datetime(sig.ts):%Y-%m-%d %H:%M} {sig.direction.name} ({sig.source})"


async def run_session(
    plan: SystemPlan, speed: float | None, console: Console, max_events: int | None = None
) -> LiveShell:
    """Run the plan's system until the feed ends, ``max_events`` or Ctrl-C."""
    replay = plan.one("data_feed").provider.name == "replay"
    # A replay session runs on market time (the clock follows the bars), a live feed on the wall clock.
    system = build_system(plan, clock=ManualClock() if replay else None)
    engine = session_engine(system)
    if isinstance(system.data_feed, SeriesDataFeed):
        system.data_feed.speed = plan.settings.session.speed if speed is None else speed
    path = session_journal_path(plan)
    journal = open_journal(path) if path is not None else MemoryJournal()
    stop = asyncio.Event()
    with Live(status_table(engine, 0), console=console, refresh_per_second=4) as live:
        shell = LiveShell(
            engine,
            system.broker,
            system.data_feed,
            system.clock,
            journal=journal,
            notifiers=system.notifiers,
            digest=_digest(plan, system.notifiers, engine),
            health=HealthWatch(AlertBook(plan.settings.alerts), lambda: disk_free_pct(Path(path or "."))),
            reconcile=plan.settings.reconcile,
            system_name=system_name(plan),
        )
        shown = [engine.desk.latched]  # the latch state on screen
        shell.on_update = lambda _engine: _update(live, shell, board, stop, max_events, shown)
        board = watch_session(shell, system_name(plan), plan.settings.alerts, Path(path or "."))  # samples first
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signals.SIGINT, stop.set)
            loop.add_signal_handler(signals.SIGTERM, stop.set)
        settings = plan.settings
        try:
            async with (
                snapshots_during_session(settings.options_snapshots, stop),
                monitoring(board, settings.dashboard, plan.source),
            ):
                await shell.run(stop)
        finally:
            system.close()  # notifiers drain their queues
            shell.undelivered = keep_undelivered(system.notifiers, journal, system.clock.now_ns())
            journal.close()
            table = status_table(engine, shell.events_seen, tuple(shell.recent_signals))
            live.update(session_view(table, board.state()))
    return shell


def keep_undelivered(notifiers: tuple[Notifier, ...], journal: Journal, ts: int) -> dict[str, int]:
    """Journal what each notifier could not deliver (``undelivered`` entries, without images); counts by notifier."""
    counts: dict[str, int] = {}
    for notifier in notifiers:
        unsent = getattr(notifier, "unsent", None)
        for note, why in unsent() if callable(unsent) else ():
            journal.record(record(ts, "undelivered", {
                "notifier": notifier.name, "why": why, "title": note.title, "body": note.body,
                "level": note.level.value, "ts": note.ts, "had_image": bool(note.image_png)}))
            counts[notifier.name] = counts.get(notifier.name, 0) + 1
    return counts


def undelivered_line(shell: LiveShell) -> str:
    """The end-of-session note on notifications not delivered ("" when every one went out)."""
    counts = shell.undelivered
    if not counts:
        return ""
    each = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
    return (f"{sum(counts.values())} notifications not delivered ({each}), kept in the journal "
            "(entries of kind 'undelivered')")


def _digest(plan: SystemPlan, notifiers: tuple[Notifier, ...], engine: TradingEngine) -> DailyDigest | None:
    """The daily summary; its chart is drawn only when a notifier sends images (``wants_images``).

    The day is measured against the alerts' loss limit and profit target, and the
    trades against the system's ``max_trades_per_day`` (the tightest, when there are several).
    """
    settings = plan.settings
    if not settings.summary.enabled or not notifiers:
        return None
    images = any(getattr(n, "wants_images", False) for n in notifiers)
    config = attrs.evolve(settings.summary, chart=settings.summary.chart and images)
    max_trades = min((p.max_trades for p in engine.risk_policies if isinstance(p, MaxTradesPerDay)), default=0)
    return DailyDigest(Limits(settings.alerts.daily_loss_limit, settings.alerts.profit_target, max_trades), config)


def _update(live: Live, shell: LiveShell, board: SessionBoard, stop: asyncio.Event, max_events: int | None,
            shown: list[bool]) -> None:
    latched = shell.engine.desk.latched
    if shell.events_seen % 20 == 0 or latched != shown[0]:  # a latch (or its re-arm) shows at once
        shown[0] = latched
        table = status_table(shell.engine, shell.events_seen, tuple(shell.recent_signals))
        live.update(session_view(table, board.state()))
    if max_events is not None and shell.events_seen >= max_events:
        stop.set()
