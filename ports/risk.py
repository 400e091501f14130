"""The RiskPolicy port: allow, resize or reject an order intent."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mia_core.orders import OrderIntent
from mia_core.signals import RiskDecision
from ports.context import RiskContext


@runtime_checkable
class RiskPolicy(Protocol):
    """One risk rule. Policies run in YAML order; the first rejection stops the intent.

    Risk holds whatever the strategy asks: the engine sends nothing a policy rejected
    and never more contracts than the smallest size any policy allowed.
    """

    name: str

    def evaluate(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        """Judge ``intent`` against ``context`` and return the decision with its reason.

        Called for every entry intent (and exits when the policy cares, e.g. size
        caps). Return ``RiskDecision.allow``, ``resize`` with a smaller whole size, or
        ``reject``; every decision is journaled. Must not raise on valid input.
        """
        ...
