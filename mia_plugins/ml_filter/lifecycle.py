"""What a model carries through the registry: metadata, schema hash, library versions; checks on loading."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from mia_core.errors import MiaError
from mia_plugins.ml_filter.calibration import Calibration
from mia_plugins.ml_filter.models import PARTS, Ensemble
from ports.meta_label import StoredModel


@attrs.frozen
class TrainedModel:
    """A fitted ensemble and its metadata (features, schema hash, window, samples, versions, importance)."""

    ensemble: Ensemble
    metadata: Mapping[str, Any]

    @property
    def parts(self) -> Mapping[str, Any]:
        """The estimators by part name (``lr``, ``rf``, ``xgb``) for the registry to save."""
        return self.ensemble.parts

    def predict(self, x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Calibrated probabilities of rows ``x``."""
        return self.ensemble.predict(x)


def schema_hash(names: Sequence[str]) -> str:
    """SHA-256 of the feature names in order: two models agree on their inputs when their hashes agree."""
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of the libraries that fitted the model (numpy, scikit-learn, xgboost)."""
    import sklearn
    import xgboost

    return {"numpy": np.__version__, "scikit-learn": sklearn.__version__, "xgboost": xgboost.__version__}


def feature_importance(ensemble: Ensemble) -> dict[str, float]:
    """Each feature's share of importance, averaged over the three models (forest impurity, boosting gain, |LR|)."""
    lr = ensemble.parts["lr"].steps[-1][1]
    shares = [np.abs(lr.coef_[0]), ensemble.parts["rf"].feature_importances_,
              ensemble.parts["xgb"].feature_importances_]
    total = np.zeros(len(ensemble.names))
    for share, weight in zip(shares, ensemble.weights, strict=True):
        s = np.asarray(share, dtype=float)
        total += weight * (s / s.sum() if s.sum() > 0 else s)
    return {name: float(v) for name, v in zip(ensemble.names, total, strict=True)}


def check_model(model: StoredModel, instrument: str, bar_seconds: int, where: str) -> None:
    """Refuse a model fitted for another instrument or bar size, or whose feature list does not match its hash."""
    meta = model.metadata
    label = f"{where}: model {model.name!r} version {model.version}"
    names = list(meta.get("features", []))
    if not names or meta.get("schema_hash") != schema_hash(names):
        raise MiaError(f"{label}: its feature schema does not match the recorded schema hash; retrain it")
    if meta.get("instrument") != instrument:
        raise MiaError(f"{label} was trained on {meta.get('instrument')!r}, this system trades {instrument!r}")
    if int(meta.get("bar_seconds", -1)) != bar_seconds:
        raise MiaError(f"{label} was trained on {meta.get('bar_seconds')}-second bars, this filter is set for "
                       f"{bar_seconds} (ml_filter.bar_seconds)")


def ensemble_of(model: StoredModel) -> Ensemble:
    """The ensemble of a loaded model (parts from its files, weights and calibration from its metadata)."""
    meta = model.metadata
    missing = [p for p in PARTS if p not in model.parts]
    if missing:
        raise MiaError(f"model {model.name!r} version {model.version}: no file for part(s) {', '.join(missing)}")
    calibration = Calibration.of(meta["calibration"])
    return Ensemble(model.parts, np.asarray(meta["weights"], dtype=float), calibration, list(meta["features"]))
