"""The engine's one-key journal entries are one small object each, and read as any JournalEntry."""

from __future__ import annotations

import copy
import pickle
import tracemalloc

import attrs

from mia_core.events import FillReceived
from mia_core.instruments import ES
from mia_core.journal import JournalEntry, OneItemPayload, record, record_event, record_one
from mia_core.orders import Fill, OrderSide

T = 1_700_000_000_000_000_000


def _fill_event() -> FillReceived:
    return FillReceived(T, Fill("A1", ES, OrderSide.BUY, 1, 4000.25, T, 250, "A1-1"))


def test_a_compact_entry_equals_the_entry_it_stands_for() -> None:
    event = _fill_event()
    compact, plain = record_event("fill", event), JournalEntry(T, "fill", {"event": event})
    assert compact == plain and plain == compact and (compact != plain) is False and [plain] == [compact]
    assert compact != record_one(T, "fill", "event", _fill_event().fill) and compact != JournalEntry(T, "order", {})
    assert isinstance(compact, JournalEntry) and type(compact).__name__ == "JournalEntry"
    assert isinstance(compact.payload, OneItemPayload) and dict(compact.payload) == {"event": event}
    assert repr(compact) == f"JournalEntry(ts={T}, kind='fill', payload={{'event': {event!r}}})"
    assert attrs.asdict(compact, recurse=False) == {"ts": T, "kind": "fill", "payload": compact.payload}


def test_record_with_one_key_and_record_one_agree() -> None:
    assert record(T, "round_trip", {"trip": 3}) == record_one(T, "round_trip", "trip", 3)
    assert dict(record(T, "note", {"a": 1, "b": 2}).payload) == {"a": 1, "b": 2}


def test_a_compact_entry_pickles_copies_and_evolves() -> None:
    entry = record_event("fill", _fill_event())
    assert pickle.loads(pickle.dumps(entry)) == entry
    assert copy.deepcopy(entry) == entry and copy.copy(entry) == entry
    moved = attrs.evolve(entry, ts=T + 1)
    assert moved == JournalEntry(T + 1, "fill", {"event": entry.payload["event"]})
    assert type(moved) is JournalEntry


def test_a_compact_entry_is_frozen() -> None:
    entry = record_one(T, "round_trip", "trip", 3)
    for name in ("ts", "kind", "payload"):
        try:
            setattr(entry, name, 1)
        except (attrs.exceptions.FrozenInstanceError, AttributeError):
            continue
        raise AssertionError(f"{name} was set")


def test_an_engine_entry_costs_one_small_object() -> None:
    event = _fill_event()
    record_event("fill", event)
    tracemalloc.start()
    try:
        entries = [record_event("fill", event) for _ in range(10_000)]
        size = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(entries) == 10_000
    assert size / 10_000 < 72  # was 112 bytes: an entry (64) and its one-key mapping (48)


def test_what_a_journal_holds_by_the_hundred_thousand_has_no_weakref_slot() -> None:
    from mia_core.accounting import RoundTrip
    from mia_core.events import FillReceived, OrderUpdated, SignalGenerated
    from mia_core.orders import Order, OrderIntent
    from mia_core.signals import Signal

    for cls in (JournalEntry, OrderUpdated, FillReceived, SignalGenerated, Order, OrderIntent, Fill, Signal, RoundTrip):
        assert all("__weakref__" not in getattr(k, "__slots__", ()) for k in cls.__mro__), cls.__name__
