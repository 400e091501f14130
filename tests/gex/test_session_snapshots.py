"""``options_snapshots:`` runs the snapshot scheduler inside a paper session (``mia run``)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from rich.console import Console

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.errors import ConfigError
from adapters.bootstrap.plugins import discover
from adapters.live.session import run_session
from adapters.options.store import SnapshotStore


def _plan(tmp_path: Path, snapshots: dict[str, object]):  # type: ignore[no-untyped-def]
    data = {
        "mode": "paper",
        "data_feed": {"use": "synthetic", "bars": 2_000, "seed": 3},
        "broker": {"use": "simulated"},
        "strategy": {"use": "sma_cross", "fast": 5, "slow": 20},
        "analyzers": [{"use": "dealers_bias", "snapshot_dir": str(tmp_path / "chains")}],
        "options_snapshots": snapshots,
    }
    return plan_system(data, discover(), source="test.yaml")


def test_a_paper_session_stores_snapshots_where_the_analyzer_reads_them(tmp_path: Path) -> None:
    chains = tmp_path / "chains"
    settings = {"enabled": True, "directory": str(chains), "interval_seconds": 0.2, "underlyings": ["SPX"]}
    # 600x market time: a one-minute bar every 0.1 s, 12 bars is about 1.2 s of session.
    shell = asyncio.run(run_session(_plan(tmp_path, settings), 600.0, Console(file=io.StringIO()), 12))
    assert shell.events_seen == 12
    stored = sorted(chains.glob("SPX_*.json"))
    assert len(stored) >= 2
    store = SnapshotStore(chains)
    latest = store.latest_before("SPX", 2**62)
    assert latest is not None and latest.underlying == "SPX" and len(latest.quotes) > 100


def test_no_snapshots_unless_enabled(tmp_path: Path) -> None:
    asyncio.run(run_session(_plan(tmp_path, {"directory": str(tmp_path / "chains")}), 0.0,
                            Console(file=io.StringIO()), 5))
    assert not (tmp_path / "chains").exists() or not list((tmp_path / "chains").glob("*.json"))


def test_a_directory_source_needs_its_inbox(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _plan(tmp_path, {"enabled": True, "source": "directory"})
    assert "options_snapshots.inbox" in str(caught.value)
