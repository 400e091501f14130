"""Settings of the ``file`` data feed: column mapping, time zone, stamp convention; path and format checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from adapters.replay.timestamps import TimestampSpec
from mia_core.errors import MiaError
from mia_core.spikes import DEFAULT_SPIKE_THRESHOLD, SpikeRepair
from mia_core.validation import fail, within

CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class DataFileError(MiaError, ValueError):
    """A bar file that cannot be read at all (missing, unknown format, missing column)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


@attrs.frozen
class ColumnMap:
    """The file's column name for each of our fields; null for an optional column the file lacks.

    Names match ignoring case and surrounding spaces. ``time`` names a separate time-of-day
    column joined to the date in ``ts`` (Sierra Chart's ``Date, Time``).
    """

    ts: str = "ts"
    time: str | None = None
    open: str = "open"
    high: str = "high"
    low: str = "low"
    close: str = "close"
    volume: str = "volume"
    bid_volume: str | None = "bid_volume"
    ask_volume: str | None = "ask_volume"
    trade_count: str | None = "trade_count"


def valid_timezone(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """attrs validator: an IANA time zone name."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        fail(instance, attribute.name, value, "unknown time zone; use an IANA name such as America/Chicago or UTC")


def _hh_mm(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not _HH_MM.match(value):
        fail(instance, attribute.name, value, "expected a time of day as HH:MM, e.g. '16:00'")


@attrs.frozen
class FileFeedConfig:
    """Settings of the ``file`` data feed (see docs/data.md)."""

    path: str = attrs.field(validator=attrs.validators.min_len(1))
    format: Literal["auto", "csv", "parquet"] = "auto"
    columns: ColumnMap = attrs.Factory(ColumnMap)
    timezone: str = attrs.field(default="UTC", validator=valid_timezone)
    timestamp_is: Literal["close", "open"] = "close"
    bar_seconds: int | None = attrs.field(default=None, validator=within(1, 604_800))
    close_time: str | None = attrs.field(default=None, validator=_hh_mm)
    ts_format: str | None = None
    epoch_unit: Literal["s", "ms", "us", "ns"] = "s"
    delimiter: str = attrs.field(default=",", validator=attrs.validators.min_len(1))
    on_bad_data: Literal["error", "repair"] = "error"
    spike_threshold: float | None = attrs.field(
        default=DEFAULT_SPIKE_THRESHOLD, validator=within(0, 1000, low_open=True))
    spike_repair: SpikeRepair = "clip"

    def __attrs_post_init__(self) -> None:
        if self.timestamp_is == "open" and self.bar_seconds is None:
            fail(self, "bar_seconds", None, "required when timestamp_is is 'open' (the shift from open to close)")

    def timestamp_spec(self) -> TimestampSpec:
        """How to read the timestamp column."""
        shift = (self.bar_seconds or 0) if self.timestamp_is == "open" else 0
        return TimestampSpec(timezone=self.timezone, ts_format=self.ts_format, epoch_unit=self.epoch_unit,
                             close_time=self.close_time, open_to_close_seconds=shift)


def resolve_path(path: str) -> Path:
    """``path`` with ``~`` expanded; a relative path is taken from the current directory."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else Path.cwd() / p


def detect_format(path: Path, fmt: str = "auto") -> Literal["csv", "parquet"]:
    """``csv`` or ``parquet``, from ``fmt`` or else the file name's suffix."""
    if fmt in ("csv", "parquet"):
        return fmt  # type: ignore[return-value]
    name = path.name.lower()
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    raise DataFileError(str(path), f"cannot tell the format from the name; set format: csv or parquet "
                                   f"(known suffixes: {', '.join(CSV_SUFFIXES + PARQUET_SUFFIXES)})")
