"""The terminal view of ``mia run``: the position table, then system, trading and ML panels and the alerts."""

from __future__ import annotations

from typing import Any

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table

from mia_core.metrics.table import format_money

_STATUS_STYLE = {"ready": "green", "degraded": "yellow", "down": "bold red"}


def _pairs(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column(justify="right")
    for row in rows:
        table.add_row(*row)
    return table


def _maybe(value: float | None, form: str, suffix: str = "") -> str:
    return "-" if value is None else f"{value:{form}}{suffix}"


def system_panel(picture: dict[str, Any]) -> Panel:
    """Health, load and links."""
    s, health = picture["system"], picture["health"]
    status = health["status"]
    rows = [("health", f"[{_STATUS_STYLE[status]}]{status}[/]"), *(("", reason) for reason in health["reasons"]),
            ("events", f"{s['events']:,} ({s['events_per_s']:.1f}/s)"), ("CPU", _maybe(s["cpu_pct"], ".0f", "%")),
            ("memory", _maybe(s["rss_mb"], ".0f", " MB")), ("disk free", _maybe(s["disk_free_pct"], ".1f", "%")),
            ("loop lag p99", f"{s['loop_lag_p99_ms']:.1f} ms"),
            ("broker latency", _maybe(s["broker_latency_ms"], ".0f", " ms")),
            ("order errors", f"{s['error_rate']:.0%}"), ("links lost", ", ".join(s["lost_links"]) or "none")]
    return Panel(_pairs(rows), title="system")


def trading_panel(picture: dict[str, Any]) -> Panel:
    """Today's figures against the limits."""
    t = picture["trading"]
    rows = [("day P&L", format_money(t["day_pnl"])),
            ("loss limit / target", f"{format_money(-t['daily_loss_limit'])} / {format_money(t['profit_target'])}"),
            ("entries today", str(t["entries_today"])), ("working orders", str(len(t["working_orders"]))),
            ("win rate", _maybe(t["win_rate"], ".0%")), ("profit factor", _maybe(t["profit_factor"], ".2f")),
            ("drawdown", _maybe(t["drawdown_pct"], ".2f", "%")), ("Sharpe", _maybe(t["sharpe"], ".2f")),
            ("rule blocks", str(t["rule_blocks"]))]
    return Panel(_pairs(rows), title="trading")


def ml_panel(picture: dict[str, Any]) -> Panel:
    """What the ML filter reports (confidence, drift), if one runs."""
    figures = picture["ml"]
    body: RenderableType = _pairs([(k, f"{v:.3f}") for k, v in figures.items()]) if figures else "no ML filter"
    return Panel(body, title="ML")


def alerts_panel(picture: dict[str, Any], shown: int = 5) -> Panel:
    """The latest alerts."""
    alerts = picture["alerts"][:shown]
    if not alerts:
        return Panel("none", title="alerts")
    rows = [(a["time"] or "-", f"{a['level']} {a['rule']} {a['state']}: {a['message']}".strip()) for a in alerts]
    return Panel(_pairs(rows), title="alerts")


def session_view(position: Table, picture: dict[str, Any]) -> Group:
    """The position table above the system, trading and ML panels, then the alerts."""
    return Group(position, Columns([system_panel(picture), trading_panel(picture), ml_panel(picture)]),
                 alerts_panel(picture))
