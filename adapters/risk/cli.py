"""``mia risk``: today's figures against their limits, the catastrophe latch, re-arm and manual stop."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from adapters.bootstrap.cli_shared import fail, host_for
from adapters.bootstrap.config import load_plan
from adapters.bootstrap.errors import ConfigError, PluginError
from adapters.bootstrap.system_paths import risk_state_path
from adapters.risk import control
from adapters.risk.store import read_latch, read_status, status_path
from mia_core.risk.catastrophe import CatastropheConfig, LatchState, money
from mia_core.timeutil import ns_to_datetime

risk_app = typer.Typer(no_args_is_help=True, help="Risk: today's figures, the catastrophe latch, re-arm, manual stop.")
console = Console()
err = Console(stderr=True)

ConfigArg = Annotated[Path, typer.Argument(help="The system YAML of the session (its catastrophe.state_file).")]
OptionalConfig = Annotated[
    Path | None,
    typer.Argument(help="The system YAML of the session (each system keeps its own state file)."),
]


def _plan(config: Path) -> Any:
    try:
        return load_plan(config, host_for(config))
    except (ConfigError, PluginError) as exc:
        raise fail(str(exc)) from exc


def _state_file(plan: Any) -> Path:
    return risk_state_path(plan)


def _target(config: Path | None) -> Path:
    if config is None:  # there is no machine-wide latch: each system has its own
        raise fail("name the system YAML: each system keeps its own latch (~/.mia/systems/<name>/risk_state.json "
                   "or its catastrophe.state_file)")
    return _state_file(_plan(config))


def _money(cents: Any) -> str:
    return "-" if cents is None else money(int(cents))


def _when(ns: int) -> str:
    return f"{ns_to_datetime(ns):%Y-%m-%d %H:%M:%S} UTC" if ns else "-"


def limit_rows(plan: Any, status: dict[str, Any] | None) -> list[tuple[str, str, str, str]]:
    """(figure, today, limit, state) for each limit the system configures."""
    s = status or {}
    policies = {p.ref.instance_name: (p.spec.name, p.config) for p in plan.many("risk_policies")}
    by_kind = {kind: config for kind, config in policies.values()}
    monitor: CatastropheConfig = plan.settings.catastrophe
    rows: list[tuple[str, str, str, str]] = []
    pnl = s.get("day_pnl_cents")

    def state(breached: bool | None) -> str:
        return "-" if breached is None else ("[bold red]LIMIT[/]" if breached else "[green]ok[/]")

    if "daily_loss_limit" in by_kind:
        limit = round(by_kind["daily_loss_limit"].max_loss * 100)
        breached = None if pnl is None else pnl <= -limit
        rows.append(("day P&L vs loss limit", _money(pnl), _money(-limit), state(breached)))
    if "daily_profit_target" in by_kind:
        target = round(by_kind["daily_profit_target"].target * 100)
        reached = None if pnl is None else pnl >= target
        rows.append(("day P&L vs profit target", _money(pnl), _money(target), state(reached)))
    if monitor.enabled:
        limit = round(monitor.daily_loss_limit * 100)
        rows.append(("day P&L vs catastrophe trigger", _money(pnl), _money(-limit),
                     state(None if pnl is None else pnl <= -limit)))
    entries = s.get("entries_today")
    if "max_trades_per_day" in by_kind:
        most = by_kind["max_trades_per_day"].max_trades
        rows.append(("entries today", _num(entries), str(most), state(None if entries is None else entries >= most)))
    if "max_daily_risk" in by_kind:
        start = s.get("day_start_equity_cents")
        budget = None if start is None else int(start * by_kind["max_daily_risk"].max_risk_pct / 100)
        used = s.get("risk_today_cents")
        rows.append(("risk sent today", _money(used), _money(budget),
                     state(None if used is None or budget is None else used >= budget)))
    drawdown = s.get("drawdown_pct")
    for label, pct in (("drawdown vs max_drawdown", by_kind["max_drawdown"].max_drawdown_pct
                        if "max_drawdown" in by_kind else None),
                       ("drawdown vs catastrophe trigger", monitor.max_drawdown_pct if monitor.enabled else None)):
        if pct is not None:
            rows.append((label, "-" if drawdown is None else f"{drawdown:.2f}%", f"{pct:g}%",
                         state(None if drawdown is None else drawdown >= pct)))
    losses = s.get("consecutive_losses")
    if "consecutive_loss_pause" in by_kind:
        most = by_kind["consecutive_loss_pause"].max_losses
        rows.append(("losses in a row", _num(losses), str(most), state(None if losses is None else losses >= most)))
    position = s.get("position")
    if "max_position" in by_kind:
        most = by_kind["max_position"].max_contracts
        rows.append(("position (contracts)", _num(position), str(most),
                     state(None if position is None else abs(position) > most)))
    if "max_open_positions" in by_kind:
        most = by_kind["max_open_positions"].max_positions
        held = None if position is None else int(position != 0)
        rows.append(("open positions", _num(held), str(most), state(None if held is None else held > most)))
    if plan.settings.position.enabled:
        rows.append(("risk per trade (sizing)", "-", f"{plan.settings.position.risk_per_trade_pct:g}% of equity", "-"))
    return rows


def _num(value: Any) -> str:
    return "-" if value is None else str(value)


def status_table(plan: Any, latch: LatchState | None, status: dict[str, Any] | None) -> Table:
    """Today's figures against their limits, then the latch."""
    day = (status or {}).get("trading_day") or "-"
    when = _when(int((status or {}).get("ts") or 0))
    table = Table(title=f"MIA risk status: trading day {day} (figures as of {when})")
    for column in ("figure", "today", "limit", "state"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    if status is not None:
        table.add_row("equity", _money(status.get("equity_cents")), "", "")
        table.add_row("day start equity", _money(status.get("day_start_equity_cents")), "", "")
    for row in limit_rows(plan, status):
        table.add_row(*row)
    if latch is None or not latch.latched:
        since = f"re-armed {_when(latch.rearmed_ns)}" if latch is not None and latch.rearmed_ns else "never tripped"
        table.add_row("catastrophe latch", "ARMED", since, "[green]entries allowed[/]")
    else:
        table.add_row("catastrophe latch", "LATCHED", f"{latch.trigger}: {latch.detail} since {_when(latch.since_ns)}",
                      "[bold red]no entries until 'mia risk rearm'[/]")
    return table


@risk_app.command("status")
def status(config: ConfigArg) -> None:
    """Today's figures against the configured limits, and the catastrophe latch."""
    plan = _plan(config)
    path = _state_file(plan)
    console.print(status_table(plan, read_latch(path), read_status(path)))
    if read_status(path) is None:
        console.print(f"no figures published yet at {status_path(path)} (a paper/live session writes them)")


@risk_app.command("rearm")
def rearm(config: OptionalConfig = None) -> None:
    """Clear the catastrophe latch: a running session resumes entries at its next event."""
    path = _target(config)
    before = control.rearm(path)
    console.print(f"re-armed ({control.describe(before)}); state in {path}", highlight=False)


@risk_app.command("stop")
def stop(
    config: OptionalConfig = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the latch and journal).")] = "manual stop",
) -> None:
    """Manual stop: latch now; a running session cancels its orders and flattens at its next event."""
    path = _target(config)
    control.manual_stop(path, reason)
    console.print(f"[bold red]latched[/] ({reason}); state in {path}. Re-arm with: mia risk rearm {config or ''}")


