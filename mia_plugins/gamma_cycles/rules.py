"""The ``gamma_sizing`` risk policy: entries follow an expiry-cycle analyzer's ``allow_entries`` and ``size_factor``."""

from __future__ import annotations

import math

import attrs

from mia_core.orders import OrderIntent
from mia_core.signals import RiskDecision
from ports.context import RiskContext


@attrs.frozen
class GammaSizingConfig:
    """Settings of ``gamma_sizing`` (docs/ml.md#timing-and-sizing)."""

    analyzer: str = "gamma_cycles"


class GammaSizingPolicy:
    """Refuses an entry when the analyzer's ``allow_entries`` is 0; sizes it down by its ``size_factor``.

    An entry (an intent that opens exposure) of ``q`` contracts is cut to
    ``floor(q × size_factor)``, refused when that leaves none. Orders that reduce
    exposure always pass. Without the analyzer's values (not composed, or before its
    first bar) an entry is refused, saying so.
    """

    def __init__(self, config: GammaSizingConfig, name: str = "gamma_sizing") -> None:
        self.name = name
        self.analyzer = config.analyzer

    def evaluate(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Allow exits; gate and size entries by the analyzer's latest values."""
        exposure = context.exposure
        after = exposure + intent.quantity * intent.side.sign
        if abs(after) <= abs(exposure):
            return RiskDecision.allow(self.name, intent.quantity)
        values = context.analyses.get(self.analyzer)
        if not values or "allow_entries" not in values or "size_factor" not in values:
            return RiskDecision.reject(self.name, f"no allow_entries/size_factor from analyzer {self.analyzer!r} "
                                                  "(compose it under analyzers)")
        if not values["allow_entries"]:
            return RiskDecision.reject(self.name, f"{self.analyzer}: no entries now (expiry rules)")
        factor = values["size_factor"]
        if not math.isfinite(factor) or factor >= 1:
            return RiskDecision.allow(self.name, intent.quantity)
        sized = math.floor(intent.quantity * max(0.0, factor) + 1e-9)
        if sized <= 0:
            return RiskDecision.reject(self.name, f"{self.analyzer}: size factor {factor:g} leaves no contract "
                                                  f"of {intent.quantity}")
        if sized >= intent.quantity:
            return RiskDecision.allow(self.name, intent.quantity)
        return RiskDecision.resize(self.name, sized, f"{self.analyzer}: size factor {factor:g} "
                                                     f"({intent.quantity} -> {sized} contracts)")
