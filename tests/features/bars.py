"""Hand-made bars for the definition tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.series import BarSeries

MINUTE = 60 * 10**9
T0 = int(pd.Timestamp("2024-03-05 15:00", tz="UTC").value)  # a Tuesday, 09:00 Chicago


def series(rows: Sequence[tuple[float, ...]], start: int = T0, step: int = MINUTE, flow: bool = False,
           stamps: Sequence[int] | None = None) -> BarSeries:
    """Bars from ``(open, high, low, close, volume[, bid, ask])`` rows, one ``step`` apart (or at ``stamps``)."""
    cols = np.array(rows, dtype=float)
    extra: dict[str, Any] = {}
    if flow:
        extra = {"bid_volume": cols[:, 5], "ask_volume": cols[:, 6]}
    ts = np.array(stamps) if stamps is not None else start + step * np.arange(1, len(rows) + 1)
    return BarSeries(instrument=ES, ts=ts, open=cols[:, 0], high=cols[:, 1],
                     low=cols[:, 2], close=cols[:, 3], volume=cols[:, 4], **extra)


def at(stamp: str) -> int:
    """UTC nanoseconds of a UTC ``YYYY-MM-DD HH:MM`` stamp."""
    return int(pd.Timestamp(stamp, tz="UTC").value)


def bar(ts: int, o: float, h: float, lo: float, c: float, v: float = 100.0) -> Bar:
    """One bar on ES."""
    return Bar(instrument=ES, ts=ts, open=o, high=h, low=lo, close=c, volume=v)


def last(feature: Any, bars: BarSeries) -> dict[str, float]:
    """The incremental values after feeding all ``bars``; also checks the vectorised form's last row equals them."""
    feature.reset()
    row: dict[str, float] = {}
    for b in bars:
        row = dict(feature.update(b))
    columns = feature.compute(bars)
    for key, value in row.items():
        other = float(columns[key][-1])
        assert value == other or (value != value and other != other), key
    return row
