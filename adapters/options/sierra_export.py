"""Levels for Sierra Chart: a small CSV the bundled ACSIL study (docs/sierra/MIA_GexLevels.cpp) draws.

One line per level: ``label,price,index_level,ts_utc,underlying,basis`` with a header;
``price`` is the futures price (index level + basis) the lines are drawn at. The same
prices, in the order of the Horizontal Lines study's "Line N Value" inputs, are also
written to a ``.txt`` beside it for entering by hand.
"""

from __future__ import annotations

import csv
from pathlib import Path

from mia_core.gex.analysis import GexAnalysis
from mia_core.gex.codec import iso_utc
from mia_core.gex.values import index_levels

HEADER = ("label", "price", "index_level", "ts_utc", "underlying", "basis")
ORDER = ("zero_gamma", "call_wall", "put_wall", "abs_gamma_strike", "zero_gamma_ex_0dte", "call_oi_wall",
         "put_oi_wall")  # fmt: skip


def level_rows(a: GexAnalysis, basis: float, tick: float = 0.25) -> list[tuple[str, float, float]]:
    """``(label, futures price on the tick grid, index level)`` of each level that exists, spot first."""
    levels = index_levels(a)
    rows = [("spot", a.spot)] + [(name, levels[name]) for name in ORDER if levels[name] is not None]
    return [(label, round((level + basis) / tick) * tick, level) for label, level in rows if level is not None]


def write_sierra_levels(a: GexAnalysis, path: str | Path, basis: float = 0.0, tick: float = 0.25) -> Path:
    """Write the levels CSV (overwritten each time, so a study reloading it sees the latest)."""
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    stamp = iso_utc(a.ts)[:19] + "Z"
    with tmp.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for label, price, level in level_rows(a, basis, tick):
            writer.writerow((label, f"{price:.2f}", f"{level:.2f}", stamp, a.underlying, f"{basis:.2f}"))
    tmp.replace(path)
    lines = [
        f"Line {i} Value: {price:.2f}  ({label})" for i, (label, price, _) in enumerate(level_rows(a, basis, tick), 1)
    ]
    path.with_suffix(".txt").write_text("\n".join(lines) + "\n")
    return path
