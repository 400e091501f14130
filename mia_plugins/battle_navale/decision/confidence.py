"""The confidence calculator: how far to trust a signal, in [0, 1].

Three parts, each in [0, 1], blended with weights that sum to 1:

- ``strength``: how far the confluence score is from neutral, ``|score - 0.5| * 2``;
- ``agreement``: the share of the confluence weight whose feature points the signal's
  way (a feature at exactly 0.5 counts half);
- ``regime_fit``: 1 when the setup belongs to the regime it fired in (a trend setup in
  a TREND regime, a range setup in a RANGE regime), else 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.errors import DomainValueError
from mia_core.validation import FRACTION
from mia_plugins.battle_navale.decision.confluence import FEATURES, ConfluenceWeights

FloatArray = npt.NDArray[np.float64]


@attrs.frozen(slots=True)
class ConfidenceWeights:
    """How the confidence blends strength, agreement and regime fit (non-negative, sum 1)."""

    strength: float = attrs.field(default=0.4, validator=FRACTION)
    agreement: float = attrs.field(default=0.4, validator=FRACTION)
    regime_fit: float = attrs.field(default=0.2, validator=FRACTION)

    def __attrs_post_init__(self) -> None:
        total = math.fsum((self.strength, self.agreement, self.regime_fit))
        if abs(total - 1.0) > 1e-9:
            raise DomainValueError("ConfidenceWeights", "weights", round(total, 12), "must sum to 1")


def _side_share(value: float, direction: int) -> float:
    if value == 0.5:
        return 0.5
    return 1.0 if (value > 0.5) == (direction > 0) else 0.0


def confidence(
    score: float,
    features: Mapping[str, float],
    direction: int,
    regime_fit: float,
    weights: ConfluenceWeights,
    blend: ConfidenceWeights,
) -> float:
    """Confidence of a signal pointing ``direction`` (+1/-1) given its confluence inputs."""
    agreement = 0.0
    for name, weight in zip(FEATURES, weights.as_tuple(), strict=True):
        agreement = agreement + weight * _side_share(features[name], direction)
    strength = abs(score - 0.5) * 2.0
    value = blend.strength * strength + blend.agreement * agreement + blend.regime_fit * regime_fit
    return min(1.0, max(0.0, value))


def confidence_array(
    scores: FloatArray,
    columns: Mapping[str, FloatArray],
    directions: npt.NDArray[np.int8],
    regime_fit: FloatArray,
    weights: ConfluenceWeights,
    blend: ConfidenceWeights,
) -> FloatArray:
    """The vectorised :func:`confidence` (rows with direction 0 are computed as if short)."""
    long = directions > 0
    agreement = np.zeros(len(scores), dtype=np.float64)
    for name, weight in zip(FEATURES, weights.as_tuple(), strict=True):
        value = np.asarray(columns[name], dtype=np.float64)
        share = np.where(value == 0.5, 0.5, np.where((value > 0.5) == long, 1.0, 0.0))
        agreement = agreement + weight * share
    strength = np.abs(scores - 0.5) * 2.0
    value = blend.strength * strength + blend.agreement * agreement + blend.regime_fit * regime_fit
    return np.clip(value, 0.0, 1.0)
