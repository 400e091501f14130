"""Signals from strategies and the decisions risk policies take on them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from mia_core.builders import twin_of
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


@attrs.frozen(slots=True, weakref_slot=False, init=False)  # __init__ below: attrs' sets fields one call each
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

    def __init__(
        self,
        ts: Any,
        source: str,
        direction: Direction,
        strength: float = 1.0,
        confluence: float | None = None,
        components: Mapping[str, float] | None = None,
        grade: SignalGrade | None = None,
        stop_loss: float | None = None,
        take_profit: float | None = None,
        reason: str = "",
    ) -> None:
        """What attrs would generate (the fields' converters, then their validators, then the FLAT-grade check),
        with the fields stored as plain slots of a twin class (one store each instead of one call each)."""
        if type(ts) is not int:
            ts = to_ns(ts)
        components = _frozen_mapping(components) if components else _NO_COMPONENTS
        fields = _FIELDS
        if type(source) is not str or not source.strip():
            non_empty(self, fields.source, source)
        if type(strength) is not float or not 0.0 <= strength <= 1.0:
            unit_interval(self, fields.strength, strength)
        if confluence is not None:
            unit_interval(self, fields.confluence, confluence)
        if direction is _FLAT and grade in _BUY_GRADES:
            fail(self, "grade", grade, "a flat signal cannot be graded as a buy")
        _set_class(self, "__class__", _TWIN)  # a frozen Signal refuses attribute stores; its twin takes them
        twin: Any = self
        twin.ts = ts
        twin.source = source
        twin.direction = direction
        twin.strength = strength
        twin.confluence = confluence
        twin.components = components
        twin.grade = grade
        twin.stop_loss = stop_loss
        twin.take_profit = take_profit
        twin.reason = reason
        _set_class(self, "__class__", Signal)

    def neutralised(self, reason: str) -> Signal:
        """The same signal turned FLAT (e.g. by a filter), keeping its evidence."""
        return attrs.evolve(self, direction=Direction.FLAT, grade=SignalGrade.NEUTRAL, reason=reason)


_FIELDS = attrs.fields(Signal)
_TWIN = twin_of(Signal)
assert _TWIN is not None, "Signal's slots must suit a twin (mia_core.builders)"
_set_class = object.__setattr__  # with "__class__": object's own setter, past the frozen class's refusal
_FLAT = Direction.FLAT  # members read once: on Python 3.11 ``Direction.FLAT`` goes through EnumType.__getattr__
_BUY_GRADES = (SignalGrade.BUY, SignalGrade.STRONG_BUY)


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
