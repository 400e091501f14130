"""Common bar-file layouts (MIA, Sierra Chart, IB, TradingView, Yahoo, generic): columns and stamp conventions."""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

_FIELDS = ("ts", "time", "open", "high", "low", "close", "volume", "bid_volume", "ask_volume", "trade_count")
ALIASES: dict[str, tuple[str, ...]] = {  # our field -> normalised names a file may use, by preference
    "ts": ("ts", "datetime", "timestamp", "date", "time", "gmttime", "localtime", "barstart"),
    "open": ("open", "openprice", "o"),
    "high": ("high", "highprice", "h"),
    "low": ("low", "lowprice", "l"),
    "close": ("close", "last", "closeprice", "c"),
    "volume": ("volume", "vol", "totalvolume", "v"),
    "bid_volume": ("bidvolume", "bidvol"),
    "ask_volume": ("askvolume", "askvol"),
    "trade_count": ("tradecount", "#oftrades", "numberoftrades", "numtrades", "trades", "barcount"),
}


def normalise(name: object) -> str:
    """A column name compared without case, spaces, underscores or punctuation (``' # of Trades'`` -> ``#oftrades``)."""
    return re.sub(r"[^a-z0-9#]", "", str(name).strip().lower())


@attrs.frozen
class Layout:
    """What a file's header says: its layout's name, our field -> its column, and the stamp convention."""

    name: str
    columns: dict[str, str]
    timestamp_is: str = "close"  # "open" for exports that stamp a bar at its start
    notes: tuple[str, ...] = ()


def find_column(wanted: str, header: Sequence[str]) -> str | None:
    """The header's column named ``wanted``: exactly, else ignoring case and spaces; None when absent."""
    if wanted in header:
        return wanted
    key = normalise(wanted)
    return next((c for c in header if normalise(c) == key), None)


def _by_alias(header: Sequence[str]) -> dict[str, str]:
    by_name = {}
    for column in header:
        by_name.setdefault(normalise(column), column)
    found: dict[str, str] = {}
    for ours, names in ALIASES.items():
        column = next((by_name[n] for n in names if n in by_name and by_name[n] not in found.values()), None)
        if column is not None:
            found[ours] = column
    if normalise(found.get("ts", "")) == "date" and "time" in by_name:
        found["time"] = by_name["time"]  # separate date and time-of-day columns (Sierra Chart)
    return found


def detect_layout(header: Sequence[str]) -> Layout:
    """The layout of a file with columns ``header`` (names as written, leading spaces included)."""
    names = {normalise(c) for c in header}
    columns = _by_alias(header)
    if all(c in header for c in ("ts", "open", "high", "low", "close", "volume")):
        return Layout("MIA", {f: f for f in _FIELDS if f in header and f != "time"})
    if "last" in names and "time" in columns and names & {"#oftrades", "numberoftrades", "bidvolume"}:
        return Layout("Sierra Chart", columns, "open")
    if "barcount" in names or ("average" in names and "date" in names):
        return Layout("Interactive Brokers", columns, "open")
    if "adjclose" in names:
        return Layout("Yahoo Finance", columns, "close", ("'Adj Close' is not used: prices are as traded",))
    if normalise(columns.get("ts", "")) == "time" and "volume" in names and "date" not in names:
        return Layout("TradingView", columns, "open")
    return Layout("generic", columns)


def parse_columns_option(text: str) -> dict[str, str | None]:
    """``ts=Date,close=Last,trade_count=`` (the ``--columns`` flag) to a mapping; an empty value means 'none'."""
    out: dict[str, str | None] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        ours, sep, theirs = part.partition("=")
        ours = ours.strip()
        if not sep or ours not in _FIELDS:
            raise ValueError(f"--columns {part!r}: expected FIELD=COLUMN with FIELD one of {', '.join(_FIELDS)}")
        out[ours] = theirs.strip() or None
    return out
