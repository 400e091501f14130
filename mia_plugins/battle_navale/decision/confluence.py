"""The confluence score: a weighted sum of Battle Navale's eight feature scores, and its grade.

Every feature score is in [0, 1] (0 bearish, 0.5 neutral, 1 bullish); the weights
sum to 1, so the score is in [0, 1] too. Weights and thresholds are configuration
with the mission's defaults (MISSION.md section 2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.errors import DomainValueError
from mia_core.signals import SignalGrade
from mia_core.validation import FRACTION

FloatArray = npt.NDArray[np.float64]

#: The eight features in the order of the mission's formula.
FEATURES: tuple[str, ...] = (
    "vwap_trend",
    "volume_imbalance",
    "price_action",
    "momentum_flow",
    "support_resistance",
    "market_structure",
    "session_analysis",
    "dealers_bias",
)

#: How far the weights' sum may be from 1 (YAML decimals are not exact in binary).
WEIGHT_SUM_TOLERANCE = 1e-9

@attrs.frozen(slots=True)
class ConfluenceWeights:
    """The weight of each feature in the confluence score; non-negative, summing to 1."""

    vwap_trend: float = attrs.field(default=0.20, validator=FRACTION)
    volume_imbalance: float = attrs.field(default=0.15, validator=FRACTION)
    price_action: float = attrs.field(default=0.15, validator=FRACTION)
    momentum_flow: float = attrs.field(default=0.15, validator=FRACTION)
    support_resistance: float = attrs.field(default=0.10, validator=FRACTION)
    market_structure: float = attrs.field(default=0.10, validator=FRACTION)
    session_analysis: float = attrs.field(default=0.10, validator=FRACTION)
    dealers_bias: float = attrs.field(default=0.05, validator=FRACTION)

    def __attrs_post_init__(self) -> None:
        total = math.fsum(self.as_tuple())
        if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
            raise DomainValueError("ConfluenceWeights", "weights", round(total, 12), "must sum to 1")

    def unweighted(self) -> tuple[str, ...]:
        """The features whose weight is 0 (they cannot move the score; missing, they read as neutral)."""
        return tuple(name for name in FEATURES if getattr(self, name) == 0)

    def as_tuple(self) -> tuple[float, ...]:
        """The weights in ``FEATURES`` order."""
        return tuple(float(getattr(self, name)) for name in FEATURES)


@attrs.frozen(slots=True)
class GradeThresholds:
    """Score thresholds of the five grades: above ``strong_buy``/``buy``, below ``strong_sell``/``sell``.

    Strict comparisons, as the mission writes them: a score of exactly 0.60 is NEUTRAL.
    """

    strong_buy: float = attrs.field(default=0.75, validator=FRACTION)
    buy: float = attrs.field(default=0.60, validator=FRACTION)
    sell: float = attrs.field(default=0.40, validator=FRACTION)
    strong_sell: float = attrs.field(default=0.25, validator=FRACTION)

    def __attrs_post_init__(self) -> None:
        if not self.strong_sell <= self.sell <= self.buy <= self.strong_buy:
            raise DomainValueError(
                "GradeThresholds",
                "thresholds",
                (self.strong_sell, self.sell, self.buy, self.strong_buy),
                "need strong_sell <= sell <= buy <= strong_buy",
            )


def grade_of(score: float, thresholds: GradeThresholds) -> SignalGrade:
    """The grade of a confluence ``score``."""
    if score > thresholds.strong_buy:
        return SignalGrade.STRONG_BUY
    if score > thresholds.buy:
        return SignalGrade.BUY
    if score < thresholds.strong_sell:
        return SignalGrade.STRONG_SELL
    if score < thresholds.sell:
        return SignalGrade.SELL
    return SignalGrade.NEUTRAL


#: Integer codes of the grades in arrays: -2 strong sell .. +2 strong buy.
GRADE_CODES: dict[SignalGrade, int] = {
    SignalGrade.STRONG_SELL: -2,
    SignalGrade.SELL: -1,
    SignalGrade.NEUTRAL: 0,
    SignalGrade.BUY: 1,
    SignalGrade.STRONG_BUY: 2,
}


def grade_array(scores: FloatArray, thresholds: GradeThresholds) -> npt.NDArray[np.int8]:
    """``GRADE_CODES`` of ``grade_of`` for every score (NaN scores grade 0)."""
    out = np.zeros(len(scores), dtype=np.int8)
    out[scores < thresholds.sell] = -1
    out[scores < thresholds.strong_sell] = -2
    out[scores > thresholds.buy] = 1
    out[scores > thresholds.strong_buy] = 2
    return out


def confluence_score(values: Mapping[str, float], weights: ConfluenceWeights) -> float:
    """The weighted sum of the eight feature scores in ``values`` (NaN if one is NaN).

    Summed left to right in ``FEATURES`` order, exactly as :func:`confluence_array` does,
    so both forms agree to the last bit. A missing key raises ``KeyError``.
    """
    total = 0.0
    for name, weight in zip(FEATURES, weights.as_tuple(), strict=True):
        total = total + weight * values[name]
    return total


def confluence_array(columns: Mapping[str, FloatArray], weights: ConfluenceWeights) -> FloatArray:
    """The vectorised :func:`confluence_score`: one score per row of the feature columns."""
    first = columns[FEATURES[0]]
    total = np.zeros(len(first), dtype=np.float64)
    for name, weight in zip(FEATURES, weights.as_tuple(), strict=True):
        total = total + weight * np.asarray(columns[name], dtype=np.float64)
    return total


def bias_to_unit(score: float) -> float:
    """Dealer's bias in [-1, 1] mapped to the features' [0, 1] scale: ``(score + 1) / 2``."""
    return (score + 1.0) / 2.0
