"""The model registry on disk: files that run no code when loaded, checked by hash, one deployed version per name.

Layout: ``<dir>/<name>/<version>/`` holds ``lr.skops`` and ``rf.skops`` (scikit-learn
through skops, only allowed types loaded), ``xgb.json`` (XGBoost's own JSON) and
``meta.json`` (features, schema hash, training window, metrics, library versions, each
file's SHA-256); ``<dir>/<name>/registry.json`` names the deployed version and keeps the
SHA-256 of each version's ``meta.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mia_core.errors import MiaError
from ports.meta_label import StoredModel

FILES = {"lr": "lr.skops", "rf": "rf.skops", "xgb": "xgb.json"}
EXPECTED = {"lr": "Pipeline", "rf": "RandomForestClassifier"}
#: The only types a scikit-learn file may hold (checked with skops before loading).
ALLOWED_TYPES = frozenset({
    "sklearn.pipeline.Pipeline", "sklearn.preprocessing._data.StandardScaler",
    "sklearn.linear_model._logistic.LogisticRegression", "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.tree._classes.DecisionTreeClassifier", "sklearn.tree._tree.Tree", "numpy.dtype", "numpy.ndarray",
    "numpy.float64", "numpy.int64", "numpy.intp", "builtins.slice", "numpy.random._mt19937.MT19937",
    "numpy.random.mtrand.RandomState", "numpy.random._pickle.__randomstate_ctor",
    "numpy.random._pickle.__bit_generator_ctor", "builtins.int", "builtins.float", "builtins.str",
})


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
    os.replace(tmp, path)


class ModelRegistry:
    """Models saved under ``directory`` (the ``ModelStore`` port, plus saving and deploying for the commands)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _index(self, name: str) -> dict[str, Any]:
        path = self.directory / name / "registry.json"
        if not path.exists():
            return {"deployed": None, "versions": {}}
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError) as exc:
            raise MiaError(f"model registry {path}: cannot be read ({exc})") from exc

    def versions(self, name: str) -> list[str]:
        """Saved versions of ``name``, oldest first."""
        return sorted(self._index(name)["versions"])

    def deployed(self, name: str) -> str | None:
        """The deployed version of ``name`` (``None`` before any deployment)."""
        value = self._index(name)["deployed"]
        return str(value) if value else None

    def save(self, name: str, parts: Mapping[str, Any], metadata: Mapping[str, Any], *, deploy: bool) -> str:
        """Write a new version of ``name`` (deployed at once when ``deploy``); return its version id."""
        import skops.io as sio

        version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder = self.directory / name / version
        folder.mkdir(parents=True, exist_ok=False)
        sio.dump(parts["lr"], folder / FILES["lr"])
        sio.dump(parts["rf"], folder / FILES["rf"])
        parts["xgb"].save_model(str(folder / FILES["xgb"]))
        meta = dict(metadata)
        meta["files"] = {part: {"file": file, "sha256": sha256(folder / file)} for part, file in FILES.items()}
        meta["version"] = version
        _write_json(folder / "meta.json", meta)
        index = self._index(name)
        index["versions"][version] = {"meta_sha256": sha256(folder / "meta.json")}
        if deploy:
            index["deployed"] = version
        _write_json(self.directory / name / "registry.json", index)
        return version

    def deploy(self, name: str, version: str) -> None:
        """Make ``version`` the one ``load`` returns."""
        index = self._index(name)
        if version not in index["versions"]:
            raise MiaError(f"model registry {self.directory / name}: no version {version!r} "
                           f"(saved: {', '.join(sorted(index['versions'])) or 'none'})")
        index["deployed"] = version
        _write_json(self.directory / name / "registry.json", index)

    def metadata(self, name: str, version: str | None = None) -> dict[str, Any]:
        """``meta.json`` of a version (the deployed one by default), checked against the index's hash."""
        index = self._index(name)
        version = version or index["deployed"]
        if not version:
            raise MiaError(f"model registry {self.directory}: no deployed model {name!r} "
                           f"(train one with `mia ml train`)")
        path = self.directory / name / version / "meta.json"
        if version not in index["versions"] or not path.exists():
            raise MiaError(f"model {name!r} version {version}: {path} is missing")
        if sha256(path) != index["versions"][version]["meta_sha256"]:
            raise MiaError(f"model {name!r} version {version}: {path} does not match its recorded SHA-256; "
                           "the file was changed after saving")
        return dict(json.loads(path.read_text()))

    def load(self, name: str, version: str | None = None) -> StoredModel:
        """The deployed (or given) version, every file's hash checked before it is read."""
        meta = self.metadata(name, version)
        version = str(meta["version"])
        folder = self.directory / name / version
        parts = {}
        for part, entry in meta["files"].items():
            path = folder / entry["file"]
            if not path.exists():
                raise MiaError(f"model {name!r} version {version}: file {path} is missing")
            if sha256(path) != entry["sha256"]:
                raise MiaError(f"model {name!r} version {version}: {path} does not match its recorded SHA-256; "
                               "refusing to load it")
            parts[part] = _read(path, part, f"model {name!r} version {version}")
        return StoredModel(name, version, meta, parts)


def _read(path: Path, part: str, where: str) -> Any:
    if part == "xgb":
        from xgboost import XGBClassifier

        model = XGBClassifier()
        model.load_model(str(path))
        return model
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    refused = sorted(set(untrusted) - ALLOWED_TYPES)
    if refused:
        raise MiaError(f"{where}: {path} holds types that are not allowed: {', '.join(refused)}")
    model = sio.load(path, trusted=list(untrusted))
    expected = EXPECTED[part]
    if type(model).__name__ != expected:
        raise MiaError(f"{where}: {path} holds a {type(model).__name__}, expected a {expected}")
    return model
