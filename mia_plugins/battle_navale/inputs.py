"""Reading the eight feature scores a strategy needs from the engine's context."""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs

from mia_plugins.battle_navale.decision.confluence import FEATURES, ConfluenceWeights, bias_to_unit
from mia_plugins.battle_navale.decision.elite import READINGS

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
    nan = math.nan
    scores = {name: features.get(key, nan) for name, key in SCORE_KEYS}
    if weights is not None:
        for name in weights.unweighted():
            if name in scores and scores[name] != scores[name]:
                scores[name] = NEUTRAL
    latest = analyses.get(bias_analyzer)
    bias = latest.get("score") if latest is not None else None
    failed = latest is not None and latest.get("error", 0.0) > 0.0  # an analyzer in error publishes no real score
    if bias is None or bias != bias or failed:
        scores["dealers_bias"] = NEUTRAL
        return scores, True
    scores["dealers_bias"] = bias_to_unit(min(1.0, max(-1.0, bias)))
    return scores, False


@attrs.frozen(slots=True)
class ReadingKeys:
    """Where each elite reading is read: ``"<technique or analyzer instance>.<output>"``, or null to ignore it."""

    tick_momentum: str | None = "tick_momentum.score"
    delta_divergence: str | None = "delta_divergence.score"
    smart_money: str | None = "smart_money.score"
    order_book_imbalance: str | None = "order_book_imbalance.score"
    volatility_regime: str | None = "volatility_regime.regime"
    session_ok: str | None = "session_optimizer.trade_ok"

    def items(self) -> list[tuple[str, str]]:
        """(reading, key) of the readings that are read."""
        return [(name, key) for name in READINGS if (key := getattr(self, name)) is not None]


def elite_readings(
    features: Mapping[str, float], analyses: Mapping[str, Mapping[str, float]], keys: ReadingKeys
) -> dict[str, float]:
    """The elite readings found now: a technique output, else an analyzer's value; absent ones are left out."""
    found: dict[str, float] = {}
    for reading, key in keys.items():
        value = features.get(key)
        if value is None:
            name, _, output = key.rpartition(".")
            latest = analyses.get(name)
            value = None if latest is None else latest.get(output)
        if value is not None:
            found[reading] = value
    return found
