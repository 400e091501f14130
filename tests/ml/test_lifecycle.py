"""Retraining deploys a model only when it validates better; PSI drift per feature; journals feed datasets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adapters.journal.jsonl import JsonLinesJournal
from adapters.ml.dataset import Dataset, rows_from_journal
from adapters.ml.lifecycle import RetrainSettings, drift, retrain, split_validation
from adapters.ml.metrics import psi
from adapters.ml.registry import ModelRegistry
from mia_core import trusted
from mia_core.errors import MiaError
from mia_core.journal import record_event
from mia_core.signals import Direction, Signal

from .helpers import learnable, needs_ml, quick_filter

NAMES = ("a", "b", "c", "d")


def _dataset(noisy_training: bool = False, n: int = 300) -> Dataset:
    x, y, start, end = learnable(n=n, seed=3)
    if noisy_training:  # the older 80% learn nothing; the newest 20% (the validation) keep their true labels
        y = y.copy()
        y[: int(n * 0.8)] = np.random.default_rng(0).permutation(y[: int(n * 0.8)])
    pnl = np.where(y == 1, 2.0, -1.0)
    return Dataset(quick_filter(), [], x, NAMES, y, pnl, start, end, "ES", 50.0, 0.59, 20)


def test_validation_is_the_newest_share_and_purged() -> None:
    start = np.arange(10, dtype=np.int64) * 10
    train, valid = split_validation(start, start + 15, 0.2)
    assert valid.tolist() == [8, 9] and train.tolist() == list(range(7))


def test_a_retrained_model_is_deployed_only_when_it_validates_better(tmp_path: Path) -> None:
    needs_ml()
    registry = ModelRegistry(tmp_path)
    settings = RetrainSettings(min_samples=100)
    first = retrain(_dataset(), registry, "es", settings)
    assert first.deployed and registry.deployed("es") == first.version
    worse = retrain(_dataset(noisy_training=True), registry, "es", settings)
    assert not worse.deployed and worse.brier_old is not None and worse.brier_new >= worse.brier_old
    assert "kept the deployed model" in worse.reason
    assert registry.deployed("es") == first.version and len(registry.versions("es")) == 2
    with pytest.raises(MiaError, match="100 labelled samples, fewer than the minimum 1000"):
        retrain(_dataset(n=100), registry, "es", RetrainSettings())


def test_psi_per_feature_flags_a_shifted_feature(tmp_path: Path) -> None:
    needs_ml()
    registry = ModelRegistry(tmp_path)
    retrain(_dataset(), registry, "es", RetrainSettings(min_samples=100))
    meta = registry.metadata("es")
    x, _, _, _ = learnable(n=300, seed=8)
    same = drift(meta, x, NAMES)
    assert max(same.values()) < 0.1
    x[:, 2] += 1.5
    moved = drift(meta, x, NAMES)
    assert moved["c"] > 0.25 and moved["a"] < 0.1
    with pytest.raises(MiaError, match="feature 'd' of the model is not in the recent rows"):
        drift(meta, x[:, :3], NAMES[:3])
    assert psi(np.array([0.5, 0.5]), np.array([0.5, 0.5])) == 0.0


def test_decision_rows_come_back_from_a_jsonl_journal(tmp_path: Path) -> None:
    journal = JsonLinesJournal(tmp_path / "journal.jsonl")
    components = {"ml.signal.direction": -1.0, "ml.signal.confluence": 0.2, "ml.feature.x": 3.0, "other": 1.0}
    refused = Signal(ts=5, source="s", direction=Direction.SHORT, components=components, stop_loss=101.0,
                     take_profit=95.0).neutralised("ml_filter: below")
    journal.record(record_event("signal", trusted.signal_generated(refused)))
    (row,) = rows_from_journal(journal.entries("signal"))
    assert (row.ts, row.direction, row.stop, row.target) == (5, -1, 101.0, 95.0)
    assert row.values == {"signal.direction": -1.0, "signal.confluence": 0.2, "feature.x": 3.0}
