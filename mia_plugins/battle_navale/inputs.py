"""Reading the eight feature scores a strategy needs from the engine's context."""

from __future__ import annotations

import math
from collections.abc import Mapping

from mia_plugins.battle_navale.decision.confluence import FEATURES, bias_to_unit

#: The seven technique features, read as ``"<name>.score"``; dealer's bias comes from an analyzer.
TECHNIQUE_FEATURES: tuple[str, ...] = FEATURES[:-1]
SCORE_KEYS: tuple[tuple[str, str], ...] = tuple((name, name + ".score") for name in TECHNIQUE_FEATURES)
NEUTRAL = 0.5


def feature_scores(
    features: Mapping[str, float], analyses: Mapping[str, Mapping[str, float]], bias_analyzer: str
) -> tuple[dict[str, float], bool]:
    """The eight scores in [0, 1] and whether dealer's bias was absent (then neutral 0.5).

    A technique feature missing from ``features`` reads as NaN (no decision); dealer's
    bias is ``(score + 1) / 2`` of the analyzer's latest ``score`` in [-1, 1], or 0.5
    with the absent flag when no such analyzer has reported (or its score is NaN, or it
    reports ``error``).
    """
    nan = math.nan
    scores = {name: features.get(key, nan) for name, key in SCORE_KEYS}
    latest = analyses.get(bias_analyzer)
    bias = latest.get("score") if latest is not None else None
    failed = latest is not None and latest.get("error", 0.0) > 0.0  # an analyzer in error publishes no real score
    if bias is None or bias != bias or failed:
        scores["dealers_bias"] = NEUTRAL
        return scores, True
    scores["dealers_bias"] = bias_to_unit(min(1.0, max(-1.0, bias)))
    return scores, False
