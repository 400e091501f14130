"""The SnapshotArchive port over a directory of the snapshot store, as the composition root hands it to plugins."""

from __future__ import annotations

import bisect
from pathlib import Path

from adapters.options.store import read_snapshot
from mia_core.gex.codec import parse_stem, snapshot_stem
from mia_core.options import OptionsChainSnapshot


class _Listing:
    """The snapshot times of one underlying, listed again only when the directory's mtime changes."""

    def __init__(self) -> None:
        self.mtime: int | None = None
        self.times: list[int] = []


class StoredSnapshots:
    """The snapshots stored in ``directory`` by :class:`adapters.options.store.SnapshotStore`, by time.

    Asking on every bar costs one ``stat`` and a binary search; the directory need not
    exist yet (then there is nothing before any time).
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._listings: dict[str, _Listing] = {}

    def _times(self, underlying: str) -> list[int]:
        listing = self._listings.setdefault(underlying, _Listing())
        try:
            mtime = self.directory.stat().st_mtime_ns
        except OSError:
            listing.mtime, listing.times = None, []
            return listing.times
        if mtime != listing.mtime:
            times = []
            for path in self.directory.glob(f"{underlying}_*.json"):
                parsed = parse_stem(path.stem)
                if parsed is not None and parsed[0] == underlying:
                    times.append(parsed[1])
            listing.mtime, listing.times = mtime, sorted(times)
        return listing.times

    def latest_before(self, underlying: str, ts: int) -> int | None:
        """The timestamp of the latest snapshot of ``underlying`` taken strictly before ``ts``."""
        times = self._times(underlying.upper())
        i = bisect.bisect_left(times, ts)
        return times[i - 1] if i else None

    def load(self, underlying: str, ts: int) -> OptionsChainSnapshot:
        """Read the snapshot of ``underlying`` taken at ``ts``; MiaError naming the file when it is not valid
        or the chain inside was taken at another time than its name says."""
        name = underlying.upper()
        return read_snapshot(self.directory / f"{snapshot_stem(name, ts)}.json", expected=(name, ts))
