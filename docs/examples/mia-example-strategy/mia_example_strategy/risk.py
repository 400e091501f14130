"""A risk policy: refuse entries whose protective stop is missing or too far from the price."""

from __future__ import annotations

import attrs

from mia_core.orders import OrderIntent
from mia_core.signals import RiskDecision
from ports.context import RiskContext


@attrs.frozen
class StopDistanceConfig:
    """Settings of ``example_stop_distance``: the widest stop allowed, in ticks from the last close."""

    max_ticks: int = attrs.field(default=40, validator=attrs.validators.ge(1))


class MaxStopDistance:
    """Entries need a bracket stop within ``max_ticks`` of the last close; exits always pass."""

    def __init__(self, config: StopDistanceConfig, name: str = "example_stop_distance") -> None:
        self.name = name
        self.max_ticks = config.max_ticks

    def evaluate(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Allow exits and close stops; reject an entry without a stop or with a stop too far away."""
        if intent.bracket is None:
            if context.position.quantity * intent.side.sign < 0:  # closes (part of) the position
                return RiskDecision.allow(self.name, intent.quantity, "exit")
            return RiskDecision.reject(self.name, "an entry needs a protective stop")
        stop, price = intent.bracket.stop_loss, context.last_price
        if stop is None or price is None:
            return RiskDecision.reject(self.name, "an entry needs a protective stop and a last price")
        ticks = round(abs(price - stop) / context.instrument.tick_size)
        if ticks > self.max_ticks:
            return RiskDecision.reject(self.name, f"stop {ticks} ticks away (max {self.max_ticks})")
        return RiskDecision.allow(self.name, intent.quantity, f"stop {ticks} ticks away")
