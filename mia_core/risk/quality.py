"""Signal quality rules: minimum confluence and minimum ML confidence (entries only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs

from mia_core.orders import OrderSide
from mia_core.risk.limits import EntryRule
from mia_core.signals import RiskDecision
from mia_core.validation import FRACTION

if TYPE_CHECKING:
    from mia_core.orders import OrderIntent
    from ports.context import RiskContext

Missing = Literal["reject", "allow"]


@attrs.frozen
class MinConfluenceConfig:
    """Settings of ``min_confluence``: an entry's signal must have ``confluence`` above ``threshold``.

    ``when_missing`` decides for signals without a confluence score (and for
    intents the engine made itself, which have no signal). Confluence runs from 0
    (strongly bearish) to 1 (strongly bullish), so with ``mirror_shorts`` a short entry
    is judged on ``1 - confluence`` (0.75 for longs means below 0.25 for shorts).
    """

    threshold: float = attrs.field(default=0.75, validator=FRACTION)
    when_missing: Missing = "reject"
    mirror_shorts: bool = True


@attrs.frozen
class MinMlConfidenceConfig:
    """Settings of ``min_ml_confidence``: the signal's ``components[key]`` must be above ``threshold``.

    An ML signal filter writes its probability into the signal's components under
    ``key`` (``ml_confidence`` by default).
    """

    threshold: float = attrs.field(default=0.65, validator=FRACTION)
    key: str = "ml_confidence"
    when_missing: Missing = "reject"


class _ScoreRule(EntryRule):
    needs_every_bar = False
    threshold = 0.0
    when_missing: Missing = "reject"
    label = "score"

    def score(self, context: RiskContext, intent: OrderIntent) -> float | None:
        return None

    def judge(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        value = self.score(context, intent)
        if value is None:
            if self.when_missing == "allow":
                return RiskDecision.allow(self.name, intent.quantity, f"no {self.label}; allowed by configuration")
            return RiskDecision.reject(self.name, f"the signal carries no {self.label}")
        if value > self.threshold:
            return RiskDecision.allow(self.name, intent.quantity)
        return RiskDecision.reject(self.name, f"{self.label} {value:.2f} is not above {self.threshold:.2f}")


class MinConfluence(_ScoreRule):
    """Rejects entries whose signal's confluence is not strictly above the threshold."""

    label = "confluence"

    def __init__(self, config: MinConfluenceConfig, name: str = "min_confluence") -> None:
        self.name = name
        self.threshold = config.threshold
        self.when_missing = config.when_missing
        self.mirror_shorts = config.mirror_shorts

    def score(self, context: RiskContext, intent: OrderIntent) -> float | None:
        """The signal's confluence in the entry's favour (mirrored for a short entry), if any."""
        signal = context.signal
        if signal is None or signal.confluence is None:
            return None
        if self.mirror_shorts and intent.side is OrderSide.SELL:
            return 1.0 - signal.confluence
        return signal.confluence


class MinMlConfidence(_ScoreRule):
    """Rejects entries whose signal's ML confidence (a component) is not strictly above the threshold."""

    def __init__(self, config: MinMlConfidenceConfig, name: str = "min_ml_confidence") -> None:
        self.name = name
        self.threshold = config.threshold
        self.when_missing = config.when_missing
        self.key = config.key
        self.label = f"ML confidence ({config.key})"

    def score(self, context: RiskContext, intent: OrderIntent) -> float | None:
        """``signal.components[key]``, if present (a probability that the trade works, either side)."""
        signal = context.signal
        if signal is None:
            return None
        return signal.components.get(self.key)
