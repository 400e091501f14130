"""The ensemble: logistic regression, random forest and XGBoost, blended by weight and calibrated out of fold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.errors import MiaError
from mia_core.validation import FRACTION, within
from mia_plugins.ml_filter.calibration import METHODS, Calibration, fit_calibration
from mia_plugins.ml_filter.compiled import BoosterForm, ForestForm, LinearForm
from mia_plugins.ml_filter.cv import purged_walk_forward

PARTS = ("lr", "rf", "xgb")
NEEDS = "the ML filter needs scikit-learn and xgboost: pip install 'mia-trading[ml]'"


@attrs.frozen
class EnsembleWeights:
    """Weights of the three models' probabilities (renormalised to sum 1)."""

    lr: float = attrs.field(default=0.30, validator=FRACTION)
    rf: float = attrs.field(default=0.35, validator=FRACTION)
    xgb: float = attrs.field(default=0.35, validator=FRACTION)

    def array(self) -> NDArray[np.float64]:
        """The weights in PARTS order, summing to 1."""
        w = np.array([self.lr, self.rf, self.xgb], dtype=float)
        if w.sum() <= 0:
            raise MiaError("ml_filter.weights: at least one of lr, rf, xgb must be positive")
        return np.asarray(w / w.sum(), dtype=float)


@attrs.frozen
class TrainSettings:
    """How the ensemble is fitted and validated (docs/ml.md#settings)."""

    weights: EnsembleWeights = attrs.Factory(EnsembleWeights)
    folds: int = attrs.field(default=5, validator=within(2, 50))
    embargo_hours: float = attrs.field(default=24.0, validator=within(0, 24 * 365))
    min_samples: int = attrs.field(default=200, validator=within(10, 10_000_000))
    rf_trees: int = attrs.field(default=100, validator=within(1, 5000))
    rf_depth: int = attrs.field(default=6, validator=within(1, 64))
    rf_min_leaf: int = attrs.field(default=10, validator=within(1, 100_000))
    xgb_trees: int = attrs.field(default=150, validator=within(1, 5000))
    xgb_depth: int = attrs.field(default=3, validator=within(1, 32))
    xgb_learning_rate: float = attrs.field(default=0.05, validator=within(0, 1, low_open=True))
    lr_c: float = attrs.field(default=0.5, validator=within(0, 1e6, low_open=True))
    seed: int = attrs.field(default=7, validator=within(0, 2**31 - 1))
    calibration: str = attrs.field(default="auto", validator=attrs.validators.in_(METHODS))
    isotonic_min_rows: int = attrs.field(default=1000, validator=within(10, 10_000_000))
    skill_p: float = attrs.field(default=0.05, validator=within(0, 1))

    @classmethod
    def of(cls, value: TrainSettings | Mapping[str, Any]) -> TrainSettings:
        """``value`` itself, or the settings a mapping gives (``weights`` as a mapping too)."""
        if isinstance(value, TrainSettings):
            return value
        fields = dict(value)
        if isinstance(fields.get("weights"), Mapping):
            fields["weights"] = EnsembleWeights(**fields["weights"])
        return cls(**fields)

    @property
    def embargo_ns(self) -> int:
        """The embargo in nanoseconds."""
        return round(self.embargo_hours * 3600 * 1_000_000_000)


def _base_models(settings: TrainSettings) -> dict[str, Any]:
    try:
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler
        from xgboost import XGBClassifier
    except ImportError as exc:
        raise MiaError(f"{NEEDS} ({exc})") from exc
    return {
        "lr": Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(C=settings.lr_c, max_iter=2000))]),
        "rf": RandomForestClassifier(n_estimators=settings.rf_trees, max_depth=settings.rf_depth,
                                     min_samples_leaf=settings.rf_min_leaf, random_state=settings.seed, n_jobs=1),
        "xgb": XGBClassifier(n_estimators=settings.xgb_trees, max_depth=settings.xgb_depth,
                             learning_rate=settings.xgb_learning_rate, subsample=0.8, colsample_bytree=0.8,
                             random_state=settings.seed, n_jobs=1, tree_method="hist", eval_metric="logloss"),
    }


