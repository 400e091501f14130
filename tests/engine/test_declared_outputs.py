"""The engine's check of a technique's outputs: the compiled build's one-pass loop answers as the two C passes do."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mia_core.engine import published
from mia_core.engine.published import IS_FLOAT

ORDER = ("a", "b", "c")

values_ = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 5),
    st.booleans(),
    st.none(),
    st.text(max_size=2),
    st.floats(allow_nan=True).map(np.float64),
    st.integers(-5, 5).map(np.int64),
)
keys_ = st.one_of(st.sampled_from(ORDER), st.sampled_from(["d", "A"]), st.integers(0, 2))


def _reference(values: dict[Any, Any], order: tuple[str, ...]) -> bool:
    return tuple(values) == order and all(map(IS_FLOAT, values.values()))


@given(st.lists(st.tuples(keys_, values_), max_size=5))
def test_same_answer_as_the_reference_for_any_dict(items: list[tuple[Any, Any]]) -> None:
    values = dict(items)
    assert published.declared_floats(values, ORDER) is _reference(values, ORDER)


@given(st.permutations(ORDER), st.lists(values_, min_size=3, max_size=3))
def test_declared_keys_in_any_order(keys: list[str], row: list[Any]) -> None:
    values = dict(zip(keys, row, strict=True))
    assert published.declared_floats(values, ORDER) is _reference(values, ORDER)


def test_the_usual_case_and_each_way_to_miss_it() -> None:
    nan = float("nan")
    assert published.declared_floats({"a": 1.0, "b": nan, "c": np.float64(2.0)}, ORDER)
    assert not published.declared_floats({"b": 1.0, "a": 1.0, "c": 1.0}, ORDER)  # order differs
    assert not published.declared_floats({"a": 1.0, "b": 1.0}, ORDER)  # one missing
    assert not published.declared_floats({"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0}, ORDER)  # one more
    assert not published.declared_floats({"a": 1.0, "b": 1, "c": 1.0}, ORDER)  # an int
    assert not published.declared_floats({"a": 1.0, "b": 1.0, 2: 1.0}, ORDER)  # a key not a str
