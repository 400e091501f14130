"""The news-blackout calendar file: a CSV of scheduled releases (format in docs/risk.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from mia_core.risk.windows import MINUTE_NS, NewsBlackout, NewsBlackoutConfig, NewsEvent, zone

if TYPE_CHECKING:
    pass

REQUIRED = ("time", "title")
OPTIONAL = ("minutes_before", "minutes_after")


class CalendarError(ValueError):
    """A calendar file that cannot be used; the message names the file, line and column."""


def read_calendar(path: str | Path, config: NewsBlackoutConfig) -> list[NewsEvent]:
    """Parse the calendar at ``path``; naive times are in ``config.timezone``.

    Columns: ``time`` (ISO 8601, e.g. ``2024-01-05 08:30`` or with an offset
    ``2024-01-05T08:30:00-05:00``), ``title``, and optionally ``minutes_before`` /
    ``minutes_after`` (blank: the config's defaults). Lines starting with ``#`` are
    comments. Any bad row is an error naming the file and line.
    """
    file = Path(path).expanduser()
    tz = zone("NewsBlackoutConfig", config.timezone)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CalendarError(f"{file}: cannot read the news calendar: {exc}") from exc
    numbered = enumerate(text.splitlines(), 1)
    lines = [(n, line) for n, line in numbered if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise CalendarError(f"{file}: empty news calendar; expected a header line "
                            "'time,title[,minutes_before,minutes_after]'")
    reader = csv.DictReader(line for _, line in lines)
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        raise CalendarError(f"{file} line {lines[0][0]}: columns must be time,title[,minutes_before,minutes_after] "
                            f"(missing {missing}, unknown {unknown})")
    return [_event(row, file, number, tz, config) for (number, _), row in zip(lines[1:], reader, strict=False)]


def _event(row: dict[str, str], file: Path, line: int, tz: ZoneInfo, config: NewsBlackoutConfig) -> NewsEvent:
    where = f"{file} line {line}"
    title = (row.get("title") or "").strip()
    if not title:
        raise CalendarError(f"{where}: 'title' is empty")
    at = _instant(row.get("time") or "", tz, where)
    before = _minutes(row.get("minutes_before"), config.minutes_before, f"{where}: minutes_before")
    after = _minutes(row.get("minutes_after"), config.minutes_after, f"{where}: minutes_after")
    return NewsEvent(title, at, at - round(before * MINUTE_NS), at + round(after * MINUTE_NS))


def _instant(text: str, tz: ZoneInfo, where: str) -> int:
    import pandas as pd
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise CalendarError(f"{where}: time {text!r} is not ISO 8601 (YYYY-MM-DD HH:MM[:SS][+HH:MM])") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return int(pd.Timestamp(moment).value)


def _minutes(text: str | None, default: float, where: str) -> float:
    if text is None or not text.strip():
        return default
    try:
        value = float(text)
    except ValueError as exc:
        raise CalendarError(f"{where}: {text!r} is not a number of minutes") from exc
    if not value >= 0:
        raise CalendarError(f"{where}: {text!r} must be zero or more minutes")
    return value


def blackout_policy(config: NewsBlackoutConfig, events: Iterable[NewsEvent] | None = None) -> NewsBlackout:
    """The ``news_blackout`` policy over the calendar file of ``config`` (or ``events`` given directly)."""
    return NewsBlackout(read_calendar(config.path, config) if events is None else events)
