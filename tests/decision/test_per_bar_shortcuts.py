"""The per-bar shortcuts of the compiled Battle Navale code answer as the plain forms they replace."""

from __future__ import annotations

from collections import deque
from itertools import islice

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mia_plugins.battle_navale.decision.confidence import ConfidenceWeights, confidence
from mia_plugins.battle_navale.decision.config import DecisionConfig
from mia_plugins.battle_navale.decision.confluence import FEATURES, ConfluenceWeights
from mia_plugins.battle_navale.decision.pipeline import Decider
from mia_plugins.battle_navale.decision.state import highest, lowest
from mia_plugins.battle_navale.features.market_structure import _peak, _peak_below
from mia_plugins.battle_navale.features.support_resistance import _highest, _lowest
from mia_plugins.battle_navale.strategy import to_ticks

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@given(finite, st.sampled_from([0.25, 0.01, 1.0, 0.1, 0.03125, 5.0]))
def test_to_ticks_is_round_of_the_quotient(price: float, size: float) -> None:
    assert to_ticks(price, size) == round(price / size)


@pytest.mark.parametrize("q", [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -0.49999999999999994, 0.49999999999999994,
                               -1e-300, 4503599627370495.5, 2.0**53, -(2.0**53), 0.0, -0.0])
def test_to_ticks_rounds_halves_to_even(q: float) -> None:
    assert to_ticks(q, 1.0) == round(q)


@given(st.integers(1, 4).flatmap(lambda k: st.tuples(
    st.just(k), st.lists(st.integers(-3, 3).map(float), min_size=2 * k + 1, max_size=2 * k + 1))))
def test_a_swing_is_what_max_and_min_over_the_window_said(case: tuple[int, list[float]]) -> None:
    k, values = case
    window = deque(values, maxlen=2 * k + 1)
    center = window[k]
    assert _peak(window, center, k) is (center >= max(window) and center > max(islice(window, k)))
    assert _peak_below(window, center, k) is (center <= min(window) and center < min(islice(window, k)))


score = st.floats(0.0, 1.0) | st.sampled_from([0.5])


@given(st.lists(score, min_size=len(FEATURES), max_size=len(FEATURES)), score, st.sampled_from([1, -1]),
       st.sampled_from([1.0, 0.5]))
def test_the_deciders_confidence_is_confidence(row: list[float], total: float, direction: int, fit: float) -> None:
    blend = ConfidenceWeights(strength=0.3, agreement=0.5, regime_fit=0.2)
    weights = ConfluenceWeights()
    decider = Decider(DecisionConfig(weights=weights, confidence=blend))
    features = dict(zip(FEATURES, row, strict=True))
    assert decider._confidence(total, features, direction, fit) == confidence(total, features, direction, fit,
                                                                                weights, blend)


@given(st.lists(st.integers(-10**12, 10**12), min_size=1, max_size=30))
def test_the_channels_loops_are_max_and_min(values: list[int]) -> None:
    assert (highest(values), lowest(values)) == (max(values), min(values))


@given(st.lists(finite | st.sampled_from([0.0, -0.0]), min_size=1, max_size=30))
def test_the_support_resistance_loops_are_max_and_min(values: list[float]) -> None:
    window = deque(values)
    top, bottom = _highest(window), _lowest(window)
    assert (top, bottom) == (max(window), min(window))
    assert (str(top), str(bottom)) == (str(max(window)), str(min(window)))  # the same zero, when it is one
