"""Kept objects of one instant share one int: what a compiled caller's fresh int copies would otherwise multiply."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mia_core.exchange import snapshots
from mia_core.instruments import ES
from mia_core.journal import record, record_one
from mia_core.orders import OrderStatus
from mia_core.timeutil import same_instant

from .helpers import BUY, market

TS = 1_700_000_000_123_456_789


def fresh(value: int) -> int:
    """An int equal to ``value`` but a new object (what a mypyc-compiled caller hands over on each call)."""
    return int(str(value))


def test_an_equal_int_given_again_is_the_first_object() -> None:
    first = same_instant(fresh(TS))
    again = fresh(TS)
    assert again is not first
    assert same_instant(again) is first
    later = fresh(TS + 60_000_000_000)
    assert same_instant(later) is later


@given(st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=30))
def test_always_an_int_equal_to_what_was_given(values: list[int]) -> None:
    for value in values:
        result = same_instant(value)
        assert type(result) is int
        assert result == value


def test_snapshots_events_and_journal_entries_of_one_instant_share_its_int() -> None:
    pending, working = snapshots.accepted("SIM-1", market(BUY, 1), fresh(TS))
    changed = snapshots.status_changed(working.order, OrderStatus.CANCELLED, fresh(TS))
    events: list[object] = []
    filled = snapshots.fill_reported(
        events, fresh(TS), working.order, OrderStatus.FILLED, 1, 5000.25, ES, "SIM-F1", 1, 5000.25, 225,
        snapshots.position(ES, 1, 5000.25), 0,
    )  # fmt: skip
    fill = snapshots.fill("SIM-1", ES, BUY, 1, 5000.25, fresh(TS), 225, "SIM-F1")
    risk = record(fresh(TS), "risk", {"event": 1, "note": "two keys"})
    trip = record_one(fresh(TS), "round_trip", "trip", None)
    kept = [pending.updated_ts, working.ts, working.order.updated_ts, changed.ts, changed.order.updated_ts,
            filled.updated_ts, *(event.ts for event in events), fill.ts, risk.ts, trip.ts]  # type: ignore[attr-defined]
    assert all(value == TS for value in kept)
    assert len({id(value) for value in kept}) == 1
