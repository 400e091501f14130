"""The point-in-time snapshot store: one JSON document (plus a long-format CSV) per snapshot.

Layout: ``<directory>/<UNDERLYING>_<YYYYmmddTHHMMSS>_<nanoseconds>Z.json`` (UTC), the name
sorting by time; the CSV beside it has the same rows in the long format for spreadsheets.
Readers pick by the timestamp in the name and never look at a snapshot taken at or
after the moment they ask about.
"""

from __future__ import annotations

import bisect
import json
import os
from pathlib import Path

from adapters.options.long_format import write_long_format
from mia_core.errors import MiaError
from mia_core.gex.codec import from_document, parse_stem, snapshot_stem, to_document
from mia_core.options import OptionsChainSnapshot


class SnapshotStore:
    """Writes and finds snapshots of one directory (created on first write)."""

    def __init__(self, directory: str | Path, *, write_csv: bool = True) -> None:
        self.directory = Path(directory)
        self.write_csv = write_csv

    def write(self, snapshot: OptionsChainSnapshot) -> Path:
        """Store ``snapshot`` atomically (temporary file, then rename); returns the JSON path."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = snapshot_stem(snapshot.underlying, snapshot.ts)
        path = self.directory / f"{stem}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(to_document(snapshot), separators=(",", ":")))
        os.replace(tmp, path)
        if self.write_csv:
            write_long_format(snapshot, self.directory / f"{stem}.csv")
        return path

    def index(self, underlying: str) -> list[tuple[int, Path]]:
        """``(ts, path)`` of every stored snapshot of ``underlying``, oldest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.glob(f"{underlying.upper()}_*.json"):
            parsed = parse_stem(path.stem)
            if parsed is not None and parsed[0] == underlying.upper():
                found.append((parsed[1], path))
        return sorted(found)

    def latest_before(self, underlying: str, ts: int) -> OptionsChainSnapshot | None:
        """The latest snapshot taken strictly before ``ts``, or ``None``."""
        entries = self.index(underlying)
        i = bisect.bisect_left([t for t, _ in entries], ts)
        return read_snapshot(entries[i - 1][1]) if i else None


def read_snapshot(path: str | Path) -> OptionsChainSnapshot:
    """Read one stored JSON snapshot; a file with rejected rows is an error (the store wrote it whole)."""
    try:
        snapshot, rejected = from_document(json.loads(Path(path).read_text()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MiaError(f"{path}: not a valid snapshot document ({exc})") from exc
    if rejected:
        raise MiaError(f"{path}: {len(rejected)} invalid rows, first: {rejected[0]}")
    return snapshot
