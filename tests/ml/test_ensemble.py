"""The ensemble: learns out of sample, one-row path equals the libraries', weights configurable, bad input refused."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.ml.evaluate import suspected_leaks
from adapters.ml.metrics import auc, expected_calibration_error, scores
from mia_core.errors import MiaError
from mia_plugins.ml_filter.models import EnsembleWeights

from .helpers import QUICK, learnable, needs_ml, quick_filter


@pytest.fixture(autouse=True)
def _ml() -> None:
    needs_ml()


def test_out_of_fold_probabilities_rank_a_learnable_label_and_stay_calibrated() -> None:
    x, y, start, end = learnable(n=400)
    cv = quick_filter().cross_validate(x, y, start, end)
    tested = cv["fold"] >= 0
    assert tested.sum() >= 200 and np.isnan(cv["probability"][~tested]).all()
    p = cv["probability"][tested]
    assert auc(p, y[tested]) > 0.75
    assert expected_calibration_error(p, y[tested]) < 0.12
    assert scores(p, y[tested], 0.65).precision > y[tested].mean()


def test_the_one_row_path_agrees_with_the_libraries_and_weights_choose_the_models() -> None:
    x, y, start, end = learnable(n=200)
    model = quick_filter().fit(x, y, start, end, ("a", "b", "c", "d"))
    batch = model.predict(x[:50])
    one = np.array([model.ensemble.predict_one(row) for row in x[:50]])
    assert np.abs(batch - one).max() < 1e-5
    lr_only = quick_filter(training=attrs_evolve_weights(EnsembleWeights(lr=1.0, rf=0.0, xgb=0.0)))
    lr_model = lr_only.fit(x, y, start, end, ("a", "b", "c", "d"))
    assert lr_model.metadata["weights"] == [1.0, 0.0, 0.0]
    assert set(model.metadata) >= {"features", "schema_hash", "training_window", "libraries", "importance"}
    assert max(model.metadata["importance"], key=model.metadata["importance"].get) == "a"


def attrs_evolve_weights(weights: EnsembleWeights) -> object:
    import attrs

    return attrs.evolve(QUICK, weights=weights)


def test_too_few_samples_and_one_class_are_refused_by_name() -> None:
    x, y, start, end = learnable(n=40)
    with pytest.raises(MiaError, match="40 labelled samples, fewer than min_samples 60"):
        quick_filter().fit(x, y, start, end, ("a", "b", "c", "d"))
    x, y, start, end = learnable(n=100)
    with pytest.raises(MiaError, match=r"all 100 samples are losers \(one class only\)"):
        quick_filter().fit(x, np.zeros_like(y), start, end, ("a", "b", "c", "d"))


def test_a_planted_leak_is_exposed_by_the_validation() -> None:
    """A feature computed from the trade's own outcome (look-ahead) makes the out-of-sample figures implausible
    and is named as a suspected leak; the honest features are not."""
    x, y, start, end = learnable(n=300, seed=4)
    rng = np.random.default_rng(9)
    leak = y + rng.normal(0, 0.3, len(y))  # the label, known only after the trade closed
    leaky = np.column_stack([x, leak])
    names = ("a", "b", "c", "d", "future_outcome")
    honest = quick_filter().cross_validate(x, y, start, end)
    cheated = quick_filter().cross_validate(leaky, y, start, end)
    t = honest["fold"] >= 0
    assert auc(cheated["probability"][t], y[t]) > 0.95 > auc(honest["probability"][t], y[t])
    assert [name for name, _ in suspected_leaks(leaky[t], y[t], names)] == ["future_outcome"]
    assert suspected_leaks(x[t], y[t], names[:4]) == []
