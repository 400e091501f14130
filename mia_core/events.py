"""Domain events (past tense): what happened, in the order it happened."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from mia_core.market import Bar, DepthUpdate, Quote, TimerFired, Trade
from mia_core.options import OptionsChainSnapshot
from mia_core.orders import Fill, Order, OrderIntent, OrderStatus, Position
from mia_core.signals import RiskDecision, Signal
from mia_core.timeutil import to_ns


def _as_tuple(values: Iterable[RiskDecision]) -> tuple[RiskDecision, ...]:
    return tuple(values)


@attrs.frozen(slots=True, weakref_slot=False)
class OrderUpdated:
    """An order changed state (accepted, partially filled, filled, cancelled, ...)."""

    ts: int = attrs.field(converter=to_ns)
    order: Order
    previous_status: OrderStatus | None = None


@attrs.frozen(slots=True, weakref_slot=False)
class FillReceived:
    """An execution arrived from the broker or the simulated exchange."""

    ts: int = attrs.field(converter=to_ns)
    fill: Fill


@attrs.frozen(slots=True, weakref_slot=False)
class PositionChanged:
    """The net position in an instrument changed."""

    ts: int = attrs.field(converter=to_ns)
    position: Position
    realized_pnl_cents: int = 0


@attrs.frozen(slots=True, weakref_slot=False)
class SignalGenerated:
    """A strategy (after filters) produced a signal."""

    ts: int = attrs.field(converter=to_ns)
    signal: Signal


@attrs.frozen(slots=True, weakref_slot=False)
class RiskChecked:
    """Risk policies judged an intent; ``decisions`` are in policy order."""

    ts: int = attrs.field(converter=to_ns)
    intent: OrderIntent
    decisions: tuple[RiskDecision, ...] = attrs.field(converter=_as_tuple)


class ConnectionState(enum.Enum):
    """State of a link to a broker or data source."""

    CONNECTED = "connected"
    LOST = "lost"
    RESTORED = "restored"


@attrs.frozen(slots=True, weakref_slot=False)
class ConnectionChanged:
    """A broker or data connection was lost or restored."""

    ts: int = attrs.field(converter=to_ns)
    source: str
    state: ConnectionState
    detail: str = ""


@attrs.frozen(slots=True, weakref_slot=False)
class CatastropheTriggered:
    """The catastrophe monitor fired: entries stop until an explicit re-arm."""

    ts: int = attrs.field(converter=to_ns)
    trigger: str
    detail: str = ""


MarketEvent = Bar | Trade | Quote | DepthUpdate | OptionsChainSnapshot | TimerFired
BrokerEvent = OrderUpdated | FillReceived | PositionChanged | ConnectionChanged
DomainEvent = SignalGenerated | RiskChecked | CatastropheTriggered
Event = MarketEvent | BrokerEvent | DomainEvent
