"""Timestamp columns of bar files to UTC nanoseconds at bar close: zones, formats, epochs, dates."""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Literal, cast

import attrs
import numpy as np

from mia_core.data_quality import NAT, DataQualityError, Policy, RowLabel, describe_field
from mia_core.series import IntArray

if TYPE_CHECKING:
    import pandas as pd

_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")
_DAY_NS = 86_400 * 10**9


@attrs.frozen
class TimestampSpec:
    """How a file's timestamp column is read (built from a feed's config)."""

    timezone: str = "UTC"
    ts_format: str | None = None
    epoch_unit: Literal["s", "ms", "us", "ns"] = "s"
    close_time: str | None = None
    open_to_close_seconds: int = 0


class _Fail:
    """Raises for the first row of a mask, naming source, row and column."""

    def __init__(self, source: str, label: RowLabel, column: str, raw: pd.Series) -> None:
        self.source, self.label, self.column, self.raw = source, label, column, raw

    def __call__(self, bad: np.ndarray, reason: str) -> None:
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            value = self.raw.iloc[i]
            shown = value.item() if isinstance(value, np.generic) else value
            raise DataQualityError(self.source, self.label(i), describe_field("ts", self.column), shown, reason)


def _parse_text(raw: pd.Series, spec: TimestampSpec, fail: _Fail) -> pd.Series:
    import pandas as pd
    text = raw.astype("string").str.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format": parsed one by one, still checked
        try:
            return cast(pd.Series, pd.to_datetime(text, format=spec.ts_format, errors="coerce"))
        except ValueError:  # several UTC offsets (DST) or a mix of zoned and naive values
            aware = text.str.contains(_OFFSET, na=False).to_numpy()
            fail(~aware & text.notna().to_numpy(), "has no UTC offset while other rows have one")
            return cast(pd.Series, pd.to_datetime(text, format=spec.ts_format, errors="coerce", utc=True))


def _localize(parsed: pd.Series, spec: TimestampSpec, fail: _Fail, policy: Policy) -> pd.Series:
    import pandas as pd
    try:
        return cast(pd.Series, parsed.dt.tz_localize(spec.timezone, ambiguous="infer", nonexistent="raise"))
    except Exception:  # pandas/pytz raise several types for DST trouble
        strict = cast(pd.Series, parsed.dt.tz_localize(spec.timezone, ambiguous="NaT", nonexistent="NaT"))
        bad = (strict.isna() & parsed.notna()).to_numpy()
        if policy == "error":
            fail(bad, f"local time is ambiguous or does not exist in {spec.timezone} (daylight-saving change)")
        return strict


def _add_close_time(parsed: pd.Series, spec: TimestampSpec, fail: _Fail) -> pd.Series:
    import pandas as pd
    if spec.close_time is None:
        return parsed
    hours, minutes = (int(part) for part in spec.close_time.split(":"))
    fail((parsed.notna() & (parsed != parsed.dt.normalize())).to_numpy(),
         f"close_time {spec.close_time!r} is set, so timestamps must be dates without a time of day")
    return parsed + pd.Timedelta(hours=hours, minutes=minutes)


def _check_dates_need_close_time(ns: IntArray, naive_local: pd.Series, spec: TimestampSpec, fail: _Fail) -> None:
    """Date-only daily stamps would put each bar's close at midnight, before the day traded: refuse."""
    valid = ns[ns != NAT]
    if spec.close_time is not None or spec.open_to_close_seconds or len(valid) < 2:
        return
    midnight = (naive_local.dropna() == naive_local.dropna().dt.normalize()).all()
    if midnight and float(np.median(np.diff(np.sort(valid)))) >= 20 * 3600 * 1e9:
        fail(np.asarray(naive_local.notna()),
             "daily timestamps have no time of day; set close_time (e.g. '16:00' with timezone America/New_York) "
             "so each bar is stamped at its close, not at midnight before it traded")


def parse_timestamps(raw: pd.Series, spec: TimestampSpec, *, source: str, column: str, row_label: RowLabel,
                     policy: Policy) -> IntArray:
    """The column ``raw`` as int64 UTC ns at bar close; NaT (pandas' int64 minimum) where unreadable.

    Numbers are epoch times in ``spec.epoch_unit`` (always UTC). Text and datetime values
    with a zone or offset are converted; naive ones are taken as local time in
    ``spec.timezone``. Under policy ``error`` an unreadable value raises naming the row.
    """
    import pandas as pd
    fail = _Fail(source, row_label, column, raw)
    present = raw.notna().to_numpy()
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype) and not spec.ts_format:
        parsed = pd.to_datetime(raw, unit=spec.epoch_unit, errors="coerce", utc=True)
    elif isinstance(raw.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(raw.dtype):
        parsed = raw
    else:
        parsed = _parse_text(raw, spec, fail)
    if policy == "error":
        fail(present & parsed.isna().to_numpy(), "not a readable timestamp" + (
            f" (ts_format {spec.ts_format!r})" if spec.ts_format else "; set ts_format (strftime codes)"))
    if parsed.dt.tz is None:
        parsed = _add_close_time(parsed, spec, fail)
        naive_local = parsed
        parsed = _localize(parsed, spec, fail, policy)
    else:
        naive_local = parsed.dt.tz_convert(spec.timezone).dt.tz_localize(None)
    utc = parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    ns: IntArray = utc.view(np.int64).copy()
    ns[ns != NAT] += spec.open_to_close_seconds * 10**9
    _check_dates_need_close_time(ns, naive_local, spec, fail)
    return ns
