"""Reader of the documented long format: one row per option, CSV or Parquet (docs/gex.md).

Snapshot-level values come from columns ``underlying``, ``spot`` and ``ts`` (ISO-8601
with a zone, or integer UTC ns; constant over the file) or from the arguments, which
win. Rejected rows are reported with the file name and row number.
"""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from mia_core.errors import DomainValueError, MiaError
from mia_core.gex.codec import REQUIRED, iso_utc, quote_columns, quotes_from_columns
from mia_core.options import OptionsChainSnapshot
from mia_core.timeutil import to_ns

if TYPE_CHECKING:
    import pandas as pd


@attrs.frozen
class ReadResult:
    """A snapshot read from a file, with the rows that were rejected and why."""

    snapshot: OptionsChainSnapshot
    rejected: tuple[str, ...] = ()


def _constant(frame: pd.DataFrame, column: str, path: Path) -> Any:
    if column not in frame.columns:
        return None
    values = frame[column].dropna().unique()
    if len(values) > 1:
        raise MiaError(f"{path}: column {column!r} must hold one value per file, found {len(values)}")
    return values[0] if len(values) else None


def _timestamp(value: Any, path: Path) -> int:
    import pandas as pd
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return int(value)  # integer UTC nanoseconds (numpy integers included)
    try:
        stamp = pd.Timestamp(str(value))
    except ValueError as exc:
        raise MiaError(f"{path}: ts {value!r} is not a timestamp") from exc
    if stamp.tzinfo is None:
        raise MiaError(f"{path}: ts {value!r} has no time zone; write it in UTC with 'Z' or an offset")
    return to_ns(stamp)


def read_long_format(
    path: str | Path, *, underlying: str | None = None, spot: float | None = None, ts: Any = None
) -> ReadResult:
    """Read a long-format CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``) file."""
    import pandas as pd
    path = Path(path)
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise MiaError(f"{path}: cannot read ({exc})") from exc
    absent = [c for c in REQUIRED if c not in frame.columns]
    if frame.empty and absent:
        raise MiaError(f"{path}: not an options chain: no rows and no long-format columns {', '.join(absent)} "
                       "(a CBOE quotedata.csv has 'Expiration Date,Calls,...' on line 4)")
    if frame.empty:
        raise MiaError(f"{path}: no option rows (an empty chain)")
    name = underlying or _constant(frame, "underlying", path)
    level = spot if spot is not None else _constant(frame, "spot", path)
    moment = ts if ts is not None else _constant(frame, "ts", path)
    for label, value in (("underlying", name), ("spot", level), ("ts", moment)):
        if value is None:
            raise MiaError(f"{path}: no {label}; add a '{label}' column or pass it (--{label} for mia gex)")
    columns = {c: frame[c].tolist() for c in frame.columns}
    try:
        quotes, rejected = quotes_from_columns(columns, str(name), first_row=2)
        if not quotes:
            raise MiaError(f"{path}: no valid option row: {len(rejected)} rejected, first: {path.name} {rejected[0]}")
        snapshot = OptionsChainSnapshot(str(name), _timestamp(moment, path), float(level), quotes, source=path.name,
                                        rejected=len(rejected))
    except DomainValueError as exc:
        raise MiaError(f"{path}: {exc}") from exc
    return ReadResult(snapshot, tuple(f"{path.name} {r}" for r in rejected))


def write_long_format(snapshot: OptionsChainSnapshot, path: str | Path) -> Path:
    """Write ``snapshot`` in the long format (Parquet when the name ends in .parquet, else CSV)."""
    import pandas as pd
    path = Path(path)
    frame = pd.DataFrame(quote_columns(snapshot))
    frame.insert(0, "spot", snapshot.spot)
    frame.insert(0, "ts", iso_utc(snapshot.ts))
    frame.insert(0, "underlying", snapshot.underlying)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path
