"""Calibration: no slope fitted to noise, isotonic on many rows, and the ECE read beside its sampling noise."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.ml.metrics import calibration_verdict, ece_noise, expected_calibration_error
from mia_core.errors import MiaError
from mia_plugins.ml_filter.calibration import Calibration, fit_calibration

from .helpers import learnable, needs_ml, quick_filter


@pytest.fixture(autouse=True)
def _ml() -> None:
    needs_ml()


def _skilled(n: int, seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.1, 0.9, size=n)
    return p, (rng.uniform(size=n) < p).astype(np.int64)


def test_a_blend_without_skill_is_calibrated_to_the_win_rate() -> None:
    rng = np.random.default_rng(4)
    spread = 0
    for _ in range(20):  # noise blends on 50 rows: an unchecked slope would spread the forecasts every time
        blend, y = rng.uniform(0.2, 0.8, size=50), (rng.uniform(size=50) < 0.4).astype(np.int64)
        out = fit_calibration(blend, y).apply(blend)
        if out.max() - out.min() > 1e-9:
            spread += 1
        else:
            assert out[0] == pytest.approx((y.sum() + 1) / (len(y) + 2))
    assert spread <= 2  # the 5% test lets about one in twenty through


def test_a_skilled_blend_keeps_its_slope_and_many_rows_take_isotonic() -> None:
    few_p, few_y = _skilled(200)
    few = fit_calibration(few_p, few_y)
    assert few.method == "sigmoid" and few.params[0] > 0.5
    many_p, many_y = _skilled(3000)
    many = fit_calibration(many_p, many_y)
    assert many.method == "isotonic"
    assert expected_calibration_error(many.apply(many_p), many_y) < 0.03
    assert Calibration.of(many.metadata()) == many and Calibration.of(few.metadata()) == few
    assert fit_calibration(many_p, many_y, "sigmoid").method == "sigmoid"
    assert abs(many.apply_one(0.5) - float(many.apply(np.array([0.5]))[0])) < 1e-12


def test_a_broken_isotonic_calibration_is_refused() -> None:
    with pytest.raises(MiaError, match="isotonic calibration points"):
        Calibration.of({"method": "isotonic", "x": [0.5, 0.2], "y": [0.1, 0.3]})
    with pytest.raises(MiaError, match="unknown calibration 'beta'"):
        Calibration.of({"method": "beta"})
    with pytest.raises(MiaError, match="calibration: 'beta' is not one of"):
        fit_calibration(*_skilled(100), method="beta")


def test_an_isotonic_model_predicts_the_same_one_row_at_a_time() -> None:
    x, y, start, end = learnable(n=400)
    model = quick_filter(training={"folds": 3, "embargo_hours": 2, "min_samples": 60, "rf_trees": 10,
                                   "xgb_trees": 10, "isotonic_min_rows": 50}).fit(x, y, start, end, "abcd")
    assert model.metadata["calibration"]["method"] == "isotonic"
    batch = model.predict(x[:40])
    one = np.array([model.ensemble.predict_one(row) for row in x[:40]])
    assert np.abs(batch - one).max() < 1e-5


def test_the_ece_target_cannot_be_judged_on_a_hundred_rows_and_is_met_on_many() -> None:
    p, y = _skilled(94)
    noise = ece_noise(p, y)
    assert noise.perfect_mean > 0.03 and noise.boot_p05 < expected_calibration_error(p, y) < noise.boot_p95
    assert calibration_verdict(expected_calibration_error(p, y), noise).startswith("cannot be judged")
    p, y = _skilled(20_000)
    said = calibration_verdict(expected_calibration_error(p, y), ece_noise(p, y, draws=100))
    assert said.startswith("target 0.03 met") and "within what sampling noise gives" in said
    biased = np.clip(p + 0.1, 0, 1)
    said = calibration_verdict(expected_calibration_error(biased, y), ece_noise(biased, y, draws=100))
    assert said.startswith("target 0.03 not met") and "miscalibrated" in said
