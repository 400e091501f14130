"""Retraining and drift: fit on the older 80%, judge on the newest 20%, deploy only when better; PSI per feature."""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from adapters.ml.dataset import Dataset
from adapters.ml.metrics import Scores, bin_shares, psi, scores
from adapters.ml.registry import ModelRegistry
from mia_core.errors import MiaError

#: PSI above this is a significant shift (the usual reading: < 0.1 none, 0.1-0.25 moderate, > 0.25 significant).
PSI_ALERT = 0.25


@attrs.frozen
class RetrainSettings:
    """The scheduled retraining (mission section 5): every 24 h, at least 1,000 samples, 20% validation."""

    every_hours: float = attrs.field(default=24.0, validator=attrs.validators.gt(0))
    min_samples: int = attrs.field(default=1000, validator=attrs.validators.ge(10))
    validation: float = attrs.field(default=0.2, validator=[attrs.validators.gt(0), attrs.validators.lt(1)])


@attrs.frozen
class RetrainOutcome:
    """What one retraining did: the new version, its validation Brier, the deployed one's, and whether it deployed."""

    version: str
    samples: int
    validation_rows: int
    brier_new: float
    brier_old: float | None
    deployed: bool
    reason: str
    validation_scores: Scores


def split_validation(start_ns: NDArray[np.int64], end_ns: NDArray[np.int64], share: float
                     ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(train, validation): the newest ``share`` of rows validate; training rows' labels end before they start."""
    n = len(start_ns)
    first = math.floor(n * (1 - share))
    validation = np.arange(first, n)
    train = np.flatnonzero((np.arange(n) < first) & (end_ns < start_ns[first]))
    return train, validation


def distributions(x: NDArray[np.float64], names: tuple[str, ...], bins: int = 10) -> dict[str, dict[str, list[float]]]:
    """Per feature, decile edges of the training rows and the share of rows in each bin (for PSI later)."""
    out = {}
    for j, name in enumerate(names):
        edges = np.unique(np.quantile(x[:, j], np.linspace(0, 1, bins + 1)[1:-1]))
        out[name] = {"edges": edges.tolist(), "shares": bin_shares(x[:, j], edges).tolist()}
    return out


def drift(metadata: dict[str, Any], x: NDArray[np.float64], names: tuple[str, ...]) -> dict[str, float]:
    """PSI of each model feature between its training rows and ``x`` (recent rows over ``names``)."""
    reference = metadata.get("distributions") or {}
    out = {}
    for name, ref in reference.items():
        if name not in names:
            raise MiaError(f"drift: feature {name!r} of the model is not in the recent rows")
        values = x[:, names.index(name)]
        out[name] = psi(np.asarray(ref["shares"]), bin_shares(values, np.asarray(ref["edges"])))
    return out


def retrain(data: Dataset, registry: ModelRegistry, name: str, settings: RetrainSettings,
            threshold: float = 0.65) -> RetrainOutcome:
    """Fit a candidate on the older rows, compare with the deployed model on the newest rows, deploy if better."""
    n = len(data.y)
    if n < settings.min_samples:
        raise MiaError(f"retraining {name!r}: {n} labelled samples, fewer than the minimum {settings.min_samples}")
    train, valid = split_validation(data.start_ns, data.end_ns, settings.validation)
    candidate = data.learner.fit(data.x[train], data.y[train], data.start_ns[train], data.end_ns[train], data.names)
    figures = scores(candidate.predict(data.x[valid]), data.y[valid], threshold)
    brier_new = figures.brier
    brier_old = None
    current = registry.deployed(name)
    if current is not None:
        old = registry.load(name)
        try:
            data.learner.install(old)
            old_names = list(old.metadata["features"])
            columns = [data.names.index(f) for f in old_names]
        except (MiaError, ValueError) as exc:
            brier_old = None
            reason = f"the deployed model cannot judge these rows ({exc}); replaced"
        else:
            brier_old = scores(data.learner.probabilities(data.x[valid][:, columns]), data.y[valid], 0.5).brier
            reason = ""
    better = brier_old is None or brier_new < brier_old
    if brier_old is not None:
        reason = (f"validation Brier {brier_new:.4f} vs deployed {brier_old:.4f}: "
                  + ("deployed" if better else "kept the deployed model"))
    elif current is None:
        reason = "no deployed model: deployed"
    metadata = dict(candidate.metadata)
    metadata["validation"] = {**attrs.asdict(figures), "deployed_brier": brier_old}
    metadata["distributions"] = distributions(data.x[train], data.names)
    version = registry.save(name, candidate.parts, metadata, deploy=better)
    return RetrainOutcome(version, n, len(valid), brier_new, brier_old, better, reason, figures)
