"""Bar replay from CSV and Parquet files: layout detection, column mapping, reading, validation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from adapters.replay.arrow_bars import arrow_columns, read_table
from adapters.replay.encoding import scan_utf8
from adapters.replay.file_config import (
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    ColumnMap,
    DataFileError,
    FileFeedConfig,
    detect_format,
    resolve_path,
)
from adapters.replay.layouts import Layout, detect_layout, find_column
from adapters.replay.memory import release_unused_memory
from adapters.replay.stamps import Stamping, bar_label, infer_bar_seconds, stamping
from adapters.replay.timestamps import parse_timestamps
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

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CSV_SUFFIXES", "PARQUET_SUFFIXES", "ColumnMap", "DataFileError", "FileFeedConfig", "FileReading",
           "detect_format", "read_bars", "read_file", "resolve_path"]


@attrs.frozen
class FileReading:
    """What MIA made of a bar file: its layout, the columns used, the assumptions made and the checked bars."""

    path: str
    format: str
    layout: str
    columns: dict[str, str]
    notes: tuple[str, ...]
    bar_seconds: int | None
    checked: CheckedBars

    @property
    def bar_size(self) -> str:
        """The inferred bar size in words (``1 min``, ``1 day``), ``unknown`` with fewer than two bars."""
        return bar_label(self.bar_seconds)


def _wanted(config: FileFeedConfig, available: list[str], source: str) -> dict[str, str]:
    """Our field name -> file column (matched ignoring case and spaces); a missing required one is an error."""
    mapping: dict[str, str] = {}
    for ours in ("ts", "time", *REQUIRED[1:], *OPTIONAL):
        theirs = getattr(config.columns, ours)
        if theirs is None:
            continue
        found = find_column(theirs, available)
        if found is not None:
            mapping[ours] = found
        elif ours in REQUIRED or theirs != ours:
            raise DataFileError(source, f"no column {theirs!r} for {ours} (columns.{ours}, --columns {ours}=...); "
                                        f"the file has: {', '.join(map(str, available))}")
    return mapping


def _explicit(config: FileFeedConfig, detected: Layout, header: list[str], source: str) -> dict[str, str]:
    """The columns named in ``columns``; a field left at its default name falls back on the detected layout."""
    defaults = ColumnMap()
    mapping: dict[str, str] = {}
    for field in ("ts", "time", *REQUIRED[1:], *OPTIONAL):
        wanted = getattr(config.columns, field)
        explicit = wanted != getattr(defaults, field)
        if explicit and wanted is None:
            continue
        found = find_column(wanted, header) if wanted else None
        if found is None and not explicit and (field != "time" or detected.columns.get("ts") == mapping["ts"]):
            found = detected.columns.get(field)
        if found is not None:
            mapping[field] = found
        elif explicit or field in REQUIRED:
            raise DataFileError(source, f"no column {wanted or field!r} for {field} (columns.{field}, --columns "
                                        f"{field}=...); the file has: {', '.join(map(str, header))}")
    return mapping


def _layout(config: FileFeedConfig, header: list[str], source: str) -> tuple[Layout, dict[str, str]]:
    """The file's layout and our field -> its column: detected when ``columns`` is left at its default."""
    layout = detect_layout(header)
    if config.columns != ColumnMap():
        return Layout("mapped by columns", {}), _explicit(config, layout, header, source)
    if layout.name == "MIA":
        return layout, _wanted(config, header, source)
    missing = [f for f in REQUIRED if f not in layout.columns]
    if missing:
        raise DataFileError(source, f"cannot tell which column holds {', '.join(missing)}; the file has: "
                                    f"{', '.join(map(str, header))}; name them with --columns (e.g. "
                                    f"--columns ts=Date,close=Last) or columns: in the YAML (docs/data.md)")
    return layout, dict(layout.columns)


def _header(path: Path, fmt: str, config: FileFeedConfig) -> list[str]:
    if fmt == "csv":
        import pandas as pd  # here, not at the top: a Parquet file of plain columns is read without pandas

        return [str(c) for c in pd.read_csv(path, sep=config.delimiter, nrows=0).columns]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    return [str(c) for c in pq.read_schema(path).names]


def _read_frame(path: Path, fmt: str, config: FileFeedConfig, mapping: dict[str, str],
                table: Any = None) -> tuple[pd.DataFrame, RowLabel]:
    import pandas as pd

    wanted = list(dict.fromkeys(mapping.values()))
    if fmt == "csv":
        text = [mapping[k] for k in ("ts", "time") if k in mapping] if (config.ts_format or "time" in mapping) else []
        frame = pd.read_csv(path, sep=config.delimiter, usecols=wanted, dtype=dict.fromkeys(text, str) or None,
                            skip_blank_lines=False,
                            encoding_errors="replace" if config.on_bad_data == "repair" else "strict")
        frame = frame[frame.notna().any(axis=1)]  # blank lines: kept while reading so line numbers stay right
        lines = frame.index.to_numpy() + 2
        return frame.reset_index(drop=True), lambda i: f"line {int(lines[i])}"
    table = read_table(path, mapping) if table is None else table
    # Column by column, freeing Arrow's buffers as it goes: the peak stays near one copy of the data.
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    release_unused_memory()
    return frame.reset_index(drop=True), lambda i: f"row {i}"


