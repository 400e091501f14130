"""Signal's hand-written __init__ builds and refuses exactly what the attrs-generated one did."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from itertools import product
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest

from mia_core.errors import DomainValueError
from mia_core.signals import Direction, Signal, SignalGrade
from mia_core.validation import fail

TS = 1_714_570_000 * 10**9


def _reference_class() -> type:
    """Signal's fields with an attrs-generated __init__ (converters, validators, the FLAT-grade check)."""
    fields = {
        f.name: attrs.field(default=f.default, validator=f.validator, converter=f.converter)
        for f in attrs.fields(Signal)
    }

    def post_init(self: Any) -> None:
        if self.direction is Direction.FLAT and self.grade in (SignalGrade.BUY, SignalGrade.STRONG_BUY):
            fail(self, "grade", self.grade, "a flat signal cannot be graded as a buy")

    return attrs.make_class("Signal", fields, bases=(), frozen=True, slots=True,
                            class_body={"__attrs_post_init__": post_init})


REFERENCE = _reference_class()
VALUES: dict[str, list[Any]] = {
    "ts": [TS, True, datetime(2024, 5, 1, tzinfo=UTC), pd.Timestamp("2024-05-01", tz="UTC"), datetime(2024, 5, 1)],
    "source": ["sma_cross", "", "  ", 5],
    "direction": list(Direction),
    "strength": [1.0, 0.0, 0.5, 1, True, np.float64(0.25), 1.5, -0.1, float("nan"), float("inf")],
    "confluence": [None, 0.5, 2.0, float("nan")],
    "components": [None, {}, {"vwap": 0.2}],
    "grade": [None, *SignalGrade],
}


def _outcome(cls: type, values: dict[str, Any]) -> tuple[Any, ...]:
    try:
        built = cls(**values)
    except DomainValueError as exc:
        return ("refused", exc.field, str(exc))
    return ("built", *(getattr(built, f.name) for f in attrs.fields(Signal)))


def test_every_combination_gives_the_reference_outcome() -> None:
    names = list(VALUES)
    seen = set()
    for combination in product(*(VALUES[name] for name in names)):
        values = dict(zip(names, combination, strict=True))
        expected = _outcome(REFERENCE, values)
        got = _outcome(Signal, values)
        assert repr(got) == repr(expected), values
        seen.add(expected[0] if expected[0] == "built" else expected[1])
    assert seen == {"built", "ts", "source", "strength", "confluence", "grade"}


def test_a_signal_is_a_frozen_signal_that_copies_and_evolves() -> None:
    signal = Signal(ts=TS, source="sma_cross", direction=Direction.LONG, components={"vwap": 0.2}, reason="cross")
    assert type(signal) is Signal
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        signal.reason = "changed"  # type: ignore[misc]
    assert copy.copy(signal) == signal  # (components, a mappingproxy, never pickled: neither did a Signal)
    assert attrs.evolve(signal, reason="x") == Signal(ts=TS, source="sma_cross", direction=Direction.LONG,
                                                      components={"vwap": 0.2}, reason="x")
    assert Signal(TS, "sma_cross", Direction.SHORT, 0.5) == Signal(ts=TS, source="sma_cross",
                                                                   direction=Direction.SHORT, strength=0.5)
    with pytest.raises(TypeError):
        Signal(ts=TS, source="sma_cross")  # type: ignore[call-arg]
