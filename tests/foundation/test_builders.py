"""``builders.builder`` builds objects equal to the validating constructors', by either of its two ways."""

from __future__ import annotations

import pickle

import attrs
import pytest

from mia_core import builders, journal
from mia_core.accounting import RoundTrip
from mia_core.events import FillReceived, OrderUpdated, PositionChanged, SignalGenerated
from mia_core.instruments import ES
from mia_core.orders import Fill, Order, OrderIntent, OrderSide, OrderStatus, Position, TimeInForce
from mia_core.signals import Direction, Signal

TS = 1_714_570_000 * 10**9
INTENT = OrderIntent(ES, OrderSide.BUY, 2, time_in_force=TimeInForce.GTC, reason="signal_entry")
ORDER = Order("SIM-1", INTENT, OrderStatus.WORKING, 1, 5000.25, None, "", TS)
FILL = Fill("SIM-1", ES, OrderSide.BUY, 1, 5000.25, TS, 225, "SIM-F1")
SIGNAL = Signal(ts=TS, source="sma_cross", direction=Direction.LONG, reason="cross")
TRIP = RoundTrip(TS, TS + 60, OrderSide.BUY, 1, 5000.0, 5001.0, 5000, 450, 4550, 1, 4, "signal", 1250, 5000, 1, "ES")
EXAMPLES = [INTENT, ORDER, FILL, SIGNAL, TRIP, Position(ES, 2, 5000.5), OrderUpdated(TS, ORDER, OrderStatus.PENDING),
            FillReceived(TS, FILL), PositionChanged(TS, Position(ES, 0, None), -1250), SignalGenerated(TS, SIGNAL)]


def _values(value: object) -> tuple[object, ...]:
    return tuple(getattr(value, field.name) for field in attrs.fields(type(value)))  # type: ignore[arg-type]


@pytest.mark.parametrize("value", EXAMPLES, ids=lambda v: type(v).__name__)
def test_a_built_object_equals_the_validated_one(value: object) -> None:
    built = builders.builder(type(value))(*_values(value))
    assert type(built) is type(value)
    assert built == value
    assert repr(built) == repr(value)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.quantity = 3  # type: ignore[attr-defined]  # still frozen


def test_a_class_with_a_weakref_slot_is_built_through_its_slot_setters() -> None:
    # CPython refuses to give a plain twin the class of a slotted class with __weakref__: the setters' way
    @attrs.frozen(slots=True)
    class Weak:
        a: int
        b: str = ""

    assert "__weakref__" in Weak.__slots__
    build = builders.builder(Weak)
    assert build.__globals__["twin"] is Weak
    assert build(1, "x") == Weak(1, "x")
    assert builders.builder(Order).__globals__["twin"] is not Order


def test_the_journal_one_key_entries_read_as_before() -> None:
    assert journal._EVENT_TWIN is not None  # record_event's written-out way is the one tested here
    event = OrderUpdated(TS, ORDER, OrderStatus.PENDING)
    built = journal.record_event("order", event)
    checked = journal.JournalEntry(TS, "order", {"event": event})
    assert built == checked and checked == built
    assert type(built).__name__ == "JournalEntry" and built.payload["event"] is event
    trip = journal.record_one(TS, "round_trip", "trip", TRIP)
    assert trip == journal.JournalEntry(TS, "round_trip", {"trip": TRIP})
    assert pickle.loads(pickle.dumps(trip)) == trip


def test_a_builder_takes_exactly_the_fields() -> None:
    with pytest.raises(TypeError):
        builders.builder(Position)(ES, 1)
