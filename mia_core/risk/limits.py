"""Account and daily limits: each rule judges entries only; exits always pass.

Every class here implements the ``RiskPolicy`` port (``ports/risk.py``): a ``name``
and ``evaluate(intent, context) -> RiskDecision``. Money settings are in dollars,
percentages in percent of equity; "today" is the CME trading day.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from mia_core.risk.exposure import opens_exposure, risk_per_contract_cents
from mia_core.signals import RiskDecision
from mia_core.timeutil import NS_PER_SECOND, cme_trading_day
from mia_core.validation import MONEY, PERCENT, within

if TYPE_CHECKING:
    from mia_core.orders import OrderIntent
    from ports.context import RiskContext



def entering(intent: OrderIntent, context: RiskContext) -> bool:
    """True when the intent opens, adds to or reverses the position (the only kind limits judge)."""
    return opens_exposure(context.exposure, intent.quantity * intent.side.sign)


def dollars(cents: int) -> str:
    """Cents as ``$1,234.50`` (for reasons)."""
    return ("-" if cents < 0 else "") + f"${abs(cents) / 100:,.2f}"


class EntryRule:
    """Base of the rules below: exits pass untouched, entries go to ``judge``."""

    name = "entry_rule"
    needs_every_bar = True  # daily figures are rolled bar by bar

    def evaluate(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Allow exits; judge entries."""
        if not entering(intent, context):
            return RiskDecision.allow(self.name, intent.quantity)
        return self.judge(intent, context)

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Decide on an entry (subclasses override)."""
        return RiskDecision.allow(self.name, intent.quantity)


@attrs.frozen
class DailyLossLimitConfig:
    """Settings of ``daily_loss_limit``: no entry once today's P&L is down ``max_loss`` dollars."""

    max_loss: float = attrs.field(default=500.0, validator=MONEY)


class DailyLossLimit(EntryRule):
    """Rejects entries once today's P&L (realized and unrealized, after commissions) reaches -max_loss."""

    def __init__(self, config: DailyLossLimitConfig, name: str = "daily_loss_limit") -> None:
        self.name = name
        self.limit_cents = round(config.max_loss * 100)

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Reject when the day's loss is at or beyond the limit."""
        pnl = context.day_pnl_cents
        if pnl <= -self.limit_cents:
            reason = f"day P&L {dollars(pnl)} reached the loss limit {dollars(-self.limit_cents)}"
            return RiskDecision.reject(self.name, reason)
        return RiskDecision.allow(self.name, intent.quantity)


@attrs.frozen
class DailyProfitTargetConfig:
    """Settings of ``daily_profit_target``: stop entering once today made ``target`` dollars."""

    target: float = attrs.field(default=1000.0, validator=MONEY)


class DailyProfitTarget(EntryRule):
    """Rejects entries once today's P&L reached the profit target (keep the good day)."""

    def __init__(self, config: DailyProfitTargetConfig, name: str = "daily_profit_target") -> None:
        self.name = name
        self.target_cents = round(config.target * 100)

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Reject when the day's P&L is at or above the target."""
        pnl = context.day_pnl_cents
        if pnl >= self.target_cents:
            reason = f"day P&L {dollars(pnl)} reached the target {dollars(self.target_cents)}"
            return RiskDecision.reject(self.name, reason)
        return RiskDecision.allow(self.name, intent.quantity)


@attrs.frozen
class MaxTradesPerDayConfig:
    """Settings of ``max_trades_per_day``: at most ``max_trades`` entries per trading day."""

    max_trades: int = attrs.field(default=15, validator=within(1, 10000))


