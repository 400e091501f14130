"""Sweep fixtures: the default system, a tiny grid on a short window, local Dask clusters of 1 and 2 workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap.cli_shared import default_config, host_for
from adapters.bootstrap.plugins import PluginHost
from adapters.research.sweep.engine import dask_client

GRID = """\
strategy.stop_atr: [1.5, 2.5]
techniques[vwap_trend].window: {low: 10, high: 30, step: 10}
windows:
  - {start: 2018-01-01, end: 2018-12-31}
"""


@pytest.fixture(scope="session")
def system() -> Path:
    return default_config()


@pytest.fixture(scope="session")
def host(system: Path) -> PluginHost:
    return host_for(system)


@pytest.fixture
def grid(tmp_path: Path) -> Path:
    path = tmp_path / "grid.yaml"
    path.write_text(GRID)
    return path


@pytest.fixture(scope="session")
def one_worker() -> Iterator[object]:
    with dask_client(None, 1) as client:
        yield client


@pytest.fixture(scope="session")
def two_workers() -> Iterator[object]:
    with dask_client(None, 2) as client:
        yield client
