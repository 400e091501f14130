"""Reading the eight feature scores a strategy needs from the engine's context."""

from __future__ import annotations

import math
from collections.abc import Mapping

from mia_plugins.battle_navale.decision.confluence import FEATURES, ConfluenceWeights, bias_to_unit
from mia_plugins.battle_navale.reading_keys import ReadingKeys  # interpreted: a settings class

#: The seven technique features, read as ``"<name>.score"``; dealer's bias comes from an analyzer.
TECHNIQUE_FEATURES: tuple[str, ...] = FEATURES[:-1]
SCORE_KEYS: tuple[tuple[str, str], ...] = tuple((name, name + ".score") for name in TECHNIQUE_FEATURES)
NEUTRAL = 0.5


def feature_scores(
    features: Mapping[str, float], analyses: Mapping[str, Mapping[str, float]], bias_analyzer: str,
    weights: ConfluenceWeights | None = None,
) -> tuple[dict[str, float], bool]:
    """The eight scores in [0, 1] and whether dealer's bias was absent (then neutral 0.5).

    A technique feature missing from ``features`` reads as NaN (no decision); dealer's
    bias is ``(score + 1) / 2`` of the analyzer's latest ``score`` in [-1, 1], or 0.5
    with the absent flag when no such analyzer has reported (or its score is NaN, or it
    reports ``error``). A feature of weight 0 in ``weights`` that is missing reads as
    neutral (it cannot move the score: a system may leave its technique out).
    """
    return _scores(features, analyses, bias_analyzer, _neutral(weights))


def _neutral(weights: ConfluenceWeights | None) -> tuple[str, ...]:
    """The technique features that read as neutral when missing: those of weight 0."""
    return () if weights is None else tuple(name for name in weights.unweighted() if name in TECHNIQUE_FEATURES)


def _scores(
    features: Mapping[str, float], analyses: Mapping[str, Mapping[str, float]], bias_analyzer: str,
    neutral: tuple[str, ...],
) -> tuple[dict[str, float], bool]:
    get, nan = features.get, math.nan
    scores = {name: get(key, nan) for name, key in SCORE_KEYS}
    for name in neutral:
        if scores[name] != scores[name]:
            scores[name] = NEUTRAL
    latest = analyses.get(bias_analyzer)
    bias = latest.get("score") if latest is not None else None
    failed = latest is not None and latest.get("error", 0.0) > 0.0  # an analyzer in error publishes no real score
    if bias is None or bias != bias or failed:
        scores["dealers_bias"] = NEUTRAL
        return scores, True
    scores["dealers_bias"] = bias_to_unit(min(1.0, max(-1.0, bias)))
    return scores, False


def elite_readings(
    features: Mapping[str, float], analyses: Mapping[str, Mapping[str, float]], keys: ReadingKeys
) -> dict[str, float]:
    """The elite readings found now: a technique output, else an analyzer's value; absent ones are left out."""
    return _readings(features, analyses, _split(keys))


def _split(keys: ReadingKeys) -> tuple[tuple[str, str, str, str], ...]:
    """(reading, key, analyzer name, output) of each reading that is read."""
    split = []
    for reading, key in keys.items():
        name, _, output = key.rpartition(".")
        split.append((reading, key, name, output))
    return tuple(split)


def _readings(
    features: Mapping[str, float], analyses: Mapping[str, Mapping[str, float]],
    keys: tuple[tuple[str, str, str, str], ...],
) -> dict[str, float]:
    found: dict[str, float] = {}
    get = features.get
    for reading, key, name, output in keys:
        value = get(key)
        if value is None:
            latest = analyses.get(name)
            value = None if latest is None else latest.get(output)
        if value is not None:
            found[reading] = value
    return found


class InputReader:
    """:func:`feature_scores` and :func:`elite_readings` with their keys worked out once (read on every bar)."""

    __slots__ = ("_bias", "_keys", "_neutral")

    def __init__(self, bias_analyzer: str, weights: ConfluenceWeights, keys: ReadingKeys) -> None:
        self._bias = bias_analyzer
        self._neutral = _neutral(weights)
        self._keys = _split(keys)

    def scores(
        self, features: Mapping[str, float], analyses: Mapping[str, Mapping[str, float]]
    ) -> tuple[dict[str, float], bool]:
        """``feature_scores(features, analyses, bias_analyzer, weights)``."""
        return _scores(features, analyses, self._bias, self._neutral)

    def readings(self, features: Mapping[str, float], analyses: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
        """``elite_readings(features, analyses, keys)``."""
        return _readings(features, analyses, self._keys)
