"""Properties of the decision layer over generated inputs and settings."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mia_plugins.battle_navale.decision import (
    FEATURES,
    ConfluenceWeights,
    Decider,
    DecisionConfig,
    GradeThresholds,
    decide_arrays,
)
from mia_plugins.battle_navale.decision.confluence import GRADE_CODES, confluence_score, grade_of
from mia_plugins.battle_navale.decision.regime import RegimeConfig
from mia_plugins.battle_navale.decision.selector import SelectorConfig, StrategyChoice
from mia_plugins.battle_navale.decision.setups import RangeConfig

unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def weights(draw: st.DrawFn) -> ConfluenceWeights:
    raw = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=8, max_size=8)))
    parts = raw / raw.sum()
    parts[-1] = 1.0 - parts[:-1].sum()
    return ConfluenceWeights(**{name: float(max(0.0, p)) for name, p in zip(FEATURES, parts, strict=True)})


@given(weights(), st.lists(unit, min_size=8, max_size=8))
def test_the_score_stays_in_the_unit_interval(w: ConfluenceWeights, values: list[float]) -> None:
    score = confluence_score(dict(zip(FEATURES, values, strict=True)), w)
    assert -1e-12 <= score <= 1 + 1e-12
    assert abs(score - float(np.dot(w.as_tuple(), values))) < 1e-12


@given(unit, unit)
def test_a_higher_score_never_grades_lower(a: float, b: float) -> None:
    low, high = sorted((a, b))
    thresholds = GradeThresholds()
    assert GRADE_CODES[grade_of(low, thresholds)] <= GRADE_CODES[grade_of(high, thresholds)]


@st.composite
def configs(draw: st.DrawFn) -> DecisionConfig:
    trend = draw(st.floats(0.1, 0.6))
    return DecisionConfig(
        regime=RegimeConfig(efficiency_period=draw(st.integers(2, 30)), trend_efficiency=trend,
                            range_efficiency=draw(st.floats(0.0, trend)), volatility_period=draw(st.integers(2, 60)),
                            volatile_ratio=draw(st.floats(0.8, 3.0))),
        selector=SelectorConfig(transition=draw(st.sampled_from(list(StrategyChoice))),
                                volatile=draw(st.sampled_from(list(StrategyChoice)))),
        range=RangeConfig(fade_zone_atr=draw(st.floats(0.0, 2.0)), mean_reversion_atr=draw(st.floats(0.1, 3.0))),
        entry_grade=draw(st.sampled_from(["buy", "strong_buy"])),
        reversal_veto=draw(st.sampled_from(["buy", "strong_buy"])),
        min_confidence=draw(st.floats(0.0, 0.8)),
        atr_period=draw(st.integers(1, 30)),
        ma_period=draw(st.integers(1, 40)),
        channel_period=draw(st.integers(1, 40)),
        stop_atr=draw(st.floats(0.5, 4.0)),
        reward_risk=draw(st.floats(0.5, 4.0)),
    )


@settings(max_examples=40, deadline=None)
@given(configs(), st.integers(0, 2**32 - 1))
def test_both_forms_agree_for_any_settings(config: DecisionConfig, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    c = 4000 + np.cumsum(rng.integers(-8, 9, n))
    o = c + rng.integers(-4, 5, n)
    h = np.maximum(o, c) + rng.integers(0, 6, n)
    lo = np.minimum(o, c) - rng.integers(0, 6, n)
    common = rng.normal(0, 0.3, n)
    features = {name: np.clip(0.5 + common + rng.normal(0, 0.1, n), 0, 1) for name in FEATURES}
    arrays = decide_arrays(o, h, lo, c, features, config)
    decider = Decider(config)
    entries = 0
    for i in range(n):
        got = decider.update(int(o[i]), int(h[i]), int(lo[i]), int(c[i]), {k: float(v[i]) for k, v in features.items()})
        assert arrays.direction[i] == (0 if got is None else got.direction)
        if decider.regime is not None and i >= config.periods.warmup_bars - 1:
            assert arrays.regime[i] == int(decider.regime)
        entries += got is not None
        if got is not None:
            assert got.stop_ticks >= 1 and got.target_ticks >= 1
            assert (arrays.stop_ticks[i], arrays.target_ticks[i]) == (got.stop_ticks, got.target_ticks)
            assert got.confidence >= config.min_confidence
    ENTRIES.append(entries)


ENTRIES: list[int] = []


def test_the_generated_cases_did_trade() -> None:
    """Runs after the property test (file order): most generated cases proposed entries."""
    assert ENTRIES and sum(1 for e in ENTRIES if e > 0) >= len(ENTRIES) // 2, ENTRIES
