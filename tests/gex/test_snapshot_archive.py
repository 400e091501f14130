"""Stored snapshots reach the plugin through the SnapshotArchive port: the store's adapter and the analyzer's use."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from adapters.bootstrap.standalone import StandaloneBuildContext
from adapters.options.archive import StoredSnapshots
from adapters.options.store import SnapshotStore
from adapters.options.synthetic import synthetic_chain
from mia_core.errors import MiaError
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.options import OptionsChainSnapshot
from mia_plugins.dealers_bias.analyzer import DealersBiasAnalyzer, DealersBiasConfig
from mia_plugins.dealers_bias.plugin import mia_register_analyzers
from ports.snapshot_archive import SnapshotArchive

from .chains import TS

MINUTE = 60 * 1_000_000_000


def bar(ts: int) -> Bar:
    return Bar(ES, ts, 5010.0, 5011.0, 5009.0, 5010.0, 100.0)


class MemoryArchive:
    """A SnapshotArchive held in memory that counts what is asked of it."""

    def __init__(self, snapshots: list[OptionsChainSnapshot]) -> None:
        self.snapshots = {(s.underlying, s.ts): s for s in snapshots}
        self.loads: list[int] = []
        self.asked: list[tuple[str, int]] = []

    def latest_before(self, underlying: str, ts: int) -> int | None:
        self.asked.append((underlying, ts))
        earlier = [t for u, t in self.snapshots if u == underlying.upper() and t < ts]
        return max(earlier, default=None)

    def load(self, underlying: str, ts: int) -> OptionsChainSnapshot:
        self.loads.append(ts)
        return self.snapshots[(underlying.upper(), ts)]


def test_the_store_directory_is_an_archive_that_finds_only_earlier_snapshots(tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    archive = StoredSnapshots(directory)
    assert isinstance(archive, SnapshotArchive)
    assert archive.latest_before("SPX", TS) is None  # the directory does not exist yet
    store = SnapshotStore(directory)
    first = synthetic_chain(TS, expiries=2, strikes_per_expiry=8)
    store.write(first)
    store.write(synthetic_chain(TS + MINUTE, expiries=2, strikes_per_expiry=8))
    assert archive.latest_before("SPX", TS) is None  # stamped at the moment asked: not before it
    assert archive.latest_before("spx", TS + 1) == TS
    assert archive.latest_before("SPX", TS + 2 * MINUTE) == TS + MINUTE
    assert archive.latest_before("NDX", TS + 2 * MINUTE) is None
    assert archive.load("spx", TS) == first


def test_a_snapshot_stored_later_is_found_once_the_directory_changed(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    store.write(synthetic_chain(TS, expiries=2, strikes_per_expiry=8))
    archive = StoredSnapshots(tmp_path)
    assert archive.latest_before("SPX", TS + 10 * MINUTE) == TS
    store.write(synthetic_chain(TS + MINUTE, expiries=2, strikes_per_expiry=8))
    stat = tmp_path.stat()
    os.utime(tmp_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # however coarse the file system clock
    assert archive.latest_before("SPX", TS + 10 * MINUTE) == TS + MINUTE


def test_a_broken_or_missing_file_is_a_mia_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "SPX_20250106T185000_000000000Z.json").write_text("{not json")
    archive = StoredSnapshots(tmp_path)
    found = archive.latest_before("SPX", TS)
    assert found is not None
    with pytest.raises(MiaError, match=re.escape("SPX_20250106T185000_000000000Z.json: not a valid snapshot document")):
        archive.load("SPX", found)
    with pytest.raises(MiaError, match=re.escape("SPX_20250106T190000_000000000Z.json")):
        archive.load("SPX", TS)


def test_the_analyzer_reads_its_snapshot_dir_only_through_the_archive_its_factory_is_given() -> None:
    snapshots = [synthetic_chain(TS + i * MINUTE, spot=5000.0 + i, expiries=4, strikes_per_expiry=30) for i in (0, 5)]
    archive = MemoryArchive(snapshots)
    asked: list[str] = []

    class Context(StandaloneBuildContext):
        def snapshot_archive(self, directory: str) -> SnapshotArchive:
            asked.append(directory)
            return archive

    (spec,) = mia_register_analyzers()
    analyzer = spec.factory(DealersBiasConfig(snapshot_dir="nowhere/on/disk"), Context())
    spots = [(analyzer.on_event(bar(TS + i * MINUTE)) or {}).get("spot_index") for i in range(8)]
    assert asked == ["nowhere/on/disk"]
    assert spots == [None, 5000.0, 5000.0, 5000.0, 5000.0, 5000.0, 5005.0, 5005.0]
    assert archive.loads == [TS, TS + 5 * MINUTE]  # each snapshot read once, when it becomes the latest
    assert {u for u, _ in archive.asked} == {"SPX"}


def test_an_analyzer_given_a_snapshot_dir_but_no_archive_says_how_to_build_it() -> None:
    with pytest.raises(ValueError, match=r"bias_es: snapshot_dir 'data/spx'.*BuildContext\.snapshot_archive"):
        DealersBiasAnalyzer(DealersBiasConfig(snapshot_dir="data/spx"), futures_multiplier=50.0, name="bias_es")
    (spec,) = mia_register_analyzers()
    events_only = spec.factory(DealersBiasConfig(), StandaloneBuildContext())
    assert events_only.on_event(bar(TS)) is None  # no directory, no snapshot yet: nothing to say
