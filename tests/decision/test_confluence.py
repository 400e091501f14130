"""Confluence score, grades and confidence against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mia_core.errors import DomainValueError
from mia_core.signals import SignalGrade
from mia_plugins.battle_navale.decision.confidence import ConfidenceWeights, confidence
from mia_plugins.battle_navale.decision.confluence import (
    FEATURES,
    ConfluenceWeights,
    GradeThresholds,
    confluence_array,
    confluence_score,
    grade_array,
    grade_of,
)

MISSION = {"vwap_trend": 0.20, "volume_imbalance": 0.15, "price_action": 0.15, "momentum_flow": 0.15,
           "support_resistance": 0.10, "market_structure": 0.10, "session_analysis": 0.10, "dealers_bias": 0.05}


def test_default_weights_are_the_missions() -> None:
    weights = ConfluenceWeights()
    assert dict(zip(FEATURES, weights.as_tuple(), strict=True)) == MISSION


def test_score_is_the_weighted_sum() -> None:
    values = {"vwap_trend": 1.0, "volume_imbalance": 0.8, "price_action": 0.6, "momentum_flow": 0.4,
              "support_resistance": 0.2, "market_structure": 0.0, "session_analysis": 0.5, "dealers_bias": 1.0}
    # 0.2 + 0.12 + 0.09 + 0.06 + 0.02 + 0 + 0.05 + 0.05 = 0.59, worked by hand
    assert confluence_score(values, ConfluenceWeights()) == pytest.approx(0.59, abs=1e-12)
    assert confluence_score(dict.fromkeys(FEATURES, 0.5), ConfluenceWeights()) == pytest.approx(0.5, abs=1e-12)
    columns = {k: np.array([v, 0.5]) for k, v in values.items()}
    assert confluence_array(columns, ConfluenceWeights()).tolist() == [confluence_score(values, ConfluenceWeights()),
                                                                      confluence_score(dict.fromkeys(FEATURES, 0.5),
                                                                                       ConfluenceWeights())]


def test_weights_must_sum_to_one() -> None:
    with pytest.raises(DomainValueError, match="sum to 1"):
        ConfluenceWeights(vwap_trend=0.30)
    shifted = ConfluenceWeights(vwap_trend=0.25, dealers_bias=0.0)
    assert math.isclose(sum(shifted.as_tuple()), 1.0)
    with pytest.raises(ValueError):
        ConfluenceWeights(vwap_trend=-0.05, volume_imbalance=0.40)


@pytest.mark.parametrize(
    ("score", "grade"),
    [(0.76, SignalGrade.STRONG_BUY), (0.75, SignalGrade.BUY), (0.61, SignalGrade.BUY), (0.60, SignalGrade.NEUTRAL),
     (0.40, SignalGrade.NEUTRAL), (0.39, SignalGrade.SELL), (0.25, SignalGrade.SELL), (0.24, SignalGrade.STRONG_SELL)],
)
def test_grades_use_strict_thresholds(score: float, grade: SignalGrade) -> None:
    assert grade_of(score, GradeThresholds()) is grade
    codes = {SignalGrade.STRONG_SELL: -2, SignalGrade.SELL: -1, SignalGrade.NEUTRAL: 0, SignalGrade.BUY: 1,
             SignalGrade.STRONG_BUY: 2}
    assert grade_array(np.array([score]), GradeThresholds())[0] == codes[grade]


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(DomainValueError):
        GradeThresholds(buy=0.3)


def test_confidence_blends_strength_agreement_and_fit() -> None:
    values = dict.fromkeys(FEATURES, 0.5) | {"vwap_trend": 0.9, "momentum_flow": 0.1}
    score = confluence_score(values, ConfluenceWeights())
    # long: agreement = 0.20 (vwap) + 0.5 * (1 - 0.20 - 0.15) = 0.525; strength = |score - .5| * 2
    strength = abs(score - 0.5) * 2
    expected = 0.4 * strength + 0.4 * 0.525 + 0.2 * 1.0
    got = confidence(score, values, 1, 1.0, ConfluenceWeights(), ConfidenceWeights())
    assert got == pytest.approx(expected, abs=1e-12)
    short = confidence(score, values, -1, 0.5, ConfluenceWeights(), ConfidenceWeights())
    assert short == pytest.approx(0.4 * strength + 0.4 * (0.15 + 0.5 * 0.65) + 0.2 * 0.5, abs=1e-12)
