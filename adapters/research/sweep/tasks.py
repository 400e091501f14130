"""What a worker receives: the system as read (data), the overrides, a data reference (path + hash), a window."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from adapters.replay.bundled import DATASETS
from adapters.research.sweep.space import SweepError

BUNDLED_INSTRUMENTS = {"sp500": "ES", "nasdaq": "NQ"}
CODE_PACKAGES = ("mia_core", "ports", "adapters", "mia_plugins")


@attrs.frozen
class DataRef:
    """A dataset by reference: a bundled name or a file path, and the SHA-256 of its bytes."""

    name: str
    path: str
    sha256: str
    bundled: bool


@attrs.frozen
class Window:
    """Inclusive CME trading days (``None``: from the first bar / to the last)."""

    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def label(self) -> str:
        return f"{self.start or 'first'}..{self.end or 'last'}"


@attrs.frozen
class RunTask:
    """One backtest: never a built engine, only what rebuilds it on the worker."""

    index: int
    system: Mapping[str, Any]
    overrides: Mapping[str, Any]
    data: DataRef
    window: Window
    seed: int
    code_version: str

    @property
    def key(self) -> str:
        """The cache key: configuration, overrides, data hash, window and code version."""
        blob = json.dumps([dict(self.system), dict(self.overrides), self.data.sha256, self.data.bundled,
                           self.data.name if self.data.bundled else "", str(self.window.start),
                           str(self.window.end), self.code_version], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:32]


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bundled_path(name: str) -> str:
    return str(resources.files("adapters.replay").joinpath("data", DATASETS[name]))


def data_ref(name: str, base: Path) -> DataRef:
    """``name`` is a bundled dataset (sp500, nasdaq) or a bar file (relative to ``base``)."""
    if name in DATASETS:
        path = bundled_path(name)
        return DataRef(name, path, file_sha256(path), True)
    path = Path(name) if Path(name).is_absolute() else base / name
    if not path.is_file():
        raise SweepError(f"dataset {name!r}: no bundled dataset of that name ({', '.join(DATASETS)}) "
                         f"and no file at {path}")
    return DataRef(name, str(path.resolve()), file_sha256(path), False)


@functools.cache
def code_version() -> str:
    """SHA-256 (16 hex digits) over MIA's installed modules: a run is cached for this code only."""
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        root = Path(str(resources.files(package)))
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".so", ".pyd") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
