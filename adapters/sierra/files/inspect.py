"""What MIA reads in a .scid file, for ``mia data inspect FILE.scid``: records, kinds, times, span, order flow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from adapters.sierra.files.reader import SCID, map_records
from adapters.sierra.files.scid import decode


def _when(ns: int) -> str:
    stamp = pd.Timestamp(ns, tz="UTC")
    return f"{stamp:%Y-%m-%d %H:%M:%S} UTC ({stamp.tz_convert('America/Chicago'):%Y-%m-%d %H:%M} Chicago)"


def describe_scid(path: str | Path, chunk: int = 1 << 22) -> list[tuple[str, str]]:
    """``(what, MIA reads)`` rows: header, record counts by kind, time format, span and order flow."""
    mapped = map_records(path, SCID)
    counts = {"tick": 0, "bar": 0, "quote_only": 0, "empty": 0, "split": 0}
    volume = flow = 0
    first = last = None
    fmt, previous = None, None
    for a in range(0, len(mapped.records), chunk):
        part = decode(mapped.records[a:a + chunk], mapped.path, a, fmt, previous)
        fmt = part.time_format
        used = part.ts != 0
        stamped = part.ts[used]
        if len(stamped):
            first = int(stamped.min()) if first is None else min(first, int(stamped.min()))
            last = int(stamped.max()) if last is None else max(last, int(stamped.max()))
            previous = int(stamped[-1])
        traded = part.traded
        counts["empty"] += int((~used).sum())
        counts["quote_only"] += int((used & ~traded & (part.raw["total_volume"] == 0)).sum())
        counts["tick"] += int((traded & part.is_tick).sum())
        counts["bar"] += int((traded & ~part.is_tick).sum())
        counts["split"] += int(part.first_of_split.sum())
        volume += int(part.raw["total_volume"][traded].astype(np.int64).sum())
        flow += int((part.raw["bid_volume"][traded].astype(np.int64) + part.raw["ask_volume"][traded]).sum())
    rows = [
        ("format", f"Sierra Chart intraday data file: header {SCID.header_size} bytes, records {SCID.record_size} "
                   f"bytes, {len(mapped.records):,} records" + (f", {mapped.leftover} bytes of a record being "
                                                                  "written" if mapped.leftover else "")),
        ("times", {"microseconds": "int64 microseconds since 1899-12-30 UTC (current Sierra Chart)",
                   "days": "double days since 1899-12-30 UTC (older Sierra Chart)"}.get(fmt or "", "no records")),
        ("records", f"{counts['tick']:,} trades (tick storage), {counts['bar']:,} bars, {counts['quote_only']:,} "
                    f"bid/ask updates, {counts['empty']:,} empty"),
        ("split CME trades", f"{counts['split']:,} marked first fill..last fill"),
        ("order flow", f"bid/ask volume on {flow / volume:.0%} of the volume" if volume else "no volume"),
    ]
    if first is not None and last is not None:
        rows += [("first record", _when(first)), ("last record", _when(last))]
    return rows