def _numbers(raw: pd.Series, ours: str, source: str, label: RowLabel, policy: str) -> np.ndarray:
    """The column as a float64 array of its own (never a view of the frame's memory, which is freed next)."""
    import pandas as pd

    values = pd.to_numeric(raw, errors="coerce") if not pd.api.types.is_numeric_dtype(raw.dtype) else raw
    array = np.array(values, dtype=np.float64)
    if policy == "error":
        bad = np.isnan(array) & raw.notna().to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataQualityError(source, label(i), describe_field(ours, str(raw.name)), raw.iloc[i], "not a number")
    return array


def _timestamps(frame: pd.DataFrame, mapping: dict[str, str], how: Stamping, config: FileFeedConfig, source: str,
                label: RowLabel) -> Any:
    raw = frame[mapping["ts"]]
    column = mapping["ts"]
    if "time" in mapping:
        raw = raw.astype("string").str.strip() + " " + frame[mapping["time"]].astype("string").str.strip()
        column = f"{mapping['ts']} + {mapping['time']}"
    ns = parse_timestamps(raw, how.spec, source=source, column=column, row_label=label, policy=config.on_bad_data)
    if how.shift_by_inferred_bar:
        bar = infer_bar_seconds(ns)
        if bar:
            ns[ns != np.iinfo(np.int64).min] += bar * 10**9
    return ns


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


def read_file(config: FileFeedConfig, instrument: Instrument) -> FileReading:
    """Read ``config.path``: detect its layout, map, parse, validate (and under ``repair`` fix) its bars."""
    path = resolve_path(config.path)
    source = str(path)
    if not path.is_file():
        raise DataFileError(source, "no such file (relative paths are taken from the current directory)")
    fmt = detect_format(path, config.format)
    undecodable, examples = _encoding_issues(path, config) if fmt == "csv" else (0, [])
    try:
        header = _header(path, fmt, config)
        layout, mapping = _layout(config, header, source)
        table = read_table(path, mapping) if fmt == "parquet" else None
        plain = arrow_columns(table, mapping, config.timestamp_spec()) if layout.name == "MIA" and table is not None \
            else None
        if plain is None:
            frame, label = _read_frame(path, fmt, config, mapping, table)
        del table
    except (OSError, ValueError) as exc:  # pandas' ParserError is a ValueError
        if isinstance(exc, MiaError):
            raise
        raise DataFileError(source, f"cannot read as {fmt}: {exc}") from exc
    if plain is not None:  # a MIA-layout file is stamped as its settings say (what stamping() returns for it)
        return _checked(path, fmt, layout, mapping, Stamping(config.timestamp_spec()), plain, lambda i: f"row {i}",
                        config, instrument, (0, []))
    if frame.empty:
        raise DataFileError(source, "the file has no bars")
    how = stamping(config, layout, frame[mapping["ts"]], has_time_column="time" in mapping)
    columns: dict[str, Any] = {"ts": _timestamps(frame, mapping, how, config, source, label)}
    numeric = [(ours, theirs) for ours, theirs in mapping.items() if ours not in ("ts", "time")]
    for n, (ours, theirs) in enumerate(numeric):
        columns[ours] = _numbers(frame[theirs], ours, source, label, config.on_bad_data)
        if all(theirs != later for _, later in numeric[n + 1:]):
            del frame[theirs]  # its memory goes back now: the file is held once, not twice, while it converts
    del frame
    release_unused_memory()
    return _checked(path, fmt, layout, mapping, how, columns, label, config, instrument, (undecodable, examples))


def _checked(path: Path, fmt: str, layout: Layout, mapping: dict[str, str], how: Stamping, columns: dict[str, Any],
             label: RowLabel, config: FileFeedConfig, instrument: Instrument,
             encoding: tuple[int, list[Issue]]) -> FileReading:
    """The read columns checked (and under ``repair`` fixed) as bars, with what was made of the file."""
    source = str(path)
    undecodable, examples = encoding
    field_label = {k: v for k, v in mapping.items() if k != "time"}
    checked = check_bars(columns, instrument, source=source, policy=config.on_bad_data, row_label=label,
                         field_label=field_label, spike_threshold=config.spike_threshold,
                         spike_repair=config.spike_repair, owned=True)
    if undecodable:
        report = checked.report
        checked = attrs.evolve(checked, report=attrs.evolve(
            report, counts={"bad_encoding": undecodable, **report.counts}, examples=(*examples, *report.examples)))
    if len(checked.series) == 0:
        raise DataFileError(source, "no valid bars left after repair:\n" + checked.report.summary())
    columns.clear()  # the caller's dict too: under repair it held the columns before their fixes
    bar_seconds = infer_bar_seconds(checked.series.ts)
    release_unused_memory()  # last: the checks' and the inference's temporaries are freed by now
    notes = (*layout.notes, *how.notes)
    return FileReading(source, fmt, layout.name, mapping, notes, bar_seconds, checked)


def read_bars(config: FileFeedConfig, instrument: Instrument) -> CheckedBars:
    """Read, map, validate (and under ``repair`` fix) the bars of ``config.path``."""
    return read_file(config, instrument).checked
