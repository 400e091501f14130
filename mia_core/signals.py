"""Signals from strategies and the decisions risk policies take on them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from mia_core.timeutil import to_ns
from mia_core.validation import fail, non_empty, non_negative_int, unit_interval


class Direction(enum.IntEnum):
    """Which way a signal points."""

    SHORT = -1
    FLAT = 0
    LONG = 1


class SignalGrade(enum.Enum):
    """The mission's five signal labels, read off a confluence score by thresholds."""

    STRONG_BUY = "strong_buy"
    BUY = "buy"
    NEUTRAL = "neutral"
    SELL = "sell"
    STRONG_SELL = "strong_sell"


_NO_COMPONENTS: Mapping[str, float] = MappingProxyType({})


def _frozen_mapping(value: Mapping[str, float] | None) -> Mapping[str, float]:
    return MappingProxyType(dict(value)) if value else _NO_COMPONENTS


@attrs.frozen(slots=True, weakref_slot=False)
class Signal:
    """What a strategy concludes on one event.

    ``strength`` in [0, 1] is how sure the strategy is; ``confluence`` in [0, 1] is the
    weighted score when the strategy computes one, and ``components`` holds each
    weighted input (feature name to value) so a journal can explain the signal.
    ``stop_loss``/``take_profit`` are optional price hints for the order planner.
    """

    ts: int = attrs.field(converter=to_ns)
    source: str = attrs.field(validator=non_empty)
    direction: Direction
    strength: float = attrs.field(default=1.0, validator=unit_interval)
    confluence: float | None = attrs.field(default=None, validator=unit_interval)
    components: Mapping[str, float] = attrs.field(factory=dict, converter=_frozen_mapping)
    grade: SignalGrade | None = None
    stop_loss: float | None = None
    take_profit: float | None = None
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        if self.direction is Direction.FLAT and self.grade in (SignalGrade.BUY, SignalGrade.STRONG_BUY):
            fail(self, "grade", self.grade, "a flat signal cannot be graded as a buy")

    def neutralised(self, reason: str) -> Signal:
        """The same signal turned FLAT (e.g. by a filter), keeping its evidence."""
        return attrs.evolve(self, direction=Direction.FLAT, grade=SignalGrade.NEUTRAL, reason=reason)


class RiskVerdict(enum.Enum):
    """What a risk policy decided."""

    ALLOW = "allow"
    RESIZE = "resize"
    REJECT = "reject"


@attrs.frozen(slots=True, weakref_slot=False)
class RiskDecision:
    """A risk policy's verdict on an order intent, with the reason recorded.

    ``quantity`` is the size allowed: the intent's size for ALLOW, a smaller positive
    size for RESIZE, zero for REJECT.
    """

    policy: str = attrs.field(validator=non_empty)
    verdict: RiskVerdict
    quantity: int = attrs.field(validator=non_negative_int)
    reason: str = ""
    details: Mapping[str, Any] = attrs.field(factory=dict, converter=MappingProxyType)

    def __attrs_post_init__(self) -> None:
        if self.verdict is RiskVerdict.REJECT and self.quantity != 0:
            fail(self, "quantity", self.quantity, "a rejection allows zero contracts")
        if self.verdict is not RiskVerdict.REJECT and self.quantity == 0:
            fail(self, "quantity", 0, f"{self.verdict.value} needs a positive quantity")
        if self.verdict is not RiskVerdict.ALLOW and not self.reason:
            fail(self, "reason", self.reason, f"a {self.verdict.value} must say why")

    @classmethod
    def allow(cls, policy: str, quantity: int, reason: str = "") -> RiskDecision:
        """Allow ``quantity`` contracts."""
        return cls(policy=policy, verdict=RiskVerdict.ALLOW, quantity=quantity, reason=reason)

    @classmethod
    def resize(cls, policy: str, quantity: int, reason: str) -> RiskDecision:
        """Allow fewer contracts, saying why."""
        return cls(policy=policy, verdict=RiskVerdict.RESIZE, quantity=quantity, reason=reason)

    @classmethod
    def reject(cls, policy: str, reason: str) -> RiskDecision:
        """Refuse the intent, saying why."""
        return cls(policy=policy, verdict=RiskVerdict.REJECT, quantity=0, reason=reason)
