"""The incremental Decider and the vectorised decide_arrays agree bar for bar."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from adapters.replay.bundled import bundled_series
from mia_core.instruments import ES
from mia_core.series import BarSeries
from mia_core.synthetic import SyntheticConfig, generate_bars
from mia_plugins.battle_navale.decision import FEATURES, Decider, DecisionConfig, decide_arrays
from mia_plugins.battle_navale.decision.selector import SelectorConfig, StrategyChoice


def fake_features(n: int, seed: int) -> dict[str, npt.NDArray[np.float64]]:
    """Feature scores sharing one bullish/bearish factor, some exactly neutral, some NaN warm-up."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 0.25, n)
    out = {}
    for k, name in enumerate(FEATURES):
        values = np.clip(0.5 + common + rng.normal(0, 0.1, n), 0, 1)
        values[rng.random(n) < 0.05] = 0.5
        values[: 5 * k] = np.nan
        out[name] = values
    return out


def ticks(series: BarSeries) -> tuple[npt.NDArray[np.int64], ...]:
    size = series.instrument.tick_size
    return tuple(np.round(col / size).astype(np.int64) for col in (series.open, series.high, series.low, series.close))


def compare(series: BarSeries, config: DecisionConfig, seed: int) -> int:
    o, h, lo, c = ticks(series)
    features = fake_features(len(c), seed)
    arrays = decide_arrays(o, h, lo, c, features, config)
    decider = Decider(config)
    entries = 0
    for i in range(len(c)):
        row = {k: float(v[i]) for k, v in features.items()}
        decision = decider.update(int(o[i]), int(h[i]), int(lo[i]), int(c[i]), row)
        if decision is None:
            assert arrays.direction[i] == 0, f"bar {i}: vectorised entry {arrays.direction[i]}, incremental none"
            continue
        entries += 1
        assert arrays.direction[i] == decision.direction, f"bar {i}"
        assert arrays.setup[i] == int(decision.setup)
        assert arrays.regime[i] == int(decision.regime)
        assert arrays.score[i] == decision.score
        assert arrays.confidence[i] == decision.confidence
        assert arrays.stop_ticks[i] == decision.stop_ticks and arrays.target_ticks[i] == decision.target_ticks
    if decider.regime is not None:
        assert arrays.regime[-1] == int(decider.regime)
    return entries


def test_agree_on_intraday_synthetic_bars() -> None:
    series = generate_bars(ES, SyntheticConfig(bars=30_000, seed=3))
    config = DecisionConfig(entry_grade="buy", selector=SelectorConfig(transition=StrategyChoice.TREND))
    assert compare(series, config, seed=1) > 200


@pytest.mark.parametrize("dataset", ["sp500", "nasdaq"])
def test_agree_on_real_daily_data(dataset: str) -> None:
    series = bundled_series(dataset, ES)
    assert compare(series, DecisionConfig(entry_grade="buy"), seed=2) > 50
    assert compare(series, DecisionConfig(), seed=4) > 5
