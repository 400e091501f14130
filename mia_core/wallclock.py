"""Wall-clock time of UTC nanosecond columns in a time zone, with numpy and zoneinfo (no pandas)."""

from __future__ import annotations

from datetime import datetime, tzinfo

import numpy as np
import numpy.typing as npt

NS = 1_000_000_000
_DAY_S = 86_400


def _offset_s(zone: tzinfo, second: int) -> int:
    """The zone's UTC offset, in whole seconds, at ``second`` since the epoch."""
    offset = datetime.fromtimestamp(second, tz=zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _transitions(zone: tzinfo, first: int, last: int) -> tuple[list[int], list[int]]:
    """The seconds in ``(first, last]`` where the offset changes and the offset from each; offset at ``first`` first.

    The offset is sampled once a day and each change found to the second by bisection
    (zones change their offset at most once a day).
    """
    offsets = [_offset_s(zone, first)]
    starts = [first]
    previous, at = first, first
    while at < last:
        at = min(at + _DAY_S, last)
        now = _offset_s(zone, at)
        if now != offsets[-1]:
            lo, hi = previous, at  # offset(lo) is the old one, offset(hi) the new one
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (lo, mid) if _offset_s(zone, mid) == now else (mid, hi)
            starts.append(hi)
            offsets.append(now)
        previous = at
    return starts, offsets


def local_ns(ts: npt.ArrayLike, zone: tzinfo) -> npt.NDArray[np.int64]:
    """UTC ns timestamps as naive wall-clock ns in ``zone`` (what pandas' ``tz_convert(zone).tz_localize(None)``
    gives). Every value must be a valid time (no NaT)."""
    ns = np.asarray(ts, dtype=np.int64)
    if ns.size == 0:
        return ns.copy()
    first, last = int(ns.min()) // NS, int(ns.max()) // NS
    starts, offsets = _transitions(zone, first, last)
    if len(offsets) == 1:
        return ns + offsets[0] * NS
    which = np.searchsorted(np.asarray(starts[1:], dtype=np.int64) * NS, ns, side="right")
    return ns + np.asarray(offsets, dtype=np.int64)[which] * NS
