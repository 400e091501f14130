"""Registers MIA's risk policies (logic in ``mia_core.risk``) as components of kind ``risk_policy``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mia_core.risk import limits, quality, windows
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

# name: (policy class, settings class, summary)
POLICIES: dict[str, tuple[Callable[[Any], Any], type, str]] = {
    "daily_loss_limit": (limits.DailyLossLimit, limits.DailyLossLimitConfig,
                         "No entry once today's P&L is down max_loss dollars (CME trading day)"),
    "daily_profit_target": (limits.DailyProfitTarget, limits.DailyProfitTargetConfig,
                            "No entry once today's P&L reached the target"),
    "max_trades_per_day": (limits.MaxTradesPerDay, limits.MaxTradesPerDayConfig,
                           "At most max_trades entries per CME trading day"),
    "max_open_positions": (limits.MaxOpenPositions, limits.MaxOpenPositionsConfig,
                           "At most max_positions open positions or working entries at once"),
    "max_risk_per_trade": (limits.MaxRiskPerTrade, limits.MaxRiskPerTradeConfig,
                           "An entry risks at most max_risk_pct % of equity to its stop (resized; no stop: rejected)"),
    "max_daily_risk": (limits.MaxDailyRisk, limits.MaxDailyRiskConfig,
                       "Today's entries risk at most max_risk_pct % of the day's starting equity together"),
    "max_drawdown": (limits.MaxDrawdown, limits.MaxDrawdownConfig,
                     "No entry while equity is max_drawdown_pct % or more below its peak"),
    "consecutive_loss_pause": (limits.ConsecutiveLossPause, limits.ConsecutiveLossPauseConfig,
                               "Pause entries after max_losses losing trades in a row"),
    "market_hours": (windows.MarketHours, windows.MarketHoursConfig,
                     "Entries only inside the configured trading window"),
    "weekend_protection": (windows.WeekendProtection, windows.WeekendProtectionConfig,
                           "No entries from Friday's cutoff to Sunday's open"),
    "min_confluence": (quality.MinConfluence, quality.MinConfluenceConfig,
                       "Entries only when the signal's confluence is above the threshold"),
    "min_ml_confidence": (quality.MinMlConfidence, quality.MinMlConfidenceConfig,
                          "Entries only when the signal's ML confidence component is above the threshold"),
}


def _factory(policy: Callable[[Any], Any]) -> Callable[[Any, BuildContext], Any]:
    def build(config: Any, context: BuildContext) -> Any:
        return policy(config)

    return build


@hookimpl
def mia_register_risk_policies() -> Iterable[ComponentSpec]:
    """The daily, account, time and quality rules of MISSION.md section 6."""
    return [
        ComponentSpec(
            kind=ComponentKind.RISK_POLICY, name=name, factory=_factory(policy), config_class=config, summary=summary
        )
        for name, (policy, config, summary) in POLICIES.items()
    ]
