"""How a bar file's timestamps are read when its layout is detected: epoch unit, dates only, start or close stamps."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs
import numpy as np

from adapters.replay.file_config import FileFeedConfig
from adapters.replay.layouts import Layout
from adapters.replay.timestamps import TimestampSpec
from mia_core.data_quality import NAT
from mia_core.series import IntArray

if TYPE_CHECKING:
    import pandas as pd

DATE_CLOSE_TIME, DATE_CLOSE_ZONE = "16:00", "America/New_York"
_DATE_ONLY = re.compile(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{8})$")
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d| UTC)$")
_EPOCH_UNITS = ((1e17, "ns"), (1e14, "us"), (1e11, "ms"))


@attrs.frozen
class Stamping:
    """The timestamp spec to parse with, whether to add the inferred bar size, and what was assumed."""

    spec: TimestampSpec
    shift_by_inferred_bar: bool = False
    notes: tuple[str, ...] = ()


def infer_bar_seconds(ns: IntArray) -> int | None:
    """The median spacing of the distinct timestamps, in whole seconds; None with fewer than two."""
    # The positive steps of the sorted times are the steps between distinct ones. Sorted rather than
    # np.unique: numpy's hash-based unique peaks at several copies of a million-row column.
    steps = np.diff(np.sort(ns[ns != NAT]))
    steps = steps[steps > 0]
    if len(steps) == 0:
        return None
    return max(1, round(float(np.median(steps)) / 1e9))


def bar_label(seconds: int | None) -> str:
    """``1 min``, ``15 min``, ``1 h``, ``1 day``, ``30 s``; ``unknown`` for None."""
    if seconds is None:
        return "unknown"
    for size, unit in ((86_400, "day"), (3600, "h"), (60, "min")):
        if seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _dates_only(raw: pd.Series) -> bool:
    import pandas as pd
    values = raw.dropna()
    if values.empty or pd.api.types.is_numeric_dtype(values.dtype):
        return False
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return False
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return bool((values == values.dt.normalize()).all())
    return bool(values.astype(str).str.strip().str.match(_DATE_ONLY).all())


def _epoch_unit(raw: pd.Series, config: FileFeedConfig) -> str:
    import pandas as pd
    if config.epoch_unit != "s" or not pd.api.types.is_numeric_dtype(raw.dtype) or raw.dropna().empty:
        return config.epoch_unit
    size = float(raw.dropna().abs().median())
    return next((unit for limit, unit in _EPOCH_UNITS if size > limit), "s")


def stamping(config: FileFeedConfig, layout: Layout, raw: pd.Series, *, has_time_column: bool) -> Stamping:
    """The settings as written for a MIA-layout file; for any other layout, what the file's values imply.

    Set settings always win. Otherwise: numeric stamps take the epoch unit their size implies;
    dates without a time close at 16:00 New York (16:00 in ``timezone`` when it is not UTC);
    layouts that stamp a bar at its start are moved to its close by the inferred bar size.
    """
    import pandas as pd
    if layout.name == "MIA":
        return Stamping(config.timestamp_spec())
    notes: list[str] = []
    unit = _epoch_unit(raw, config)
    zone, close_time = config.timezone, config.close_time
    shift_inferred = False
    shift = config.bar_seconds or 0 if config.timestamp_is == "open" else 0
    numeric = pd.api.types.is_numeric_dtype(raw.dtype) and not config.ts_format
    if numeric:
        notes.append(f"timestamps are unix times in {unit} (UTC)")
    if close_time is None and not has_time_column and _dates_only(raw):
        close_time = DATE_CLOSE_TIME
        zone = DATE_CLOSE_ZONE if zone == "UTC" else zone
        shift = 0
        notes.append(f"dates without a time: each bar stamped at {close_time} {zone}, its close "
                     "(--close-time and --tz to change)")
    elif layout.timestamp_is == "open" and config.timestamp_is == "close" and config.bar_seconds is None:
        shift_inferred = True
        notes.append(f"{layout.name} stamps a bar at its start: each moved to its close by the inferred bar size")
    first = raw.dropna().astype(str).str.strip().iloc[0] if not raw.dropna().empty else ""
    zoned = isinstance(raw.dtype, pd.DatetimeTZDtype) or bool(_OFFSET.search(first))
    if not numeric and not zoned and close_time is None:
        notes.append(f"times without a zone read as {zone} (--tz to change)")
    spec = TimestampSpec(timezone=zone, ts_format=config.ts_format, epoch_unit=unit,  # type: ignore[arg-type]
                         close_time=close_time, open_to_close_seconds=shift)
    return Stamping(spec, shift_inferred, tuple(notes))
