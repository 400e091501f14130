"""The daily summary: a day's trades, P&L after costs, win rate, profit factor, drawdown, blocks, alerts."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

import attrs

from mia_core.digest.entries import JournalFacts
from mia_core.metrics.table import format_money


@attrs.frozen(slots=True)
class Limits:
    """What the day is measured against (dollars; ``max_trades`` 0 for none)."""

    daily_loss_limit: float = 500.0
    profit_target: float = 1000.0
    max_trades: int = 0


@attrs.frozen(slots=True)
class DailySummary:
    """One CME trading day's figures (money in cents, after commissions and slippage as booked)."""

    day: date
    trades: int
    wins: int
    net_cents: int
    commission_cents: int
    gross_profit_cents: int
    gross_loss_cents: int
    max_drawdown_cents: int
    blocks: tuple[tuple[str, int], ...]
    alerts: tuple[tuple[str, str], ...]  # (level, message), raised or escalated
    cumulative_cents: tuple[int, ...]  # the day's P&L after each trade
    limits: Limits

    @property
    def win_rate(self) -> float:
        """Winning trades over trades (NaN with none)."""
        return self.wins / self.trades if self.trades else math.nan

    @property
    def profit_factor(self) -> float:
        """Gross profit over gross loss (inf with no loss, NaN with no trade)."""
        if not self.trades:
            return math.nan
        return self.gross_profit_cents / self.gross_loss_cents if self.gross_loss_cents else math.inf


def daily_summary(facts: JournalFacts, day: date, limits: Limits) -> DailySummary:
    """The summary of ``day`` from a journal's facts."""
    today = facts.on_day(day)
    nets = [t.net_cents for t in today.trades]
    cumulative, peak, drawdown, running = [], 0, 0, 0
    for net in nets:
        running += net
        cumulative.append(running)
        peak = max(peak, running)
        drawdown = max(drawdown, peak - running)
    blocks = Counter(b.policy for b in today.blocks)
    alerts = tuple((a.level, a.message) for a in today.alerts if a.state in ("", "raised", "escalated"))
    return DailySummary(
        day=day,
        trades=len(nets),
        wins=sum(1 for n in nets if n > 0),
        net_cents=sum(nets),
        commission_cents=sum(t.commission_cents for t in today.trades),
        gross_profit_cents=sum(n for n in nets if n > 0),
        gross_loss_cents=-sum(n for n in nets if n < 0),
        max_drawdown_cents=drawdown,
        blocks=tuple(sorted(blocks.items())),
        alerts=alerts,
        cumulative_cents=tuple(cumulative),
        limits=limits,
    )


def _ratio(value: float) -> str:
    return "-" if math.isnan(value) else "inf" if math.isinf(value) else f"{value:.2f}"


def format_summary(s: DailySummary) -> str:
    """The summary as plain text, for the terminal and for Discord."""
    limits = s.limits
    loss_used = -s.net_cents / (limits.daily_loss_limit * 100) if s.net_cents < 0 else 0.0
    target = s.net_cents / (limits.profit_target * 100) if s.net_cents > 0 else 0.0
    rate = "-" if math.isnan(s.win_rate) else f"{s.win_rate:.0%}"
    lines = [
        f"Daily summary {s.day.isoformat()} (CME trading day)",
        f"trades          {s.trades}" + (f" of at most {limits.max_trades}" if limits.max_trades else ""),
        f"P&L after costs {format_money(s.net_cents / 100)} of the trades closed"
        f" (commissions {format_money(s.commission_cents / 100)})",
        f"win rate        {rate} ({s.wins} of {s.trades})",
        f"profit factor   {_ratio(s.profit_factor)}",
        f"max drawdown    {format_money(s.max_drawdown_cents / 100)} (peak to trough of the day's closed trades)",
        f"loss limit      {format_money(-limits.daily_loss_limit)}: {loss_used:.0%} used"
        + ("  REACHED" if loss_used >= 1 else ""),
        f"profit target   {format_money(limits.profit_target)}: {target:.0%}" + ("  REACHED" if target >= 1 else ""),
        "rule blocks     " + (", ".join(f"{name} {n}" for name, n in s.blocks) if s.blocks else "none"),
        f"alerts          {len(s.alerts) or 'none'}",
    ]
    lines += [f"  [{level}] {message}" for level, message in s.alerts[:10]]
    if len(s.alerts) > 10:
        lines.append(f"  ... and {len(s.alerts) - 10} more in the journal")
    return "\n".join(lines)
