"""A .scid file to a Parquet bar file (``mia data import``): any bar size, bid/ask volume and trade counts kept."""

from __future__ import annotations

import os
from pathlib import Path

import attrs
import numpy as np
import pandas as pd

from adapters.sierra.files.bars import file_bars
from mia_core.data_quality import DataQualityReport
from mia_core.instruments import Instrument


@attrs.frozen
class Imported:
    """What ``import_scid`` wrote: the file, its bars, the span, the records read and the data report."""

    out: Path
    bars: int
    first_ns: int
    last_ns: int
    records: int
    time_format: str
    report: DataQualityReport


def import_scid(path: str | Path, out: str | Path, instrument: Instrument, bar_seconds: int, *,
                multiplier: float = 1.0) -> Imported:
    """Write ``path``'s bars of ``bar_seconds`` to the Parquet file ``out`` (MIA's layout, ``ts`` at close, UTC)."""
    read = file_bars(path, instrument, bar_seconds, multiplier=multiplier)
    checked = read.checked
    series = checked.series
    frame = pd.DataFrame({"ts": pd.to_datetime(series.ts, unit="ns", utc=True), "open": series.open,
                          "high": series.high, "low": series.low, "close": series.close, "volume": series.volume})
    if series.bid_volume is not None and series.ask_volume is not None:
        frame["bid_volume"], frame["ask_volume"] = series.bid_volume, series.ask_volume
    if checked.trade_count is not None:
        frame["trade_count"] = np.asarray(checked.trade_count, dtype=np.float64)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, out)
    first, last = (int(series.ts[0]), int(series.ts[-1])) if len(series) else (0, 0)
    return Imported(out, len(series), first, last, read.records, read.time_format, checked.report)
