"""Registers the basic risk policies with MIA."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from mia_core.orders import OrderIntent
from mia_core.signals import RiskDecision
from mia_core.validation import within
from ports.components import ComponentKind, ComponentSpec
from ports.context import RiskContext
from ports.hookspecs import hookimpl


@attrs.frozen
class MaxPositionConfig:
    """Settings of ``max_position``: the largest net position, in contracts."""

    max_contracts: int = attrs.field(default=2, validator=within(1, 1000))


class MaxPositionPolicy:
    """Resizes or rejects an intent that would take the net position past ``max_contracts``.

    Exposure (``RiskContext.exposure``) is the position plus what working parent
    orders and intents approved earlier in the same decision would still add; bracket
    children only close what their parent opened and are not counted. Orders that
    reduce exposure always pass.
    """

    def __init__(self, config: MaxPositionConfig, name: str = "max_position") -> None:
        self.name = name
        self.max_contracts = config.max_contracts

    def evaluate(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Allow up to the cap; reducing orders pass untouched."""
        exposure = context.exposure
        signed = intent.quantity * intent.side.sign
        after = exposure + signed
        if abs(after) <= abs(exposure) or abs(after) <= self.max_contracts:
            return RiskDecision.allow(self.name, intent.quantity)
        room = self.max_contracts - abs(exposure) if exposure * signed >= 0 else abs(exposure) + self.max_contracts
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
