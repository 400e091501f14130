"""Bar replay from CSV and Parquet files: config, column mapping, reading, validation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import numpy as np
import pandas as pd
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from adapters.replay.encoding import scan_utf8
from adapters.replay.memory import release_unused_memory
from adapters.replay.timestamps import TimestampSpec, parse_timestamps
from mia_core.data_quality import (
    ISSUE_KINDS,
    OPTIONAL,
    REQUIRED,
    CheckedBars,
    DataQualityError,
    Issue,
    RowLabel,
    check_bars,
    describe_field,
)
from mia_core.errors import MiaError
from mia_core.instruments import Instrument
from mia_core.spikes import DEFAULT_SPIKE_THRESHOLD, SpikeRepair
from mia_core.validation import fail

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
    """The file's column name for each of our fields; null for an optional column the file lacks."""

    ts: str = "ts"
    open: str = "open"
    high: str = "high"
    low: str = "low"
    close: str = "close"
    volume: str = "volume"
    bid_volume: str | None = "bid_volume"
    ask_volume: str | None = "ask_volume"
    trade_count: str | None = "trade_count"


def _timezone(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
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
    timezone: str = attrs.field(default="UTC", validator=_timezone)
    timestamp_is: Literal["close", "open"] = "close"
    bar_seconds: int | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.ge(1)))
    close_time: str | None = attrs.field(default=None, validator=_hh_mm)
    ts_format: str | None = None
    epoch_unit: Literal["s", "ms", "us", "ns"] = "s"
    delimiter: str = attrs.field(default=",", validator=attrs.validators.min_len(1))
    on_bad_data: Literal["error", "repair"] = "error"
    spike_threshold: float | None = attrs.field(
        default=DEFAULT_SPIKE_THRESHOLD, validator=attrs.validators.optional(attrs.validators.gt(0)))
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


def _wanted(config: FileFeedConfig, available: list[str], source: str) -> dict[str, str]:
    """Our field name -> file column, for the columns present; a missing required one is an error."""
    mapping: dict[str, str] = {}
    for ours in (*REQUIRED, *OPTIONAL):
        theirs = getattr(config.columns, ours)
        if theirs is None:
            continue
        if theirs in available:
            mapping[ours] = theirs
        elif ours in REQUIRED or theirs != ours:
            raise DataFileError(source, f"no column {theirs!r} for {ours} (columns.{ours}); "
                                        f"the file has: {', '.join(map(str, available))}")
    return mapping


def _read_frame(path: Path, fmt: str, config: FileFeedConfig) -> tuple[pd.DataFrame, dict[str, str], RowLabel]:
    source = str(path)
    if fmt == "csv":
        header = list(pd.read_csv(path, sep=config.delimiter, nrows=0).columns)
        mapping = _wanted(config, header, source)
        dtype = {mapping["ts"]: str} if config.ts_format else None
        frame = pd.read_csv(path, sep=config.delimiter, usecols=list(dict.fromkeys(mapping.values())), dtype=dtype,
                            skip_blank_lines=False,
                            encoding_errors="replace" if config.on_bad_data == "repair" else "strict")
        frame = frame[frame.notna().any(axis=1)]  # blank lines: kept while reading so line numbers stay right
        lines = frame.index.to_numpy() + 2
        return frame.reset_index(drop=True), mapping, lambda i: f"line {int(lines[i])}"
    mapping = _wanted(config, list(pq.read_schema(path).names), source)
    table = pq.read_table(path, columns=list(dict.fromkeys(mapping.values())))
    # Column by column, freeing Arrow's buffers as it goes: the peak stays near one copy of the data.
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    release_unused_memory()
    return frame.reset_index(drop=True), mapping, lambda i: f"row {i}"


def _numbers(raw: pd.Series, ours: str, source: str, label: RowLabel, policy: str) -> np.ndarray:
    values = pd.to_numeric(raw, errors="coerce") if not pd.api.types.is_numeric_dtype(raw.dtype) else raw
    array = np.asarray(values, dtype=np.float64)
    if policy == "error":
        bad = np.isnan(array) & raw.notna().to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataQualityError(source, label(i), describe_field(ours, str(raw.name)), raw.iloc[i], "not a number")
    return array


def _encoding_issues(path: Path, config: FileFeedConfig, limit: int = 5) -> tuple[int, list[Issue]]:
    """Lines that are not UTF-8: under ``error`` the first raises; under ``repair`` a count and examples."""
    bad = scan_utf8(path, config.delimiter)
    if bad and config.on_bad_data == "error":
        first = bad[0]
        raise DataQualityError(str(path), f"line {first.line}", f"column {first.column!r}", first.raw,
                               "not valid UTF-8 text; save the file as UTF-8, or set on_bad_data: repair")
    action = ISSUE_KINDS["bad_encoding"][1]
    return len(bad), [Issue("bad_encoding", f"line {b.line}", f"column {b.column!r}", b.raw, action)
                      for b in bad[:limit]]


def read_bars(config: FileFeedConfig, instrument: Instrument) -> CheckedBars:
    """Read, map, validate (and under ``repair`` fix) the bars of ``config.path``."""
    path = resolve_path(config.path)
    source = str(path)
    if not path.is_file():
        raise DataFileError(source, "no such file (relative paths are taken from the current directory)")
    fmt = detect_format(path, config.format)
    undecodable, examples = _encoding_issues(path, config) if fmt == "csv" else (0, [])
    try:
        frame, mapping, label = _read_frame(path, fmt, config)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        if isinstance(exc, MiaError):
            raise
        raise DataFileError(source, f"cannot read as {fmt}: {exc}") from exc
    if frame.empty:
        raise DataFileError(source, "the file has no bars")
    columns: dict[str, Any] = {"ts": parse_timestamps(frame[mapping["ts"]], config.timestamp_spec(), source=source,
                                                      column=mapping["ts"], row_label=label,
                                                      policy=config.on_bad_data)}
    for ours, theirs in mapping.items():
        if ours != "ts":
            columns[ours] = _numbers(frame[theirs], ours, source, label, config.on_bad_data)
    checked = check_bars(columns, instrument, source=source, policy=config.on_bad_data, row_label=label,
                         field_label=mapping, spike_threshold=config.spike_threshold,
                         spike_repair=config.spike_repair)
    if undecodable:
        report = checked.report
        checked = attrs.evolve(checked, report=attrs.evolve(
            report, counts={"bad_encoding": undecodable, **report.counts}, examples=(*examples, *report.examples)))
    if len(checked.series) == 0:
        raise DataFileError(source, "no valid bars left after repair:\n" + checked.report.summary())
    del frame, columns
    release_unused_memory()
    return checked
