"""Registers the basic risk policies with MIA."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from mia_core.orders import OrderIntent
from mia_core.signals import RiskDecision
from ports.components import ComponentKind, ComponentSpec
from ports.context import RiskContext
from ports.hookspecs import hookimpl


@attrs.frozen
class MaxPositionConfig:
    """Settings of ``max_position``: the largest net position, in contracts."""

    max_contracts: int = attrs.field(default=2, validator=attrs.validators.ge(1))


class MaxPositionPolicy:
    """Resizes or rejects an intent that would take the net position past ``max_contracts``.

    Orders that reduce the position are always allowed.
    """

    def __init__(self, config: MaxPositionConfig, name: str = "max_position") -> None:
        self.name = name
        self.max_contracts = config.max_contracts

    def evaluate(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Allow up to the cap; reducing orders pass untouched."""
        current = context.position.quantity
        pending = sum(o.remaining * o.intent.side.sign for o in context.open_orders if o.intent.bracket is None)
        signed = intent.quantity * intent.side.sign
        after = current + pending + signed
        if abs(after) <= abs(current + pending) or abs(after) <= self.max_contracts:
            return RiskDecision.allow(self.name, intent.quantity)
        room = (
            self.max_contracts - abs(current + pending)
            if (current + pending) * signed >= 0
            else (abs(current + pending) + self.max_contracts)
        )
        if room <= 0:
            return RiskDecision.reject(self.name, f"position would be {after}; limit is {self.max_contracts}")
        return RiskDecision.resize(
            self.name, room, f"capped at {self.max_contracts} contracts (asked {intent.quantity})"
        )


@hookimpl
def mia_register_risk_policies() -> Iterable[ComponentSpec]:
    """Position caps."""
    return [
        ComponentSpec(
            kind=ComponentKind.RISK_POLICY,
            name="max_position",
            factory=lambda config, context: MaxPositionPolicy(config),
            config_class=MaxPositionConfig,
            summary="Cap the net position at max_contracts (reducing orders always pass)",
        )
    ]