class MaxTradesPerDay(EntryRule):
    """Rejects an entry when ``max_trades`` entries were already sent today."""

    def __init__(self, config: MaxTradesPerDayConfig, name: str = "max_trades_per_day") -> None:
        self.name = name
        self.max_trades = config.max_trades

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Count entries sent today (filled or not) and those the portfolio booked; the larger wins."""
        done = max(context.trades_today, context.entries_today)
        if done >= self.max_trades:
            return RiskDecision.reject(self.name, f"{done} entries today; limit is {self.max_trades}")
        return RiskDecision.allow(self.name, intent.quantity)


@attrs.frozen
class MaxOpenPositionsConfig:
    """Settings of ``max_open_positions``: how many positions (or pending entries) may be open at once."""

    max_positions: int = attrs.field(default=1, validator=within(1, 1000))


class MaxOpenPositions(EntryRule):
    """Counts open positions, including one being entered; an entry beyond ``max_positions`` is rejected.

    Exposure is the position plus working parent orders (so a pending exit frees
    the slot for a reversal's entry). With one instrument and the default of 1 this
    means one trade at a time: no adding to an open position and no second entry
    while one is working.
    """

    def __init__(self, config: MaxOpenPositionsConfig, name: str = "max_open_positions") -> None:
        self.name = name
        self.max_positions = config.max_positions

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Reject when a position is open or being entered (exposure after pending orders) and the count is full."""
        exposure = context.exposure
        held = 1 if exposure else 0  # one instrument: one position slot at most
        if held >= self.max_positions:
            return RiskDecision.reject(
                self.name,
                f"{held} position open or being entered (exposure {exposure:+d}); limit is {self.max_positions}",
            )
        return RiskDecision.allow(self.name, intent.quantity)


@attrs.frozen
class MaxRiskPerTradeConfig:
    """Settings of ``max_risk_per_trade``: an entry may risk at most ``max_risk_pct`` % of equity to its stop."""

    max_risk_pct: float = attrs.field(default=0.5, validator=PERCENT)


class MaxRiskPerTrade(EntryRule):
    """Resizes an entry so entry-to-stop risk stays within the limit; rejects one without a stop."""

    def __init__(self, config: MaxRiskPerTradeConfig, name: str = "max_risk_per_trade") -> None:
        self.name = name
        self.fraction = config.max_risk_pct / 100

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Allow ``floor(budget / risk per contract)`` contracts."""
        budget = math.floor(context.equity_cents * self.fraction)
        return _fit(self.name, intent, context, budget, f"{self.fraction * 100:g}% of equity")


@attrs.frozen
class MaxDailyRiskConfig:
    """Settings of ``max_daily_risk``: today's entries may risk at most ``max_risk_pct`` % together."""

    max_risk_pct: float = attrs.field(default=2.0, validator=PERCENT)


class MaxDailyRisk(EntryRule):
    """Budget of initial risk per trading day (of the day's starting equity); entries share it."""

    def __init__(self, config: MaxDailyRiskConfig, name: str = "max_daily_risk") -> None:
        self.name = name
        self.fraction = config.max_risk_pct / 100

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Allow what fits in the budget left today."""
        budget = math.floor(context.day_start_equity_cents * self.fraction) - context.risk_today_cents
        return _fit(self.name, intent, context, budget, f"{self.fraction * 100:g}% daily risk budget left")


def _fit(name: str, intent: OrderIntent, context: RiskContext, budget: int, what: str) -> RiskDecision:
    per_contract = risk_per_contract_cents(intent, context.last_price)
    if per_contract is None:
        return RiskDecision.reject(name, "entry without a protective stop: its risk is unbounded")
    if per_contract == 0:
        return RiskDecision.allow(name, intent.quantity)
    room = max(budget, 0) // per_contract
    if room < 1:
        reason = f"one contract risks {dollars(per_contract)}; {what} is {dollars(max(budget, 0))}"
        return RiskDecision.reject(name, reason)
    if room < intent.quantity:
        return RiskDecision.resize(name, room, f"{intent.quantity} contracts would risk "
                                   f"{dollars(per_contract * intent.quantity)}; {what} is {dollars(budget)}")
    return RiskDecision.allow(name, intent.quantity)


@attrs.frozen
class MaxDrawdownConfig:
    """Settings of ``max_drawdown``: no entry while equity is ``max_drawdown_pct`` % or more below its peak."""

    max_drawdown_pct: float = attrs.field(default=12.0, validator=PERCENT)


class MaxDrawdown(EntryRule):
    """Rejects entries while the drawdown from peak equity is at or beyond the limit."""

    def __init__(self, config: MaxDrawdownConfig, name: str = "max_drawdown") -> None:
        self.name = name
        self.fraction = config.max_drawdown_pct / 100

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Compare ``(peak - equity) / peak`` with the limit."""
        peak = context.peak_equity_cents
        drawdown = (peak - context.equity_cents) / peak if peak > 0 else 1.0
        if drawdown >= self.fraction:
            return RiskDecision.reject(self.name, f"drawdown {drawdown:.1%} reached the limit {self.fraction:.1%}")
        return RiskDecision.allow(self.name, intent.quantity)


@attrs.frozen
class ConsecutiveLossPauseConfig:
    """Settings of ``consecutive_loss_pause``: after ``max_losses`` losing trades in a row, pause entries.

    ``pause_minutes`` null pauses until the next trading day.
    """

    max_losses: int = attrs.field(default=3, validator=within(1, 1000))
    pause_minutes: float | None = attrs.field(default=60.0, validator=within(0, 10080))


class ConsecutiveLossPause(EntryRule):
    """Rejects entries for a while after a run of losing round trips."""

    def __init__(self, config: ConsecutiveLossPauseConfig, name: str = "consecutive_loss_pause") -> None:
        self.name = name
        self.max_losses = config.max_losses
        minutes = config.pause_minutes
        self.pause_ns = None if minutes is None else round(minutes * 60 * NS_PER_SECOND)

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Reject during the pause that follows the ``max_losses``-th loss in a row."""
        losses, last = context.consecutive_losses, context.last_loss_ns
        if losses < self.max_losses or last is None:
            return RiskDecision.allow(self.name, intent.quantity)
        if self.pause_ns is None:
            paused = cme_trading_day(last) == cme_trading_day(context.now_ns)
            until = "the next trading day"
        else:
            paused = context.now_ns - last < self.pause_ns
            until = f"{self.pause_ns / 60 / NS_PER_SECOND:g} minutes after the last loss"
        if paused:
            return RiskDecision.reject(self.name, f"{losses} losses in a row; paused until {until}")
        return RiskDecision.allow(self.name, intent.quantity)
