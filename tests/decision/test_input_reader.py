"""The strategy's per-bar reader of scores and elite readings answers as the plain functions do."""

from __future__ import annotations

import itertools
import math

from mia_plugins.battle_navale.decision.confluence import ConfluenceWeights
from mia_plugins.battle_navale.inputs import (
    SCORE_KEYS,
    InputReader,
    ReadingKeys,
    elite_readings,
    feature_scores,
)


def same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


FEATURE_CASES = [
    {},
    {key: 0.7 for _, key in SCORE_KEYS},
    {key: (math.nan if i % 2 else 0.3) for i, (_, key) in enumerate(SCORE_KEYS)},
    {key: 0.6 for _, key in SCORE_KEYS[:3]} | {"tick_momentum.score": 0.9, "volatility_regime.regime": 2.0},
]
ANALYSES_CASES = [
    {},
    {"dealers_bias": {"score": -0.4}},
    {"dealers_bias": {"score": math.nan}},
    {"dealers_bias": {"score": 3.0}},
    {"dealers_bias": {"score": 0.2, "error": 1.0}},
    {"bias2": {"score": 0.5}, "smart_money": {"score": 0.1}, "session_optimizer": {"trade_ok": 0.0}},
]
WEIGHTS = [
    ConfluenceWeights(),
    ConfluenceWeights(vwap_trend=0.0, volume_imbalance=0.35, market_structure=0.0, session_analysis=0.2),
]
KEYS = [ReadingKeys(), ReadingKeys(smart_money=None, session_ok="custom.ok", tick_momentum="fast.tick")]


def test_reader_and_functions_agree_on_every_combination() -> None:
    for features, analyses, weights, keys, bias in itertools.product(
        FEATURE_CASES, ANALYSES_CASES, WEIGHTS, KEYS, ("dealers_bias", "bias2")
    ):
        reader = InputReader(bias, weights, keys)
        got, absent = reader.scores(features, analyses)
        want, want_absent = feature_scores(features, analyses, bias, weights)
        assert same(got, want) and absent == want_absent, (features, analyses, weights, bias)
        assert same(reader.readings(features, analyses), elite_readings(features, analyses, keys))


def test_an_unweighted_missing_feature_reads_neutral_and_a_weighted_one_nan() -> None:
    weights = WEIGHTS[1]
    scores, absent = InputReader("dealers_bias", weights, ReadingKeys()).scores({}, {})
    assert absent and scores["vwap_trend"] == 0.5 and scores["market_structure"] == 0.5
    assert math.isnan(scores["price_action"]) and scores["dealers_bias"] == 0.5
