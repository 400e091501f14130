"""Read-only view of a snapshot directory written by the point-in-time store (adapters.options.store).

The directory is re-listed only when its modification time changes, so asking on
every bar costs one ``stat`` and a binary search.
"""

from __future__ import annotations

import bisect
import json
from pathlib import Path

from mia_core.errors import MiaError
from mia_core.gex.codec import from_document, parse_stem
from mia_core.options import OptionsChainSnapshot


class SnapshotHistory:
    """The stored snapshots of one underlying in ``directory``, by timestamp."""

    def __init__(self, directory: str | Path, underlying: str) -> None:
        self.directory = Path(directory)
        self.underlying = underlying.upper()
        self._mtime: int | None = None
        self._times: list[int] = []
        self._paths: list[Path] = []

    def _refresh(self) -> None:
        try:
            mtime = self.directory.stat().st_mtime_ns
        except OSError:
            self._times, self._paths, self._mtime = [], [], None
            return
        if mtime == self._mtime:
            return
        entries = []
        for path in self.directory.glob(f"{self.underlying}_*.json"):
            parsed = parse_stem(path.stem)
            if parsed is not None and parsed[0] == self.underlying:
                entries.append((parsed[1], path))
        entries.sort()
        self._times = [t for t, _ in entries]
        self._paths = [p for _, p in entries]
        self._mtime = mtime

    def latest_path_before(self, ts: int) -> tuple[int, Path] | None:
        """``(snapshot ts, path)`` of the latest snapshot taken strictly before ``ts``."""
        self._refresh()
        i = bisect.bisect_left(self._times, ts)
        return (self._times[i - 1], self._paths[i - 1]) if i else None

    @staticmethod
    def load(path: Path) -> OptionsChainSnapshot:
        """Read one stored snapshot; raise MiaError naming the file when it is not a valid one."""
        try:
            snapshot, rejected = from_document(json.loads(path.read_text()))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise MiaError(f"{path}: not a valid snapshot document ({exc})") from exc
        if rejected:
            raise MiaError(f"{path}: {len(rejected)} invalid rows, first: {rejected[0]}")
        return snapshot
