"""Training-side work of the filter: label the recorded rows, make the matrix, validate out of sample, fit."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.errors import MiaError
from mia_plugins.ml_filter.cv import purged_walk_forward
from mia_plugins.ml_filter.labels import triple_barrier
from mia_plugins.ml_filter.lifecycle import TrainedModel, feature_importance, library_versions, schema_hash
from mia_plugins.ml_filter.models import TrainSettings, check_trainable, fit_ensemble
from ports.meta_label import DecisionRow


def label_rows(rows: Sequence[DecisionRow], bars: Mapping[str, NDArray[Any]], max_hold: int, cost_points: float
               ) -> dict[str, NDArray[Any]]:
    """Triple-barrier label, net points and label span of each row; a row is entered on the bar after its own."""
    ts = np.asarray(bars["ts"], dtype=np.int64)
    opens, highs, lows, closes = (np.asarray(bars[k], dtype=float) for k in ("open", "high", "low", "close"))
    n = len(rows)
    label, pnl = np.zeros(n, dtype=np.int64), np.full(n, np.nan)
    start, end, valid = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    for i, row in enumerate(rows):
        entry = int(np.searchsorted(ts, row.ts, side="right"))
        outcome = triple_barrier(entry, row.direction, row.stop, row.target, max_hold, opens, highs, lows, closes,
                                 cost_points)
        start[i] = row.ts
        if outcome is None or not math.isfinite(outcome[0]):
            continue
        pnl[i], end[i], valid[i] = outcome[0], ts[outcome[1]], True
        label[i] = int(outcome[0] > 0)
    return {"label": label, "pnl_points": pnl, "start_ns": start, "end_ns": end, "valid": valid}


def matrix(rows: Sequence[DecisionRow], names: Sequence[str] | None = None
           ) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    """Rows × features; by default the features present and finite in every row, sorted by name."""
    if names is None:
        if not rows:
            raise MiaError("ml_filter: no decision rows (did the strategy make any signal?)")
        common = set(rows[0].values)
        for row in rows[1:]:
            common &= set(row.values)
        names = sorted(n for n in common if all(math.isfinite(r.values[n]) for r in rows))
        if not names:
            raise MiaError("ml_filter: no feature is present and finite in every decision row")
    x = np.empty((len(rows), len(names)))
    for i, row in enumerate(rows):
        for j, name in enumerate(names):
            x[i, j] = row.values.get(name, math.nan)
    return x, tuple(names)


def cross_validate(x: NDArray[np.float64], y: NDArray[np.int64], start_ns: NDArray[np.int64],
                   end_ns: NDArray[np.int64], settings: TrainSettings, names: Sequence[str] = (),
                   instrument: str = "", bar_seconds: int = 0) -> dict[str, Any]:
    """Out-of-fold calibrated probabilities (NaN for rows never tested), each row's fold (-1: none), fold models.

    Each fold fits the whole ensemble, its own calibration included, on rows whose
    labels ended before the fold (purge) minus the embargo: nothing of the test period reaches the model.
    ``models`` maps each tested fold to its :class:`TrainedModel` (features ``names``), so a
    backtest of the fold's period can run the filter with the model that judged its rows.
    """
    check_trainable(y, settings, "ml_filter validation")
    p = np.full(len(y), np.nan)
    fold_of = np.full(len(y), -1, dtype=np.int64)
    models: dict[int, TrainedModel] = {}
    names = tuple(names) if names else tuple(f"x{j}" for j in range(x.shape[1]))
    inner = attrs.evolve(settings, min_samples=10)
    for k, (train, test) in enumerate(purged_walk_forward(start_ns, end_ns, settings.folds, settings.embargo_ns,
                                                          min_train=max(30, settings.folds * 6))):
        if len(np.unique(y[train])) < 2:
            continue
        try:
            model = fit(x[train], y[train], start_ns[train], end_ns[train], names, inner, instrument, bar_seconds)
        except MiaError:
            continue  # too few out-of-fold rows in an early fold to calibrate: left untested
        p[test] = model.predict(x[test])
        fold_of[test] = k
        models[k] = model
    if not (fold_of >= 0).any():
        raise MiaError(f"ml_filter validation: no fold could be fitted on {len(y)} samples; use more samples")
    return {"probability": p, "fold": fold_of, "models": models}


def fit(x: NDArray[np.float64], y: NDArray[np.int64], start_ns: NDArray[np.int64], end_ns: NDArray[np.int64],
        names: Sequence[str], settings: TrainSettings, instrument: str, bar_seconds: int) -> TrainedModel:
    """The deployed form: fitted on every row, calibrated out of fold, with what the registry records about it."""
    ensemble, calibrated_on = fit_ensemble(x, y, start_ns, end_ns, names, settings)
    metadata: dict[str, Any] = {
        "features": list(names),
        "schema_hash": schema_hash(names),
        "instrument": instrument,
        "bar_seconds": bar_seconds,
        "training_window": [int(start_ns.min()), int(end_ns.max())],
        "samples": len(y),
        "win_rate": float(y.mean()),
        "calibrated_on": calibrated_on,
        "weights": ensemble.weights.tolist(),
        "calibration": ensemble.calibration.metadata(),
        "libraries": library_versions(),
        "importance": feature_importance(ensemble),
    }
    return TrainedModel(ensemble, metadata)
