"""The alert rules and their thresholds (mission section 8), as pure functions of an observation."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from mia_core.commands import AlertLevel
from mia_core.metrics.table import format_money
from mia_core.validation import FRACTION, MONEY, PERCENT, fail, within


@attrs.frozen
class AlertsConfig:
    """The ``alerts`` section: the thresholds of each rule (the mission's figures by default).

    Money in dollars, shares of 1 as fractions, percentages as 0-100. A rule whose
    condition still holds after ``escalate_after_seconds`` is raised once more, one
    level louder; ``disabled`` lists rules that never fire.
    """

    enabled: bool = True
    daily_loss_limit: float = attrs.field(default=500.0, validator=MONEY)
    profit_target: float = attrs.field(default=1000.0, validator=MONEY)
    max_drawdown_pct: float = attrs.field(default=10.0, validator=PERCENT)
    consecutive_losses: int = attrs.field(default=3, validator=within(1, 1000))
    max_latency_ms: float = attrs.field(default=100.0, validator=within(0, 600000, low_open=True))
    max_error_rate: float = attrs.field(default=0.05, validator=FRACTION)
    min_orders: int = attrs.field(default=20, validator=within(1, 100000))
    min_disk_free_pct: float = attrs.field(default=10.0, validator=PERCENT)
    plugin_failure_window_seconds: float = attrs.field(default=300.0, validator=within(0, 86400, low_open=True))
    escalate_after_seconds: float = attrs.field(default=900.0, validator=within(0, 604800, low_open=True))
    disabled: list[str] = attrs.field(factory=list, validator=lambda inst, att, value: _known(inst, att, value))


def _known(instance: object, attribute: attrs.Attribute[list[str]], value: list[str]) -> None:
    unknown = sorted(set(value) - set(RULE_NAMES))
    if unknown:
        fail(instance, attribute.name, unknown, f"unknown alert rules; known: {', '.join(RULE_NAMES)}")


@attrs.frozen(slots=True)
class Observation:
    """What the shell saw at ``ts`` (UTC ns): the account, the links, the machine.

    ``None`` means not measured (that rule does not judge). ``plugin_failures`` is the
    running count of component failures; ``lost_links`` the links down now.
    """

    ts: int
    day_pnl_cents: int = 0
    drawdown_pct: float = 0.0
    consecutive_losses: int = 0
    lost_links: tuple[str, ...] = ()
    latency_ms: float | None = None
    orders_seen: int = 0
    error_rate: float = 0.0
    disk_free_pct: float | None = None
    latched: bool = False
    latch_detail: str = ""
    plugin_failures: int = 0
    last_failure: str = ""


@attrs.frozen(slots=True)
class Rule:
    """One alert rule: its name, its first severity, and what it says while its condition holds."""

    name: str
    level: AlertLevel
    check: Callable[
        [AlertsConfig, Observation, int | None], str | None
    ]  # (config, observation, last failure ts) -> message
    cleared: str
    escalates: bool = True  # said again, louder, while it holds (not for good news)


def _daily_loss(c: AlertsConfig, o: Observation, _: int | None) -> str | None:
    limit = round(c.daily_loss_limit * 100)
    return (
        f"day P&L {format_money(o.day_pnl_cents / 100)} reached the loss limit {format_money(-limit / 100)}"
        if o.day_pnl_cents <= -limit
        else None
    )


def _profit(c: AlertsConfig, o: Observation, _: int | None) -> str | None:
    target = round(c.profit_target * 100)
    return (
        f"day P&L {format_money(o.day_pnl_cents / 100)} reached the profit target {format_money(target / 100)}"
        if o.day_pnl_cents >= target
        else None
    )


def _drawdown(c: AlertsConfig, o: Observation, _: int | None) -> str | None:
    return (
        f"drawdown {o.drawdown_pct:.1f}% past {c.max_drawdown_pct:g}%" if o.drawdown_pct > c.max_drawdown_pct else None
    )


def _losses(c: AlertsConfig, o: Observation, _: int | None) -> str | None:
    n = o.consecutive_losses
    return f"{n} consecutive losing trades (alert at {c.consecutive_losses})" if n >= c.consecutive_losses else None


def _connection(c: AlertsConfig, o: Observation, _: int | None) -> str | None:
    return f"connection lost: {', '.join(sorted(o.lost_links))}" if o.lost_links else None


def _latency(c: AlertsConfig, o: Observation, _: int | None) -> str | None:
    if o.latency_ms is None or o.latency_ms <= c.max_latency_ms:
        return None
    return f"API latency {o.latency_ms:.0f} ms over {c.max_latency_ms:g} ms"


def _errors(c: AlertsConfig, o: Observation, _: int | None) -> str | None:
    if o.orders_seen < c.min_orders or o.error_rate <= c.max_error_rate:
        return None
    return f"order error rate {o.error_rate:.1%} over {c.max_error_rate:.0%} (last {o.orders_seen} orders)"


def _disk(c: AlertsConfig, o: Observation, _: int | None) -> str | None:
    if o.disk_free_pct is None or o.disk_free_pct >= c.min_disk_free_pct:
        return None
    return f"disk space {o.disk_free_pct:.1f}% free, under {c.min_disk_free_pct:g}%"


def _latch(c: AlertsConfig, o: Observation, _: int | None) -> str | None:
    return f"catastrophe latch tripped ({o.latch_detail}); no entries until `mia risk rearm`" if o.latched else None


def _plugin(c: AlertsConfig, o: Observation, last_failure_ns: int | None) -> str | None:
    window = round(c.plugin_failure_window_seconds * 1_000_000_000)
    if last_failure_ns is None or o.ts - last_failure_ns > window:
        return None
    return f"a plugin is failing ({o.plugin_failures} failures so far; last: {o.last_failure})"


RULES: tuple[Rule, ...] = (
    Rule("daily_loss", AlertLevel.CRITICAL, _daily_loss, "day P&L back above the loss limit"),
    Rule("drawdown", AlertLevel.WARNING, _drawdown, "drawdown back within the limit"),
    Rule("consecutive_losses", AlertLevel.WARNING, _losses, "the losing streak ended"),
    Rule("profit_target", AlertLevel.INFO, _profit, "day P&L below the profit target again", escalates=False),
    Rule("connection_lost", AlertLevel.CRITICAL, _connection, "every connection is back"),
    Rule("latency", AlertLevel.WARNING, _latency, "API latency back under the limit"),
    Rule("error_rate", AlertLevel.WARNING, _errors, "order error rate back under the limit"),
    Rule("disk_space", AlertLevel.WARNING, _disk, "disk space back above the limit"),
    Rule("catastrophe", AlertLevel.CRITICAL, _latch, "catastrophe latch re-armed: entries may resume"),
    Rule("plugin_failing", AlertLevel.WARNING, _plugin, "no plugin failure for the whole window"),
)
RULE_NAMES = tuple(rule.name for rule in RULES)
