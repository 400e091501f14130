"""The RiskPolicy port: allow, resize or reject an order intent."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mia_core.orders import OrderIntent
from mia_core.risk.catastrophe import LatchState
from mia_core.risk.status import RiskStatus
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
        caps). A policy whose figures must be rolled bar by bar (daily P&L, ATR) sets
        a class attribute ``needs_every_bar = True``, which keeps the backtest off the
        vectorised path. Return ``RiskDecision.allow``, ``resize`` with a smaller whole size, or
        ``reject``; every decision is journaled. Must not raise on valid input.
        """
        ...


class RiskStateStore(Protocol):
    """Where paper and live sessions keep the catastrophe latch and today's figures (survives restarts).

    The engine calls it from its deterministic loop, so every method must be quick
    (a small local file) and must not raise on a missing or unreadable store: a
    store that cannot be read is reported as latched, never as armed.
    """

    def load(self) -> LatchState | None:
        """The latch as last saved (``None`` when nothing was ever saved)."""
        ...

    def save(self, state: LatchState) -> None:
        """Persist ``state`` durably (atomic replace) before the engine acts on it."""
        ...

    def poll(self) -> LatchState | None:
        """A latch written by someone else (``mia risk stop`` / ``rearm``) since the last load or save.

        ``None`` when nothing changed.
        """
        ...

    def publish(self, status: RiskStatus) -> None:
        """Record today's figures for ``mia risk status`` (best effort)."""
        ...
