"""Bars of any size from .scid records (tick or bar storage), with the file's bid and ask volume, vectorised."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np

from adapters.sierra.files.layout import MICROSECONDS, SierraFileError
from adapters.sierra.files.reader import LIVE_SECONDS, SCID, map_records
from adapters.sierra.files.scid import ScidRecords, decode
from mia_core.data_quality import CheckedBars, check_bars
from mia_core.instruments import Instrument

NS = 1_000_000_000
CHUNK = 1 << 22  # records decoded and aggregated at a time when reading a whole file


def bar_columns(records: ScidRecords, bar_seconds: int, tick_size: float,
                multiplier: float = 1.0) -> dict[str, np.ndarray]:
    """:func:`all_columns`, without bid/ask volume when the records have none (a feed without it)."""
    return _without_empty_flow(all_columns(records, bar_seconds, tick_size, multiplier))


def _without_empty_flow(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    if not (columns["bid_volume"] + columns["ask_volume"]).any():
        del columns["bid_volume"], columns["ask_volume"]
    return columns


def all_columns(records: ScidRecords, bar_seconds: int, tick_size: float,
                multiplier: float = 1.0) -> dict[str, np.ndarray]:
    """Columns (ts at each bar's close, OHLC, volume, bid/ask volume, trade count) of ``bar_seconds`` bars.

    A period ``[k·span, (k+1)·span)`` of UTC time holds the records whose time falls in it (a
    bar record is stamped at its first trade); empty periods give no bar. Tick records count
    once with O=H=L=C=price (their High/Low are the ask/bid, not a range). Prices are
    multiplied by ``multiplier`` (Sierra Chart's Real-Time Price Multiplier) and rounded to
    ``tick_size``. Without any bid/ask volume in the file, those columns are absent (unknown).
    """
    keep = records.traded
    raw = records.raw[keep]
    ts = records.ts[keep]
    tick = records.is_tick[keep]
    span = bar_seconds * NS
    period = ts // span
    if len(period) > 1 and (np.diff(period) < 0).any():  # small steps back in time: group, keep file order
        order = np.argsort(period, kind="stable")
        raw, ts, tick, period = raw[order], ts[order], tick[order], period[order]
    scale = multiplier / tick_size

    def grid(values: np.ndarray) -> np.ndarray:
        return np.round(values.astype(np.float64) * scale) * tick_size

    close = grid(raw["close"])
    high = np.where(tick, close, grid(raw["high"]))
    low = np.where(tick, close, grid(raw["low"]))
    open_ = np.where(tick, close, grid(raw["open"]))
    if len(period) == 0:
        empty = np.zeros(0)
        return {"ts": np.zeros(0, dtype=np.int64), "open": empty, "high": empty, "low": empty, "close": empty,
                "volume": empty, "trade_count": empty, "bid_volume": empty, "ask_volume": empty}
    starts = np.concatenate(([0], np.flatnonzero(np.diff(period)) + 1))
    ends = np.concatenate((starts[1:], [len(period)])) - 1
    columns: dict[str, np.ndarray] = {
        "ts": (period[starts] + 1) * span,
        "open": open_[starts],
        "high": np.maximum.reduceat(high, starts),
        "low": np.minimum.reduceat(low, starts),
        "close": close[ends],
        "volume": np.add.reduceat(raw["total_volume"].astype(np.float64), starts),
        "trade_count": np.add.reduceat(raw["num_trades"].astype(np.float64), starts),
    }
    columns["bid_volume"] = np.add.reduceat(raw["bid_volume"].astype(np.float64), starts)
    columns["ask_volume"] = np.add.reduceat(raw["ask_volume"].astype(np.float64), starts)
    return columns


_SUMS = ("volume", "trade_count", "bid_volume", "ask_volume")


def merge_columns(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Bars of consecutive pieces of one file as one set: a bar split between two pieces is joined."""
    if len(parts) == 1:
        return parts[0]
    joined = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.argsort(joined["ts"], kind="stable")
    joined = {k: v[order] for k, v in joined.items()}
    ts = joined["ts"]
    if len(ts) < 2 or (np.diff(ts) > 0).all():
        return joined
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ts)) + 1))
    ends = np.concatenate((starts[1:], [len(ts)])) - 1
    out = {"ts": ts[starts], "open": joined["open"][starts], "close": joined["close"][ends],
           "high": np.maximum.reduceat(joined["high"], starts), "low": np.minimum.reduceat(joined["low"], starts)}
    out.update({k: np.add.reduceat(joined[k], starts) for k in _SUMS})
    return out


@attrs.frozen
class FileBars:
    """Bars read from a whole .scid file, with what was read."""

    checked: CheckedBars
    records: int
    time_format: str


def file_bars(path: str | Path, instrument: Instrument, bar_seconds: int, *, multiplier: float = 1.0,
              policy: Literal["error", "repair"] = "repair", live_seconds: float = LIVE_SECONDS,
              chunk: int = CHUNK) -> FileBars:
    """Validated bars of a whole file, decoded ``chunk`` records at a time (memory stays bounded by the chunk)."""
    mapped = map_records(path, SCID, live_seconds=live_seconds)
    parts, fmt, previous = [], None, None
    for a in range(0, len(mapped.records), chunk):
        decoded = decode(mapped.records[a:a + chunk], mapped.path, a, fmt, previous)
        fmt = decoded.time_format
        stamped = decoded.ts[decoded.ts != 0]
        previous = int(stamped[-1]) if len(stamped) else previous
        parts.append(all_columns(decoded, bar_seconds, instrument.tick_size, multiplier))
    columns: dict[str, Any] = _without_empty_flow(merge_columns(parts)) if parts else {}
    if not columns:
        raise SierraFileError(mapped.path, SCID.header_size, "the file holds no records")
    checked = check_bars(columns, instrument, source=mapped.path, policy=policy,
                         row_label=lambda i: f"bar {i} (closing {np.datetime64(int(columns['ts'][i]), 'ns')} UTC)")
    return FileBars(checked, len(mapped.records), fmt or MICROSECONDS)


def scid_bars(records: ScidRecords, instrument: Instrument, bar_seconds: int, *, multiplier: float = 1.0,
              policy: Literal["error", "repair"] = "repair") -> CheckedBars:
    """Validated bars of ``bar_seconds`` from ``records`` (a data-quality report names what was repaired)."""
    columns: dict[str, Any] = bar_columns(records, bar_seconds, instrument.tick_size, multiplier)
    return check_bars(columns, instrument, source=records.path, policy=policy,
                      row_label=lambda i: f"bar {i} (closing {np.datetime64(int(columns['ts'][i]), 'ns')} UTC)")


def parse_bar_size(text: str) -> int:
    """``1min``, ``5m``, ``30s``, ``1h``, ``1d`` or a number of seconds, as seconds."""
    units = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
    value = text.strip().lower()
    number = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = value[len(number):] or "s"
    if not number.isdigit() or unit not in units or int(number) < 1:
        raise ValueError(f"bar size {text!r}: expected a number and a unit such as 30s, 1min, 5min, 1h or 1d")
    return int(number) * units[unit]
