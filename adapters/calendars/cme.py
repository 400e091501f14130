"""The CME Globex equity calendar (pandas-market-calendars ``CME_Equity``) as a pure SessionCalendar."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import zipfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mia_core.calc.session_calendar import SessionCalendar

if TYPE_CHECKING:
    import pandas as pd

CALENDAR = "CME_Equity"
ZONE = "America/Chicago"
LONDON_OPEN = dt.time(2, 0)  # 08:00 London in winter; Chicago local time keeps the segment on the clock traders use
RTH_OPEN = dt.time(8, 30)  # 09:30 New York
RTH_CLOSE = dt.time(15, 0)  # 16:00 New York
FIRST_DAY = "1990-01-01"
LAST_DAY = "2035-12-31"


def _local(days: pd.DatetimeIndex, at: dt.time) -> np.ndarray:
    import pandas as pd

    stamps = (days.tz_localize(None).normalize() + pd.Timedelta(hours=at.hour, minutes=at.minute)).tz_localize(ZONE)
    return stamps.tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[ns]").view(np.int64)


def _utc_ns(column: pd.Series) -> np.ndarray:
    return column.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view(np.int64)


def build_calendar(start: str = FIRST_DAY, end: str = LAST_DAY) -> SessionCalendar:
    """Trading days from ``start`` to ``end`` (YYYY-MM-DD) of CME Globex equity index futures.

    Session open and close (holidays left out, early closes kept) come from
    pandas-market-calendars; the London and New York regular-hours boundaries are
    02:00, 08:30 and 15:00 Chicago time of each trading day, cut at an early close.
    Times are converted to UTC per day, so daylight-saving changes land where they do.
    """
    import pandas as pd
    import pandas_market_calendars as mcal

    calendar = mcal.get_calendar(CALENDAR)
    schedule = calendar.schedule(start, end)
    days = pd.DatetimeIndex(schedule.index)
    close = _utc_ns(schedule["market_close"])
    early = days.isin(calendar.early_closes(schedule).index)
    return SessionCalendar(
        source=f"pandas-market-calendars {mcal.__version__} {CALENDAR}",
        open=_utc_ns(schedule["market_open"]),
        london=np.minimum(_local(days, LONDON_OPEN), close),
        rth_open=np.minimum(_local(days, RTH_OPEN), close),
        rth_close=np.minimum(_local(days, RTH_CLOSE), close),
        close=close,
        early_close=early,
    )


COLUMNS = ("open", "london", "rth_open", "rth_close", "close", "early_close")


def cache_path() -> Path:
    """Where the built calendar is kept: ``$MIA_HOME/cache`` (else ``~/.mia/cache``), one file per version of the
    calendar libraries and of this module, so an upgrade builds it anew."""
    versions = "-".join(_version(name) for name in ("pandas-market-calendars", "exchange-calendars"))
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    home = Path(os.environ.get("MIA_HOME") or "~/.mia").expanduser()
    return home / "cache" / f"cme-{CALENDAR}-{FIRST_DAY}-{LAST_DAY}-{versions}-{code}.npz"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def _load(path: Path) -> SessionCalendar | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            return SessionCalendar(str(stored["source"]), *(stored[name] for name in COLUMNS))
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):  # absent, cut short, another layout: rebuilt
        return None


def _store(calendar: SessionCalendar, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")
        np.savez(partial, source=np.array(calendar.source), **{name: getattr(calendar, name) for name in COLUMNS})
        partial.replace(path)  # whole or not at all: another process may be reading it
    except OSError:  # a read-only home: the calendar is built in each process instead
        pass


@functools.cache
def cme_calendar() -> SessionCalendar:
    """The CME calendar from 1990 to 2035, built once per process, read from the cache after the first build.

    Building it imports pandas and pandas-market-calendars (~90 MB of memory); reading
    the cached arrays imports neither.
    """
    path = cache_path()
    calendar = _load(path)
    if calendar is None:
        calendar = build_calendar()
        _store(calendar, path)
    return calendar
