"""The mission's entry rule (issue 14): no entry at a NEUTRAL confluence unless asked; elite readings adjust, veto."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mia_plugins.battle_navale.decision import FEATURES, Decider, DecisionConfig, decide_arrays
from mia_plugins.battle_navale.decision.confluence import GRADE_CODES, grade_of
from mia_plugins.battle_navale.decision.elite import DIRECTIONAL, EliteConfig, adjust

N = 1500


def market(seed: int, n: int = N) -> tuple[np.ndarray, ...]:
    """Open, high, low, close in ticks: a random walk of ``n`` bars."""
    rng = np.random.default_rng(seed)
    c = 4000 + np.cumsum(rng.integers(-8, 9, n))
    o = c + rng.integers(-4, 5, n)
    h = np.maximum(o, c) + rng.integers(0, 6, n)
    lo = np.minimum(o, c) - rng.integers(0, 6, n)
    return o, h, lo, c


def features(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed + 1)
    common = rng.normal(0, 0.2, N)
    return {name: np.clip(0.5 + common + rng.normal(0, 0.1, N), 0, 1) for name in FEATURES}


def entry_grades(config: DecisionConfig, seed: int = 3) -> list[int]:
    """The grade code times direction of every entry the pipeline proposes."""
    o, h, lo, c = market(seed)
    feats = features(seed)
    arrays = decide_arrays(o, h, lo, c, feats, config)
    picked = np.flatnonzero(arrays.direction)
    return [GRADE_CODES[grade_of(float(arrays.score[i]), config.thresholds)] * int(arrays.direction[i])
            for i in picked]


def test_finding_fades_and_mean_reversions_entered_at_neutral_confluence() -> None:
    """The audit's 87 of 213 NEUTRAL entries: the relaxation, now an option, reproduces them."""
    relaxed = entry_grades(DecisionConfig(neutral_reversals=True))
    assert sum(1 for g in relaxed if g <= 0) > 10


def test_by_default_every_entry_has_the_entry_grade_on_its_side() -> None:
    strict = entry_grades(DecisionConfig())
    assert strict and all(g >= 2 for g in strict)
    assert all(g >= 1 for g in entry_grades(DecisionConfig(entry_grade="buy")))


def test_a_reading_leaning_hard_against_vetoes_one_with_it_raises_confidence() -> None:
    config = EliteConfig()
    assert adjust(1, {"tick_momentum": 0.2}, config)[1] == "tick_momentum"
    assert adjust(-1, {"tick_momentum": 0.8}, config)[1] == "tick_momentum"
    change, veto = adjust(1, {"tick_momentum": 0.7, "delta_divergence": 0.6}, config)
    assert not veto and math.isclose(change, 0.1 * 0.4 + 0.1 * 0.2)
    assert adjust(1, {"volatility_regime": 2.0}, config)[1] == "volatility_regime"
    assert adjust(1, {"session_ok": 0.0}, config)[1] == "session_ok"
    assert adjust(1, {"tick_momentum": math.nan, "session_ok": 1.0, "volatility_regime": 1.0}, config) == (0.0, "")


def test_readings_change_the_entries_the_pipeline_makes() -> None:
    o, h, lo, c = market(5)
    feats = features(5)
    config = DecisionConfig(entry_grade="buy", min_confidence=0.5)
    against = {"tick_momentum": np.where(np.arange(N) % 2 == 0, 0.1, 0.9)}
    plain = decide_arrays(o, h, lo, c, feats, config)
    judged = decide_arrays(o, h, lo, c, feats, config, against)
    assert np.count_nonzero(judged.direction) < np.count_nonzero(plain.direction)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 0.3), st.floats(0.05, 1.0), st.booleans())
def test_both_forms_agree_with_elite_readings(seed: int, step: float, veto: float, relaxed: bool) -> None:
    o, h, lo, c = market(seed)
    feats = features(seed)
    rng = np.random.default_rng(seed + 2)
    readings = {name: np.where(rng.random(N) < 0.1, np.nan, rng.random(N)) for name in DIRECTIONAL}
    readings["volatility_regime"] = rng.integers(0, 3, N).astype(float)
    readings["session_ok"] = (rng.random(N) < 0.9).astype(float)
    config = DecisionConfig(entry_grade="buy", min_confidence=0.4, neutral_reversals=relaxed,
                            elite=EliteConfig(adjust=step, veto_lean=veto))
    arrays = decide_arrays(o, h, lo, c, feats, config, readings)
    decider = Decider(config)
    for i in range(N):
        got = decider.update(int(o[i]), int(h[i]), int(lo[i]), int(c[i]), {k: float(v[i]) for k, v in feats.items()},
                             {k: float(v[i]) for k, v in readings.items()})
        assert arrays.direction[i] == (0 if got is None else got.direction)
        if got is not None:
            assert arrays.confidence[i] == got.confidence
