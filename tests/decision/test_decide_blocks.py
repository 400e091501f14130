"""The blockwise decision gives the whole-series decide_arrays' arrays to the last bit, in any block size."""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mia_plugins.battle_navale.decision import FEATURES, DecisionConfig, blocks, decide_arrays
from mia_plugins.battle_navale.decision.blocks import decide_in_blocks
from mia_plugins.battle_navale.decision.pipeline import DecisionArrays
from mia_plugins.battle_navale.decision.regime import RegimeConfig

from .test_mission_gate import market as random_walk


def market(n: int, seed: int) -> tuple[np.ndarray, ...]:
    return random_walk(seed, n)


def scores(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed + 1)
    common = rng.normal(0, 0.25, n)
    out = {name: np.clip(0.5 + common + rng.normal(0, 0.1, n), 0, 1) for name in FEATURES}
    out[FEATURES[1]][: n // 7] = np.nan  # a warming feature
    return out


def assert_same(got: DecisionArrays, want: DecisionArrays) -> None:
    for field in attrs.fields(DecisionArrays):
        a, b = getattr(got, field.name), getattr(want, field.name)
        assert a.dtype == b.dtype, field.name
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f"{field.name} differs"


def blockwise(o, h, lo, c, features, config, readings, block):  # type: ignore[no-untyped-def]
    rows = lambda a, b: (o[a:b], h[a:b], lo[a:b], c[a:b])  # noqa: E731
    return decide_in_blocks(len(c), rows, features, config, readings, block=block)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 700), st.integers(0, 900),
       st.integers(2, 30), st.integers(2, 60), st.booleans())
def test_any_block_size_gives_the_whole_series_arrays(
    seed: int, block: int, n: int, period: int, volatility: int, relaxed: bool,
) -> None:
    config = DecisionConfig(atr_period=period, ma_period=max(2, period - 1), channel_period=period + 1,
                            regime=RegimeConfig(volatility_period=volatility, efficiency_period=period),
                            entry_grade="buy", neutral_reversals=relaxed)
    o, h, lo, c = market(n, seed)
    features = scores(n, seed)
    readings = {"tick_momentum": np.random.default_rng(seed).random(n)}
    whole = decide_arrays(o, h, lo, c, features, config, readings)
    assert_same(blockwise(o, h, lo, c, features, config, readings, block), whole)


def test_the_default_settings_on_a_long_series_with_entries_across_block_edges() -> None:
    n, config = 20_000, DecisionConfig(entry_grade="buy")
    o, h, lo, c = market(n, 11)
    features = scores(n, 11)
    whole = decide_arrays(o, h, lo, c, features, config)
    assert np.count_nonzero(whole.direction) > 100
    for block in (1_000, 4_096, n, 3 * n):
        assert_same(blockwise(o, h, lo, c, features, config, None, block), whole)


def test_a_block_needs_the_whole_look_back_in_front_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """One bar less in front of each block and a stop comes out different: the look-back is not padding."""
    n, config = 5_000, DecisionConfig(entry_grade="buy", atr_period=150)  # the ATR, the stop's, is the longest
    differ = 0
    for seed in range(6):
        o, h, lo, c = market(n, seed)
        features = scores(n, seed)
        whole = decide_arrays(o, h, lo, c, features, config)
        assert_same(blockwise(o, h, lo, c, features, config, None, 500), whole)
        with monkeypatch.context() as patch:
            patch.setattr(blocks, "lookback", lambda periods: periods.warmup_bars - 1)
            short = blockwise(o, h, lo, c, features, config, None, 500)
        differ += not np.array_equal(short.stop_ticks, whole.stop_ticks)
    assert differ


def test_no_bars_and_a_bad_block() -> None:
    empty = np.empty(0, dtype=np.int64)
    got = blockwise(empty, empty, empty, empty, {k: np.empty(0) for k in FEATURES}, DecisionConfig(), None, 10)
    assert len(got.direction) == 0
    with pytest.raises(ValueError, match="block must be at least 1"):
        blockwise(empty, empty, empty, empty, {}, DecisionConfig(), None, 0)
