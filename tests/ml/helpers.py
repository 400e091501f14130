"""Small synthetic datasets and quick ensemble settings for the ML tests (training in seconds)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from numpy.typing import NDArray

from mia_plugins.ml_filter.filter import MlFilter, MlFilterConfig
from mia_plugins.ml_filter.models import TrainSettings

HOUR = 3_600_000_000_000
QUICK = TrainSettings(folds=3, embargo_hours=2, min_samples=60, rf_trees=15, rf_depth=4, xgb_trees=15)


def needs_ml() -> None:
    """Skip when scikit-learn, xgboost or skops is absent, unless CI is set (then fail: tox installs the ml extra)."""
    try:
        import sklearn  # noqa: F401
        import skops  # noqa: F401
        import xgboost  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the ml extra is missing ({exc}); tox installs mia-trading[ml]")
        pytest.skip(f"the ml extra is not installed ({exc})")


def learnable(n: int = 300, seed: int = 1, features: int = 4
              ) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Rows an hour apart, labels spanning 5 hours, the label driven by feature 0 (logistic) and noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    p = 1 / (1 + np.exp(-2.0 * x[:, 0]))
    y = (rng.uniform(size=n) < p).astype(np.int64)
    start = np.arange(n, dtype=np.int64) * HOUR
    return x, y, start, start + 5 * HOUR


def quick_filter(instrument: str = "ES", bar_seconds: int = 60, **config: object) -> MlFilter:
    """A filter with the quick training settings (no store: models are installed by the test)."""
    config.setdefault("training", QUICK)
    return MlFilter(MlFilterConfig(bar_seconds=bar_seconds, **config), None, instrument)  # type: ignore[arg-type]
