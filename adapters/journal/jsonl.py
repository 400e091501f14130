"""An append-only JSON-lines journal (and an in-memory one for backtests and tests)."""

from __future__ import annotations

import enum
import json
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from mia_core.instruments import Instrument
from mia_core.journal import JournalEntry

#: The kind of the entries that keep a JSON-lines journal's counters (``next_sequence``).
SEQUENCE = "sequence"


_SAME = frozenset({int, float, str, bool, type(None)})
_FIELDS: dict[type, tuple[tuple[str, bool, Any], ...] | None] = {}


def _fields(kind: type) -> tuple[tuple[str, bool, Any], ...] | None:
    """(name, omitted at its default, default) of an attrs class's fields; None for any other class (cached)."""
    try:
        return _FIELDS[kind]
    except KeyError:
        found = (tuple((f.name, bool(f.metadata.get("omit_default")), f.default) for f in attrs.fields(kind))
                 if attrs.has(kind) else None)
        _FIELDS[kind] = found
        return found


def to_plain(value: Any) -> Any:
    """Domain objects to JSON-able data (instruments by symbol, enums by value).

    A field marked ``metadata={"omit_default": True}`` is left out while it holds its
    default, so adding such a field leaves existing journals byte for byte the same.
    """
    kind = type(value)
    if kind in _SAME:  # most values: returned as they are, without the checks below
        return value
    if isinstance(value, Instrument):
        return value.symbol
    fields = _fields(kind)
    if fields is not None:
        data: dict[str, Any] = {"type": kind.__name__}
        for name, omit_default, default in fields:
            item = getattr(value, name)
            if not (omit_default and item == default):  # a field added later
                data[name] = to_plain(item)
        return data
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class MemoryJournal:
    """Keeps entries in a list."""

    def __init__(self) -> None:
        self._entries: list[JournalEntry] = []
        self._sequences: dict[str, int] = {}

    def next_sequence(self, name: str) -> int:
        """The next value of counter ``name`` (1, 2, ...), for as long as this journal lives."""
        self._sequences[name] = self._sequences.get(name, 0) + 1
        return self._sequences[name]

    def record(self, entry: JournalEntry) -> None:
        """Append ``entry``."""
        self._entries.append(entry)

    def entries(self, kind: str | None = None, since_ns: int | None = None) -> Iterator[JournalEntry]:
        """Entries in order, optionally of one kind and at or after ``since_ns``."""
        return (e for e in self._entries
                if (kind is None or e.kind == kind) and (since_ns is None or e.ts >= since_ns))

    def flush(self) -> None:
        """Nothing to write."""

    def close(self) -> None:
        """Nothing to close."""


class JsonLinesJournal:
    """Appends one JSON object per entry and fsyncs, so nothing recorded is lost on a crash."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._sequences: dict[str, int] = {}

    def next_sequence(self, name: str) -> int:
        """The next value of counter ``name`` (1, 2, ...): recorded as a ``sequence`` entry, so it survives restarts."""
        if name not in self._sequences:
            values = (int(e.payload["value"]) for e in self.entries(SEQUENCE) if e.payload.get("name") == name)
            self._sequences[name] = max(values, default=0)
        value = self._sequences[name] + 1
        self.record(JournalEntry(time.time_ns(), SEQUENCE, {"name": name, "value": value}))
        self._sequences[name] = value
        return value

    def record(self, entry: JournalEntry) -> None:
        """Append ``entry`` durably; after a torn last line (a crash mid-write) it starts on a line of its own."""
        line = json.dumps({"ts": entry.ts, "kind": entry.kind, "payload": to_plain(entry.payload)}, default=str)
        with self.path.open("a+b") as handle:
            end = handle.seek(0, os.SEEK_END)
            torn = False
            if end:
                handle.seek(end - 1)
                torn = handle.read(1) != b"\n"
            handle.write((("\n" if torn else "") + line + "\n").encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())

    def entries(self, kind: str | None = None, since_ns: int | None = None) -> Iterator[JournalEntry]:
        """Entries read back (payloads as plain data), of ``kind`` and at or after ``since_ns``; torn lines skipped."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8", errors="replace") as handle:  # a torn UTF-8 character too
            for line in handle:
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if (kind is None or raw["kind"] == kind) and (since_ns is None or raw["ts"] >= since_ns):
                    yield JournalEntry(ts=raw["ts"], kind=raw["kind"], payload=raw["payload"])

    def flush(self) -> None:
        """Nothing pending: each entry is written and fsynced by ``record``."""

    def close(self) -> None:
        """Nothing held open."""
