"""Following a file Sierra Chart appends to: whole records only, partial tails left, rewrites and day files found."""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs
import numpy as np

from adapters.sierra.files.reader import FileKind, check_header


@attrs.frozen
class Chunk:
    """New records since the last poll: ``first_index`` is the first one's index in the file.

    ``restarted`` means the file was rewritten or shrunk (Sierra Chart re-downloaded or cut it):
    the records start again from the file's beginning and the reader should drop what it
    already had. ``replaced_last`` means only the last record seen before was rewritten in
    place (a bar still open in bar storage): ``records[0]`` is its new content.
    """

    records: np.ndarray
    first_index: int
    restarted: bool = False
    replaced_last: bool = False


class RecordTail:
    """Polls one file of fixed-size records; each poll opens, reads and closes it (Sierra Chart can rotate it)."""

    def __init__(self, path: str | Path, kind: FileKind, start_at_end: bool = False) -> None:
        self.path = Path(path)
        self.kind = kind
        self.next_index = 0
        self.start_at_end = start_at_end
        self._identity: tuple[int, int] | None = None
        self._last: bytes = b""  # the last two records consumed, to see a rewrite
        self.leftover = 0  # bytes of a partial record at the end at the last poll

    def _empty(self) -> Chunk:
        return Chunk(np.zeros(0, dtype=self.kind.record), self.next_index)

    def poll(self) -> Chunk:
        """The whole records appended since the last poll (none while the file is missing or too short)."""
        size = self.kind.record_size
        try:
            handle = open(self.path, "rb")  # noqa: SIM115  (closed below; a short-lived handle lets SC replace it)
        except FileNotFoundError:
            return self._empty()
        with handle:
            stat = os.fstat(handle.fileno())
            head = handle.read(self.kind.header_size)
            check_header(head, self.kind, str(self.path), growing=True)
            if len(head) < self.kind.header_size:
                return self._empty()
            complete, self.leftover = divmod(stat.st_size - self.kind.header_size, size)
            identity = (stat.st_dev, stat.st_ino)
            if self._identity is None and self.start_at_end:  # only what comes after: remember the last two
                self._identity, self.next_index = identity, complete
                handle.seek(self.kind.header_size + max(0, complete - 2) * size)
                self._last = handle.read(min(2, complete) * size)
                return self._empty()
            restarted = self._identity is not None and identity != self._identity
            replaced = False
            if not restarted and self.next_index:
                kept = min(2, self.next_index)
                handle.seek(self.kind.header_size + (self.next_index - kept) * size)
                seen = handle.read(kept * size)
                if complete < self.next_index or len(seen) < kept * size:
                    restarted = True
                elif seen != self._last[-kept * size:]:
                    replaced = (kept == 2 and seen[:size] == self._last[:size]) or kept == 1
                    restarted = not replaced
            self._identity = identity
            if restarted:
                self.next_index = 0
            start = self.next_index - 1 if replaced else self.next_index
            handle.seek(self.kind.header_size + start * size)
            data = handle.read((complete - start) * size)
        data = data[: len(data) - len(data) % size]
        records = np.frombuffer(data, dtype=self.kind.record).copy()
        if len(records):
            before = b"" if restarted else self._last[:-size] if replaced else self._last
            self._last = (before + data)[-2 * size:]
            self.next_index = start + len(records)
        return Chunk(records, start, restarted, replaced)


_DAY = re.compile(r"^(?P<symbol>.+)\.(?P<day>\d{4}-\d{2}-\d{2})\.depth$")


def depth_files(directory: str | Path, symbol: str) -> list[Path]:
    """``<symbol>.<YYYY-MM-DD>.depth`` files in ``directory``, oldest day first (names split on the last dots)."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _DAY.match(entry.name)
        if match and match["symbol"] == symbol:
            found.append((match["day"], entry))
    return [path for _, path in sorted(found)]


class DepthDayTail:
    """Follows the newest ``<symbol>.<day>.depth`` file, moving to the next day's file when Sierra Chart starts it."""

    def __init__(self, directory: str | Path, symbol: str, kind: FileKind, start_at_end: bool = False) -> None:
        self.directory, self.symbol, self.kind = Path(directory), symbol, kind
        self.start_at_end = start_at_end
        self.tail: RecordTail | None = None

    def poll(self) -> list[Chunk]:
        """New records: the rest of the current day's file, then (once a newer one exists) the new file's."""
        files = depth_files(self.directory, self.symbol)
        if not files:
            return []
        chunks = []
        if self.tail is None:
            self.tail = RecordTail(files[-1], self.kind, self.start_at_end)
        chunks.append(self.tail.poll())
        if files[-1] != self.tail.path:
            self.tail = RecordTail(files[-1], self.kind)  # a new day starts with a full snapshot of the book
            chunks.append(attrs.evolve(self.tail.poll(), restarted=True))
        return [c for c in chunks if len(c.records) or c.restarted]
