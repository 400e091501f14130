"""The point-in-time snapshot store: one JSON document (plus a long-format CSV) per snapshot.

Layout: ``<directory>/<UNDERLYING>_<YYYYmmddTHHMMSS>_<nanoseconds>Z.json`` (UTC), the name
sorting by time; the CSV beside it has the same rows in the long format for spreadsheets.
Readers find a snapshot by the timestamp in its name, then check it against the timestamp
inside: a file whose chain was taken at another time (renamed, copied by hand) is refused,
so a reader never uses a snapshot taken at or after the moment it asks about.
"""

from __future__ import annotations

import bisect
import json
import os
from pathlib import Path

from adapters.options.long_format import write_long_format
from mia_core.errors import MiaError
from mia_core.gex.codec import from_document, iso_utc, parse_stem, snapshot_stem, to_document
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
        if not i:
            return None
        return read_snapshot(entries[i - 1][1], expected=(underlying.upper(), entries[i - 1][0]))


def read_snapshot(path: str | Path, expected: tuple[str, int] | None = None) -> OptionsChainSnapshot:
    """Read one stored JSON snapshot; a file with rejected rows is an error (the store wrote it whole).

    ``expected`` (underlying, ts): what the file's name promises; a snapshot taken at
    another time, or of another underlying, is a MiaError naming both.
    """
    try:
        snapshot, rejected = from_document(json.loads(Path(path).read_text()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MiaError(f"{path}: not a valid snapshot document ({exc})") from exc
    if rejected:
        raise MiaError(f"{path}: {len(rejected)} invalid rows, first: {rejected[0]}")
    if expected is not None and (snapshot.underlying.upper(), snapshot.ts) != expected:
        raise MiaError(
            f"{path}: the chain inside is {snapshot.underlying} taken at {iso_utc(snapshot.ts)}, but its name says "
            f"{expected[0]} at {iso_utc(expected[1])}; refused (the time inside decides; rename or re-store it)"
        )
    return snapshot