def check_trainable(y: NDArray[np.int64], settings: TrainSettings, where: str) -> None:
    """Refuse too few samples or a single class, saying how many of each there are."""
    n, wins = len(y), int(np.sum(y == 1))
    if n < settings.min_samples:
        raise MiaError(f"{where}: {n} labelled samples, fewer than min_samples {settings.min_samples}; "
                       "use a longer history or lower min_samples")
    if wins == 0 or wins == n:
        only = "winners" if wins else "losers"
        raise MiaError(f"{where}: all {n} samples are {only} (one class only); nothing to learn")


def _fit_parts(x: NDArray[np.float64], y: NDArray[np.int64], settings: TrainSettings) -> dict[str, Any]:
    models = _base_models(settings)
    for model in models.values():
        model.fit(x, y)
    return models


def _part_probabilities(parts: Mapping[str, Any], x: NDArray[np.float64]) -> NDArray[np.float64]:
    out = np.empty((len(x), len(PARTS)))
    for j, key in enumerate(PARTS):
        model = parts[key]
        column = list(model.classes_).index(1)
        out[:, j] = model.predict_proba(x)[:, column]
    return out


def out_of_fold(x: NDArray[np.float64], y: NDArray[np.int64], start_ns: NDArray[np.int64],
                end_ns: NDArray[np.int64], settings: TrainSettings) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Each base model's out-of-fold probabilities (NaN where a row is never tested) and each row's fold (-1: none)."""
    oof = np.full((len(y), len(PARTS)), np.nan)
    fold_of = np.full(len(y), -1, dtype=np.int64)
    for k, (train, test) in enumerate(purged_walk_forward(start_ns, end_ns, settings.folds, settings.embargo_ns)):
        if len(np.unique(y[train])) < 2:
            continue
        oof[test] = _part_probabilities(_fit_parts(x[train], y[train], settings), x[test])
        fold_of[test] = k
    return oof, fold_of


class Ensemble:
    """Three fitted models, their weights and the calibration of their blend; one row or many at a time."""

    def __init__(self, parts: Mapping[str, Any], weights: NDArray[np.float64], calibration: Calibration,
                 names: Sequence[str]) -> None:
        missing = [p for p in PARTS if p not in parts]
        if missing:
            raise MiaError(f"ml_filter: the model has no part {', '.join(missing)} (needs {', '.join(PARTS)})")
        self.parts = dict(parts)
        self.weights = np.asarray(weights, dtype=float)
        self.calibration = calibration
        self.names = tuple(names)
        self._lr, self._rf, self._xgb = LinearForm(parts["lr"]), ForestForm(parts["rf"]), BoosterForm(parts["xgb"])

    def calibrate(self, blend: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated probabilities of blended ones."""
        return self.calibration.apply(blend)

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated probabilities that each row's trade makes money."""
        return self.calibrate(_part_probabilities(self.parts, x) @ self.weights)

    def predict_one(self, x: NDArray[np.float64]) -> float:
        """The same for one row, on the compiled forms (the filter's path: well under a millisecond)."""
        w, row = self.weights, x.tolist()
        blend = w[0] * self._lr.probability(x) + w[1] * self._rf.probability(row) + w[2] * self._xgb.probability(x)
        return self.calibration.apply_one(blend)


def fit_ensemble(x: NDArray[np.float64], y: NDArray[np.int64], start_ns: NDArray[np.int64],
                 end_ns: NDArray[np.int64], names: Sequence[str], settings: TrainSettings) -> tuple[Ensemble, int]:
    """The ensemble fitted on every row, calibrated on its out-of-fold blend; and how many rows calibrated it."""
    check_trainable(y, settings, "ml_filter training")
    weights = settings.weights.array()
    oof, _ = out_of_fold(x, y, start_ns, end_ns, settings)
    tested = ~np.isnan(oof).any(axis=1)
    if tested.sum() < 10:
        raise MiaError(f"ml_filter training: only {int(tested.sum())} out-of-fold rows to calibrate on; "
                       "use more samples or fewer folds")
    calibration = fit_calibration(oof[tested] @ weights, y[tested], settings.calibration,
                                  settings.isotonic_min_rows, settings.skill_p)
    return Ensemble(_fit_parts(x, y, settings), weights, calibration, names), int(tested.sum())
