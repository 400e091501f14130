"""Trades from a CSV or Parquet file (ts, price, size, side columns) as a Tape, each bad row named."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs
import numpy as np

from adapters.replay.file_config import DataFileError, detect_format
from mia_core.errors import DomainValueError
from mia_core.instruments import Instrument
from mia_core.ticks.tape import Tape

if TYPE_CHECKING:
    import pandas as pd

BUYER_WORDS = frozenset({"1", "+1", "1.0", "b", "buy", "buyer", "ask", "a"})
SELLER_WORDS = frozenset({"-1", "-1.0", "s", "sell", "seller", "bid"})
UNKNOWN_WORDS = frozenset({"", "0", "0.0", "n", "nan", "none", "unknown", "u", "?"})
BAR_COLUMNS = ("open", "high", "low", "close")
OFFSET = r"(?:Z|[+-]\d\d:?\d\d)$"  # an ISO 8601 time's UTC offset


@attrs.frozen
class TradeColumns:
    """The file's column name for each field of a trade (names match ignoring case and spaces); ``side`` null:
    the file has no side column (every side unknown)."""

    ts: str = "ts"
    price: str = "price"
    size: str = "size"
    side: str | None = "side"


@attrs.frozen
class TradesFormat:
    """How to read the columns: the file's ``format``, the time zone of times written without one, the unit
    of times written as integers since 1970."""

    format: Literal["auto", "csv", "parquet"] = "auto"
    columns: TradeColumns = attrs.Factory(TradeColumns)
    timezone: str = "UTC"
    epoch_unit: Literal["s", "ms", "us", "ns"] = "ns"


def _where(kind: str, row: int) -> str:
    return f"line {row + 2}" if kind == "csv" else f"row {row}"


def _find(frame: pd.DataFrame, name: str, field: str, path: Path) -> str:
    wanted = name.strip().lower()
    for column in frame.columns:
        if str(column).strip().lower() == wanted:
            return str(column)
    present = [str(c) for c in frame.columns]
    lowered = {c.strip().lower() for c in present}
    if all(c in lowered for c in BAR_COLUMNS) and field == "price":
        raise DataFileError(str(path), f"holds bars (columns {', '.join(present)}), not trades: the ticks feed "
                                       "reads ts, price, size, side; use the file feed for bars")
    raise DataFileError(str(path), f"no {field} column {name!r}; the file has {', '.join(present) or 'no columns'} "
                                   f"(map it with columns.{field})")


def _read(path: Path, kind: str) -> pd.DataFrame:
    import pandas as pd
    try:
        if kind == "csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
        return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise DataFileError(str(path), f"cannot be read as {kind}: {exc}") from exc


def _times(values: pd.Series, fmt: TradesFormat, path: Path, kind: str) -> np.ndarray:
    import pandas as pd
    scale = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[fmt.epoch_unit]
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.DatetimeIndex(values)
    else:
        text = values.astype(str).str.strip()
        numeric = values if pd.api.types.is_numeric_dtype(values) else pd.to_numeric(text, errors="coerce")
        if numeric.notna().all():  # integers since 1970: kept as int64 (a float64 would lose the nanoseconds)
            if pd.api.types.is_integer_dtype(numeric):
                return numeric.to_numpy(np.int64) * scale
            return np.round(numeric.to_numpy(np.float64) * scale).astype(np.int64)
        parsed = pd.DatetimeIndex(pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True))  # fast
        if parsed.isna().any():
            parsed = pd.DatetimeIndex(pd.to_datetime(text, errors="coerce", format="mixed", utc=True))
        bad = np.flatnonzero(parsed.isna())
        if bad.size:
            row = int(bad[0])
            raise DataFileError(str(path), f"{_where(kind, row)}: ts {text.iloc[row]!r} is not a time "
                                           f"(ISO 8601, or an integer of {fmt.epoch_unit} since 1970)")
        zoned = text.str.contains(OFFSET).to_numpy()
        if zoned.all():
            return np.asarray(parsed.as_unit("ns").asi8, dtype=np.int64)
        if zoned.any():
            row = int(np.flatnonzero(~zoned)[0])
            raise DataFileError(str(path), f"{_where(kind, row)}: ts {text.iloc[row]!r} has no UTC offset while "
                                           f"{_where(kind, int(np.flatnonzero(zoned)[0]))} has one: write all or none")
        stamps = pd.DatetimeIndex(parsed.tz_localize(None))  # the times as written, in ``timezone``
    if stamps.tz is None:
        try:
            stamps = stamps.tz_localize(fmt.timezone)
        except (ValueError, TypeError) as exc:  # a time that does not exist or is ambiguous there (DST changes)
            raise DataFileError(str(path), f"ts in {fmt.timezone}: {exc}; write the times in UTC or with an "
                                           "offset") from exc
    return np.asarray(stamps.tz_convert("UTC").as_unit("ns").asi8, dtype=np.int64)


def _numbers(values: pd.Series, field: str, path: Path, kind: str) -> np.ndarray:
    import pandas as pd
    numbers = pd.to_numeric(values.astype(str).str.strip() if values.dtype == object else values, errors="coerce")
    bad = np.flatnonzero(numbers.isna())
    if bad.size:
        row = int(bad[0])
        raise DataFileError(str(path), f"{_where(kind, row)}: {field} {values.iloc[row]!r} is not a number")
    return np.asarray(numbers, dtype=np.float64)


def _sides(values: pd.Series, path: Path, kind: str) -> np.ndarray:
    words = values.astype(str).str.strip().str.lower()
    side = np.zeros(len(words), dtype=np.int8)
    side[words.isin(BUYER_WORDS).to_numpy()] = 1
    side[words.isin(SELLER_WORDS).to_numpy()] = -1
    known = words.isin(BUYER_WORDS | SELLER_WORDS | UNKNOWN_WORDS).to_numpy()
    if not known.all():
        row = int(np.flatnonzero(~known)[0])
        raise DataFileError(str(path), f"{_where(kind, row)}: side {values.iloc[row]!r} is not a side "
                                       "(1/buy/ask: the buyer crossed; -1/sell/bid: the seller; 0 or empty: unknown)")
    return side


def read_trades(path: Path, instrument: Instrument, fmt: TradesFormat | None = None) -> Tape:
    """The trades of a CSV or Parquet file as a Tape, in time order (ties kept in file order).

    Columns ``ts`` (ISO 8601 times, in ``timezone`` when they carry no offset, or integers
    since 1970 in ``epoch_unit``), ``price`` (on the instrument's tick grid), ``size``
    (whole contracts) and ``side`` (``1``/``buy``/``ask``, ``-1``/``sell``/``bid``,
    ``0``/empty unknown). A file of bars, a missing column or a bad value is an error
    naming the file, the line (CSV) or row (Parquet) and the value.
    """
    fmt = fmt or TradesFormat()
    kind = detect_format(path, fmt.format)
    frame = _read(path, kind)
    cols = fmt.columns
    ts = _times(frame[_find(frame, cols.ts, "ts", path)], fmt, path, kind)
    price = _numbers(frame[_find(frame, cols.price, "price", path)], "price", path, kind)
    size = _numbers(frame[_find(frame, cols.size, "size", path)], "size", path, kind)
    side = (_sides(frame[_find(frame, cols.side, "side", path)], path, kind) if cols.side is not None
            else np.zeros(len(frame), dtype=np.int8))
    whole = np.flatnonzero(size != np.round(size))
    if whole.size:
        row = int(whole[0])
        raise DataFileError(str(path), f"{_where(kind, row)}: size {size[row]} is not a whole number of contracts")
    order = np.argsort(ts, kind="stable")
    try:
        return Tape(instrument, ts[order], price[order], size[order].astype(np.int64), side[order])
    except DomainValueError as exc:
        field, _, index = exc.field.partition("[")
        row = int(order[int(index.rstrip("]"))]) if index else 0
        value = exc.value.item() if isinstance(exc.value, np.generic) else exc.value
        raise DataFileError(str(path), f"{_where(kind, row)}: {field} {value!r}: {exc.reason}") from exc
