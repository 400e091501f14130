"""The model registry: safe formats, hashes checked before loading, clear refusals; wrong models refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from adapters.ml.registry import ModelRegistry
from mia_core.errors import MiaError

from .helpers import learnable, needs_ml, quick_filter

NAMES = ("a", "b", "c", "d")


@pytest.fixture
def saved(tmp_path: Path) -> tuple[ModelRegistry, object, np.ndarray]:
    needs_ml()
    x, y, start, end = learnable(n=200)
    model = quick_filter().fit(x, y, start, end, NAMES)
    registry = ModelRegistry(tmp_path / "models")
    registry.save("es", model.parts, model.metadata, deploy=True)
    return registry, model, x


def test_a_saved_model_loads_and_predicts_the_same(saved: tuple[ModelRegistry, object, np.ndarray]) -> None:
    registry, model, x = saved
    loaded = registry.load("es")
    assert sorted(p.name for p in (registry.directory / "es" / loaded.version).iterdir()) == [
        "lr.skops", "meta.json", "rf.skops", "xgb.json"]
    judge = quick_filter()
    judge.install(loaded)
    assert np.abs(judge.probabilities(x[:40]) - model.predict(x[:40])).max() < 1e-6  # type: ignore[attr-defined]


def test_a_changed_or_missing_file_is_refused_before_loading(saved: tuple[ModelRegistry, object, np.ndarray]) -> None:
    registry, _, _ = saved
    version = registry.deployed("es")
    folder = registry.directory / "es" / str(version)
    (folder / "xgb.json").write_text((folder / "xgb.json").read_text().replace("0", "1", 1))
    with pytest.raises(MiaError, match=f"model 'es' version {version}: .*xgb.json does not match its recorded SHA-256"):
        registry.load("es")
    (folder / "rf.skops").unlink()
    with pytest.raises(MiaError, match=r"rf\.skops is missing"):
        registry.load("es")
    meta = json.loads((folder / "meta.json").read_text())
    meta["instrument"] = "NQ"
    (folder / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(MiaError, match=r"meta.json does not match its recorded SHA-256"):
        registry.load("es")
    with pytest.raises(MiaError, match="no deployed model 'nq'"):
        registry.load("nq")


def test_a_file_with_types_that_are_not_allowed_is_refused(tmp_path: Path) -> None:
    needs_ml()
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    registry = ModelRegistry(tmp_path)
    (tmp_path / "x").mkdir()
    path = tmp_path / "x" / "lr.skops"
    sio.dump(FunctionTransformer(eval), path)
    from adapters.ml.registry import _read

    with pytest.raises(MiaError, match=r"holds types that are not allowed: builtins.eval"):
        _read(path, "lr", "model 'x'")
    sio.dump(FunctionTransformer(np.exp), path)  # harmless types, but not the part it claims to be
    with pytest.raises(MiaError, match=r"lr.skops holds a FunctionTransformer, expected a Pipeline"):
        _read(path, "lr", "model 'x'")
    assert registry.versions("x") == []


def test_a_model_for_another_instrument_or_bar_size_is_refused(saved: tuple[ModelRegistry, object, np.ndarray]
                                                               ) -> None:
    registry, _, _ = saved
    loaded = registry.load("es")
    with pytest.raises(MiaError, match="was trained on 'ES', this system trades 'NQ'"):
        quick_filter(instrument="NQ").install(loaded)
    with pytest.raises(MiaError, match="trained on 60-second bars, this filter is set for 300"):
        quick_filter(bar_seconds=300).install(loaded)