@risk_app.command("discord")
def discord(
    config: ConfigArg,
    channel: Annotated[str, typer.Option("--channel", help="Discord channel id to read commands from.")],
    allow: Annotated[list[str], typer.Option("--allow", help="Discord user id allowed to command (repeat).")],
    token_env: Annotated[str, typer.Option("--token-env", help="Variable holding the bot token.")] =
        "MIA_DISCORD_BOT_TOKEN",
    journal: Annotated[Path | None, typer.Option("--journal", help="Where commands are journalled "
                                                 "(default: <state file>.control.jsonl).")] = None,
    poll: Annotated[float, typer.Option("--poll", help="Seconds between two reads of the channel.")] = 5.0,
    api: Annotated[str, typer.Option("--api", hidden=True)] = "https://discord.com/api/v10",
    polls: Annotated[int | None, typer.Option("--polls", hidden=True, help="Stop after this many polls.")] = None,
) -> None:
    """Two-way control from Discord (off unless run): status, halt, flatten, re-arm for allow-listed users."""
    import os
    import threading

    from adapters.control.discord import ControlError, DiscordControl, DiscordControlConfig, allowed
    from adapters.journal.jsonl import JsonLinesJournal

    path = _state_file(_plan(config))
    where = journal or path.with_name(path.stem + ".control.jsonl")
    try:
        settings = DiscordControlConfig(channel, allowed(allow), token_env, poll, api=api)
        remote = DiscordControl(settings, path, JsonLinesJournal(where), os.environ)
    except (ControlError, ValueError) as exc:
        raise fail(str(exc)) from exc
    users = ", ".join(settings.allowed_user_ids)
    console.print(f"reading channel {channel} for `{settings.prefix}` commands of {users}; latch {path}; "
                  f"journal {where}. Ctrl-C stops.", highlight=False)
    stop = threading.Event()
    try:
        if polls is None:
            remote.run(stop)
        for _ in range(polls or 0):
            remote.poll_once()
            stop.wait(remote.wait_hint if remote.wait_hint is not None else poll)
    except ControlError as exc:
        raise fail(str(exc)) from exc
    except KeyboardInterrupt:
        pass
    finally:
        remote.close()
