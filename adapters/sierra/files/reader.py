"""Opening .scid/.depth files: header checks, memory-mapped records, times decoded and checked (errors name bytes)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import attrs
import numpy as np

from adapters.sierra.files.layout import (
    DEPTH_HEADER_SIZE,
    DEPTH_MAGIC,
    DEPTH_RECORD,
    DEPTH_RECORD_SIZE,
    MAX_SC_US,
    MICROSECONDS,
    MIN_SC_US,
    MINIMAL_HEADER,
    SCID_HEADER_SIZE,
    SCID_MAGIC,
    SCID_RECORD,
    SCID_RECORD_SIZE,
    VERSION,
    SierraFileError,
    plausible,
    time_format,
    to_unix_ns,
)

MAX_BACKSTEP_NS = 300 * 10**9  # real files step back a little now and then; five minutes back is corruption
LIVE_SECONDS = 60.0  # a file written to this recently is being appended to: a partial last record is expected


@attrs.frozen
class FileKind:
    """One of the two binary formats: its name, magic, sizes and record dtype."""

    name: str
    magic: bytes
    header_size: int
    record_size: int
    record: np.dtype
    version_bytes: int  # the Version field is 2 bytes in .scid, 4 in .depth


SCID = FileKind("intraday data file (.scid)", SCID_MAGIC, SCID_HEADER_SIZE, SCID_RECORD_SIZE, SCID_RECORD, 2)
DEPTH = FileKind("market depth file (.depth)", DEPTH_MAGIC, DEPTH_HEADER_SIZE, DEPTH_RECORD_SIZE, DEPTH_RECORD, 4)


def check_header(head: bytes, kind: FileKind, path: str, growing: bool = False) -> None:
    """Refuse a header that is not ``kind``'s, naming the byte where it goes wrong.

    ``growing``: the file is still being written, so a header not yet complete is no error.
    """
    if growing and len(head) < MINIMAL_HEADER:
        return
    if len(head) < MINIMAL_HEADER:
        raise SierraFileError(path, len(head), f"the file ends after {len(head)} bytes, inside the "
                                               f"{kind.header_size}-byte header of a Sierra Chart {kind.name}")
    magic = head[:4]
    if magic != kind.magic:
        other = DEPTH if kind is SCID else SCID
        hint = f"; it is a Sierra Chart {other.name}" if magic == other.magic else ""
        raise SierraFileError(path, 0, f"starts with {magic!r}, not {kind.magic!r}: not a Sierra Chart "
                                       f"{kind.name}{hint}")
    header_size, record_size = (int.from_bytes(head[i:i + 4], "little") for i in (4, 8))
    version = int.from_bytes(head[12:12 + kind.version_bytes], "little")
    if header_size != kind.header_size:
        raise SierraFileError(path, 4, f"header size {header_size}, expected {kind.header_size} for a {kind.name}")
    if record_size != kind.record_size:
        raise SierraFileError(path, 8, f"record size {record_size}, expected {kind.record_size} for a {kind.name} "
                                       f"(a format MIA does not know)")
    if version != VERSION:
        raise SierraFileError(path, 12, f"version {version}, expected {VERSION} (a format MIA does not know)")
    if len(head) < kind.header_size and not growing:
        raise SierraFileError(path, len(head), f"the file ends inside its {kind.header_size}-byte header")


def record_offset(kind: FileKind, index: int) -> int:
    """The byte offset of record ``index``."""
    return kind.header_size + index * kind.record_size


def _first_bad_time(ns: np.ndarray, dt: np.ndarray, kind: FileKind, path: str, first_index: int) -> None:
    bad = ~plausible(ns) & (dt != 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise SierraFileError(path, record_offset(kind, first_index + i),
                              f"record {first_index + i}: time {int(dt[i])} is not a date within 1990-2100 "
                              f"(corrupt or foreign data)")


def _first_step_back(ns: np.ndarray, kind: FileKind, path: str, first_index: int, previous_ns: int | None,
                     has_empty: bool) -> None:
    if not has_empty:  # the common case: one diff, one reduction
        head = ns[:1] - previous_ns if previous_ns is not None else ns[:0]
        steps = np.diff(ns)
        if (not len(steps) or int(steps.min()) >= -MAX_BACKSTEP_NS) and (not len(head) or head[0] >= -MAX_BACKSTEP_NS):
            return
    where = np.flatnonzero(ns != 0)
    stamped = ns[where]
    if previous_ns is not None:
        stamped, where = np.concatenate(([previous_ns], stamped)), np.concatenate(([-1], where))
    if len(stamped) < 2:
        return
    steps = np.diff(stamped)
    if int(steps.min()) >= -MAX_BACKSTEP_NS:
        return
    j = int(np.argmax(steps < -MAX_BACKSTEP_NS)) + 1
    i = int(where[j])
    raise SierraFileError(path, record_offset(kind, first_index + i),
                          f"record {first_index + i}: time goes back {(stamped[j - 1] - stamped[j]) / 1e9:.0f} s "
                          f"from the record before (out of order: corrupt data)")


def check_times(records: np.ndarray, kind: FileKind, path: str, first_index: int = 0,
                fmt: str | None = None, previous_ns: int | None = None) -> tuple[np.ndarray, str]:
    """UTC ns of each record and the file's time format; absurd or badly out-of-order times are refused.

    All-zero DateTime fields (Sierra Chart's empty record) come out as 0 and are skipped by the
    callers. The common case (no empty record, every time plausible) costs two reductions.
    """
    dt = records["dt"]
    if len(dt) == 0:
        return np.zeros(0, dtype=np.int64), fmt or MICROSECONDS
    if fmt is None:
        used = np.flatnonzero(dt != 0)
        if len(used) == 0:
            return np.zeros(len(records), dtype=np.int64), MICROSECONDS
        i = int(used[0])
        fmt = time_format(records[i:i + 1]["dt"].copy().view(np.uint8), path, record_offset(kind, first_index + i))
    ns = to_unix_ns(dt, fmt)
    low, high = int(dt.min()), int(dt.max())
    has_empty = low == 0 or (fmt != MICROSECONDS and bool((dt == 0).any()))
    if fmt != MICROSECONDS or low < MIN_SC_US or high > MAX_SC_US:  # empties, legacy or bad
        _first_bad_time(ns, dt, kind, path, first_index)
        ns[dt == 0] = 0
    _first_step_back(ns, kind, path, first_index, previous_ns, has_empty)
    return ns, fmt


@attrs.frozen
class MappedFile:
    """A file's records, memory-mapped (read-only), and what was left after the last whole record."""

    path: str
    kind: FileKind
    records: np.ndarray
    leftover: int  # bytes of a partial record at the end (a live file being appended to)


def map_records(path: str | Path, kind: FileKind, *, live_seconds: float = LIVE_SECONDS) -> MappedFile:
    """Validate the header and map every whole record; a partial last record is refused unless the file is live.

    A file modified within ``live_seconds`` is taken as being written by Sierra Chart: its
    partial last record is left for later. Otherwise a partial record means a truncated file.
    """
    source = str(path)
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            head = handle.read(kind.header_size)
    except OSError as exc:
        raise SierraFileError(source, 0, f"cannot read: {exc.strerror or exc}") from exc
    check_header(head, kind, source)
    body = stat.st_size - kind.header_size
    count, leftover = divmod(body, kind.record_size)
    if leftover and time.time() - stat.st_mtime > live_seconds:
        raise SierraFileError(source, record_offset(kind, count),
                              f"the file ends inside record {count} ({leftover} of {kind.record_size} bytes) and is "
                              f"not being written to: truncated")
    if count == 0:
        return MappedFile(source, kind, np.zeros(0, dtype=kind.record), leftover)
    records = np.memmap(source, dtype=kind.record, mode="r", offset=kind.header_size, shape=(count,))
    return MappedFile(source, kind, records, leftover)
