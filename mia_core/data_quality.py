"""Validation and repair of bar data before it becomes a BarSeries: pure numpy/pandas, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.errors import MiaError
from mia_core.instruments import Instrument
from mia_core.series import BarSeries, FloatArray, IntArray
from mia_core.spikes import DEFAULT_SPIKE_THRESHOLD, SpikeRepair, clip_spikes, find_spikes
from mia_core.timeutil import CHICAGO
from mia_core.wallclock import local_ns

Policy = Literal["error", "repair"]
NAT = np.iinfo(np.int64).min  # pandas' NaT as int64: a missing timestamp
PRICES, OPTIONAL = ("open", "high", "low", "close"), ("bid_volume", "ask_volume", "trade_count")
REQUIRED = ("ts", *PRICES, "volume")
NEW_YORK = ZoneInfo("America/New_York")
DAY_NS, DAILY_GAP_DAYS, INTRADAY_GAP_FACTOR, _GRID_TOLERANCE = 86_400 * 10**9, 4, 3, 1e-6

ISSUE_KINDS: Mapping[str, tuple[str, str]] = {  # kind -> (reason, repair)
    "missing": ("missing, unparseable or not finite", "row dropped"),
    "non_positive_price": ("price is zero or negative", "row dropped"),
    "negative_volume": ("volume is negative", "row dropped (order-flow columns: set to unknown)"),
    "bad_trade_count": ("trade count is negative or not a whole number", "set to unknown"),
    "unordered_ts": ("timestamp earlier than the previous row's", "rows sorted by time"),
    "duplicate_ts": ("timestamp equal to an earlier row's", "row dropped (first kept)"),
    "high_below_low": ("high is below low", "high and low swapped"),
    "off_grid": ("price not on the instrument's tick grid", "rounded to the nearest tick"),
    "open_outside_range": ("open outside [low, high]", "clipped into [low, high]"),
    "close_outside_range": ("close outside [low, high]", "clipped into [low, high]"),
    "order_flow_exceeds_volume": ("bid_volume + ask_volume exceeds volume", "volume raised to bid + ask"),
    "spike": ("price far outside both neighbouring bars (see docs/data.md for the rule)",
              "clipped into the neighbours' range (row dropped if all four prices spiked)"),
    "bad_encoding": ("bytes that are not UTF-8 text (wrong encoding or a damaged file?)",
                     "reported; a number in such a cell is unreadable (missing)"),
    "gap": ("bars missing (see docs/data.md for the rule)", "reported only, never filled"),
}
RowLabel = Callable[[int], str]


def default_row_label(position: int) -> str:
    """``row <position>`` (0-based): the label used when the source gives none."""
    return f"row {position}"


def describe_field(name: str, column: str | None = None) -> str:
    """``column 'High' (high)`` for a source column named differently from our field, else ``column 'high'``."""
    column = column or name
    return f"column {column!r}" if column == name else f"column {column!r} ({name})"


class DataQualityError(MiaError, ValueError):
    """Bad input under policy ``error``: names the source, the row, the field, the value and why."""

    def __init__(self, source: str, row: str, field: str, value: object, reason: str) -> None:
        self.source, self.row, self.field, self.value, self.reason = source, row, field, value, reason
        super().__init__(f"{source}, {row}, {field}: value {value!r}: {reason}")


@attrs.frozen
class Issue:
    """One example of a problem: where it was, the value found and what was done about it."""

    kind: str
    row: str
    field: str
    value: object
    action: str


@attrs.frozen
class DataQualityReport:
    """What validation found and repaired: ``counts`` maps a kind of ISSUE_KINDS to affected rows."""

    source: str
    policy: Policy
    rows_read: int
    rows_kept: int
    counts: Mapping[str, int]
    examples: tuple[Issue, ...]

    def count(self, kind: str) -> int:
        """Rows affected by ``kind`` (0 if none)."""
        return self.counts.get(kind, 0)

    @property
    def clean(self) -> bool:
        """True when nothing was found, not even a gap."""
        return not self.counts

    @property
    def repairs(self) -> int:
        """Rows changed or dropped (gaps and undecodable text excluded: they are only reported)."""
        return sum(n for kind, n in self.counts.items() if kind not in ("gap", "bad_encoding"))

    def headline(self) -> str:
        """One line: rows read and kept, each repair with its count and action, the number of gaps."""
        head = f"{self.source}: {self.rows_read:,} rows read, {self.rows_kept:,} kept"
        if self.clean:
            return head + "; no problems found"
        fixed = [f"{kind} {n:,} ({ISSUE_KINDS[kind][1]})" for kind, n in self.counts.items() if kind != "gap"]
        parts = [head] + (["repaired: " + ", ".join(fixed)] if fixed else [])
        gaps = self.count("gap")
        if gaps:
            parts.append(f"{gaps:,} gap{'s' if gaps > 1 else ''} (bars missing, reported only)")
        return "; ".join(parts)

    def summary(self) -> str:
        """Multi-line human-readable report for logs and the console."""
        head = f"{self.source}: {self.rows_read} rows read, {self.rows_kept} kept (on_bad_data={self.policy})"
        if self.clean:
            return head + "; no problems found"
        lines = [head]
        for kind, n in self.counts.items():
            reason, action = ISSUE_KINDS[kind]
            lines.append(f"  {kind}: {n} row(s): {reason}; {action}")
            lines += [f"    {e.row}, {e.field}: {e.value!r} -> {e.action}" for e in self.examples if e.kind == kind]
        return "\n".join(lines)


@attrs.frozen
class CheckedBars:
    """A validated series, its trade counts (NaN = unknown, None = no column) and the report."""

    series: BarSeries
    trade_count: FloatArray | None
    report: DataQualityReport


class _Checker:
    """Holds the columns while checks run; records or raises per policy."""

    def __init__(self, columns: Mapping[str, Any], instrument: Instrument, source: str, policy: Policy,
                 row_label: RowLabel, field_label: Mapping[str, str], max_examples: int, owned: bool = False) -> None:
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise ValueError(f"{source}: check_bars needs columns {', '.join(missing)}")

        def column(values: Any, dtype: type[np.generic]) -> npt.NDArray[Any]:
            if owned:  # copied only when not already a writable contiguous array of that dtype
                return np.require(values, dtype=dtype, requirements=["C", "W"])
            return np.array(values, dtype=dtype)

        self.c: dict[str, npt.NDArray[Any]] = {"ts": column(columns["ts"], np.int64)}
        for name in (*REQUIRED[1:], *OPTIONAL):
            if columns.get(name) is not None:
                self.c[name] = column(columns[name], np.float64)
        self.pos: IntArray = np.arange(len(self.c["ts"]), dtype=np.int64)
        self.instrument, self.source, self.policy = instrument, source, policy
        self.row_label, self.field_label, self.max_examples = row_label, field_label, max_examples
        self.counts: dict[str, int] = {}
        self.examples: list[Issue] = []
        self.pending: list[tuple[int, int, str, str, int]] = []  # (position, kind order, kind, field, index)
        self.spike_threshold: float | None = None
        self.spike_repair: SpikeRepair = "clip"

    def field_name(self, name: str) -> str:
        return describe_field(name, self.field_label.get(name))

    def value(self, field: str, i: int) -> object:
        raw = self.c[field][i]
        return _show_ts(int(raw)) if field == "ts" else raw.item()

    def found(self, kind: str, field: str, mask: npt.NDArray[np.bool_],
              action: str | Callable[[int], str] | None = None) -> None:
        """Record rows in ``mask`` as ``kind`` (policy error: remember the first for raising)."""
        hits = np.flatnonzero(mask)
        if hits.size == 0:
            return
        if self.policy == "error" and kind != "gap":
            i = int(hits[0])
            self.pending.append((int(self.pos[i]), list(ISSUE_KINDS).index(kind), kind, field, i))
            return
        self.counts[kind] = self.counts.get(kind, 0) + int(hits.size)
        for i in hits[: self.max_examples].tolist():
            done = action(i) if callable(action) else action or ISSUE_KINDS[kind][1]
            label = self.row_label(int(self.pos[i]))
            self.examples.append(Issue(kind, label, self.field_name(field), self.value(field, i), done))

    def raise_first(self) -> None:
        if self.pending:
            position, _, kind, field, i = min(self.pending, key=lambda p: (p[0], p[1]))
            reason = ISSUE_KINDS[kind][0]
            if kind == "off_grid":
                reason += f" of {self.instrument.tick_size} ({self.instrument.symbol})"
            elif kind in ("high_below_low", "open_outside_range", "close_outside_range"):
                reason += f" (low {self.c['low'][i]}, high {self.c['high'][i]})"
            elif kind in ("unordered_ts", "duplicate_ts"):
                reason += f" ({_show_ts(int(self.c['ts'][i - 1]))})"
            elif kind == "spike":
                reason = (f"price more than {self.spike_threshold:g} x the median bar range outside the bars "
                          f"before and after (low {self.c['low'][i - 1]}..{self.c['low'][i + 1]}, high "
                          f"{self.c['high'][i - 1]}..{self.c['high'][i + 1]}); a fat-finger print? Set "
                          "on_bad_data: repair, or raise spike_threshold (null turns the check off)")
            label = self.row_label(position)
            raise DataQualityError(self.source, label, self.field_name(field), self.value(field, i), reason)

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:  # repair only
        if self.policy == "repair" and not mask.all():
            self.c = {name: col[mask] for name, col in self.c.items()}
            self.pos = self.pos[mask]


def _show_ts(ns: int) -> str:
    import pandas as pd  # here, not at the top: only a reported issue needs it

    return "NaT" if ns == NAT else pd.Timestamp(ns, unit="ns", tz="UTC").isoformat()


def _first_field_masks(c: Mapping[str, npt.NDArray[Any]], names: tuple[str, ...],
                       bad: Callable[[npt.NDArray[Any]], npt.NDArray[np.bool_]],
                       seen: npt.NDArray[np.bool_] | None = None) -> dict[str, npt.NDArray[np.bool_]]:
    """Per field, rows where ``bad`` holds and neither ``seen`` nor an earlier field was bad (one report per row)."""
    seen = np.zeros(len(c["ts"]), dtype=bool) if seen is None else seen.copy()
    masks = {}
    for name in names:
        masks[name] = bad(c[name]) & ~seen
        seen |= masks[name]
    return masks


def _drop_bad_rows(k: _Checker) -> None:
    c = k.c
    drop = c["ts"] == NAT
    missing = {"ts": drop} | _first_field_masks(c, REQUIRED[1:], lambda a: ~np.isfinite(a), drop)
    for name, mask in missing.items():
        k.found("missing", name, mask)
        drop = drop | mask
    for name, mask in _first_field_masks(c, PRICES, lambda a: a <= 0, drop).items():
        k.found("non_positive_price", name, mask)
        drop |= mask
    k.found("negative_volume", "volume", (c["volume"] < 0) & ~drop)
    k.keep(~(drop | (c["volume"] < 0)))
    for name in ("bid_volume", "ask_volume"):
        if name in k.c:
            mask = k.c[name] < 0
            k.found("negative_volume", name, mask, "set to unknown (NaN)")
            k.c[name][mask] = np.nan
    if "trade_count" in k.c:
        tc = k.c["trade_count"]
        mask = (tc < 0) | (np.isfinite(tc) & (tc != np.round(tc)))
        k.found("bad_trade_count", "trade_count", mask)
        tc[mask] = np.nan


def _order(k: _Checker) -> None:
    ts = k.c["ts"]
    k.found("unordered_ts", "ts", np.r_[False, ts[1:] < ts[:-1]])
    if k.policy == "error":
        k.found("duplicate_ts", "ts", np.r_[False, ts[1:] == ts[:-1]])
        return
    order = np.argsort(ts, kind="stable")
    k.c = {name: col[order] for name, col in k.c.items()}
    k.pos = k.pos[order]
    ts = k.c["ts"]
    dup = np.r_[False, ts[1:] == ts[:-1]]
    k.found("duplicate_ts", "ts", dup)
    k.keep(~dup)


def _prices(k: _Checker) -> None:
    c, repair = k.c, k.policy == "repair"
    swap = c["high"] < c["low"]
    k.found("high_below_low", "high", swap)
    if repair:
        c["high"][swap], c["low"][swap] = c["low"][swap], c["high"][swap].copy()
    tick = k.instrument.tick_size

    def off(a: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
        ticks = a / tick
        return np.abs(ticks - np.round(ticks)) > _GRID_TOLERANCE

    for name, mask in _first_field_masks(c, PRICES, off).items():
        k.found("off_grid", name, mask)
    if repair:
        for name in PRICES:
            mask = off(c[name])
            c[name][mask] = np.maximum(np.round(c[name][mask] / tick), 1) * tick
    for name in ("open", "close"):
        mask = (c[name] < c["low"]) | (c[name] > c["high"])
        k.found(f"{name}_outside_range", name, mask)
        if repair:
            c[name] = np.clip(c[name], c["low"], c["high"])
    if "bid_volume" in c and "ask_volume" in c:
        total = c["bid_volume"] + c["ask_volume"]
        mask = total > c["volume"] + 1e-9
        k.found("order_flow_exceeds_volume", "volume", mask)
        if repair:
            c["volume"][mask] = total[mask]


def _spikes(k: _Checker) -> None:
    if k.spike_threshold is None:
        return
    spiked = find_spikes(k.c, k.instrument.tick_size, k.spike_threshold)
    action = "row dropped (spike_repair: drop)" if k.spike_repair == "drop" else ISSUE_KINDS["spike"][1]
    seen = np.zeros(len(k.c["ts"]), dtype=bool)
    for name in PRICES:
        k.found("spike", name, spiked[name] & ~seen, action)
        seen |= spiked[name]
    if k.policy != "repair" or not seen.any():
        return
    k.keep(~seen if k.spike_repair == "drop" else ~clip_spikes(k.c, spiked))


def find_gaps(ts: IntArray) -> tuple[IntArray, IntArray]:
    """Rows that follow a gap, and the estimated number of missing bars before each.

    Daily data (median interval at least 20 hours): a gap is more than 4 calendar days
    between bars. Intraday: within one CME trading day (17:00 Chicago rollover) a gap
    is an interval over 3x the median; across trading days (daily halt, weekends,
    holidays) only a jump of more than 4 calendar days counts.
    """
    if len(ts) < 3:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    step = np.diff(ts)
    median = float(np.median(step))
    if median >= 20 * 3600 * 1e9:
        rows = np.flatnonzero(step > DAILY_GAP_DAYS * DAY_NS) + 1
        day = (local_ns(ts, NEW_YORK) // DAY_NS).astype("datetime64[D]")
        return rows, np.busday_count(day[rows - 1] + 1, day[rows]).astype(np.int64)
    trading_day = (local_ns(ts, CHICAGO) + 7 * 3600 * 10**9) // DAY_NS
    same_day = trading_day[1:] == trading_day[:-1]
    gap = (same_day & (step > INTRADAY_GAP_FACTOR * median)) | (np.diff(trading_day) > DAILY_GAP_DAYS)
    rows = np.flatnonzero(gap) + 1
    return rows, (np.round(step[rows - 1] / median) - 1).astype(np.int64)


def _gaps(k: _Checker) -> None:
    ts = k.c["ts"]
    rows, missing = find_gaps(ts)
    mask = np.zeros(len(ts), dtype=bool)
    mask[rows] = True
    before = dict(zip(rows.tolist(), missing.tolist(), strict=True))
    k.found("gap", "ts", mask, lambda i: f"reported: ~{before[i]} bar(s) missing after {_show_ts(int(ts[i - 1]))}")


def check_bars(columns: Mapping[str, Any], instrument: Instrument, *, source: str, policy: Policy = "error",
               row_label: RowLabel = default_row_label, field_label: Mapping[str, str] | None = None,
               max_examples: int = 5, spike_threshold: float | None = DEFAULT_SPIKE_THRESHOLD,
               spike_repair: SpikeRepair = "clip", owned: bool = False) -> CheckedBars:
    """Validate bar columns and build a BarSeries; under ``repair`` fix what can be fixed and report it.

    ``columns`` maps ts (UTC ns int64, NaT for missing), open, high, low, close, volume and
    optionally bid_volume, ask_volume, trade_count to arrays. ``row_label`` turns a 0-based
    position in the input into the source's own row name (e.g. a CSV line); ``field_label``
    maps our names to the source's column names. Policy ``error`` raises
    :class:`DataQualityError` for the earliest bad row; gaps never raise, they are reported.
    A spike is a price more than ``spike_threshold`` x the median bar range outside the
    neighbouring bars (None: not checked); ``spike_repair`` clips it back or drops the row.
    ``owned``: the caller hands its arrays over (writable, of the right dtype, held by nobody
    else), so they become the series' own columns instead of being copied (a million-bar
    file then holds one copy of its bars, not two).
    """
    if policy not in ("error", "repair"):
        raise ValueError(f"{source}: on_bad_data must be 'error' or 'repair', got {policy!r}")
    if spike_repair not in ("clip", "drop"):
        raise ValueError(f"{source}: spike_repair must be 'clip' or 'drop', got {spike_repair!r}")
    if spike_threshold is not None and not spike_threshold > 0:
        raise ValueError(f"{source}: spike_threshold must be positive or None, got {spike_threshold!r}")
    k = _Checker(columns, instrument, source, policy, row_label, field_label or {}, max_examples, owned)
    k.spike_threshold, k.spike_repair = spike_threshold, spike_repair
    rows_read = len(k.c["ts"])
    for step in (_drop_bad_rows, _order, _prices, _spikes, _Checker.raise_first, _gaps):
        step(k)
    c = k.c
    series = BarSeries(instrument=instrument, ts=c["ts"], open=c["open"], high=c["high"], low=c["low"],
                       close=c["close"], volume=c["volume"], bid_volume=c.get("bid_volume"),
                       ask_volume=c.get("ask_volume"))
    report = DataQualityReport(source=source, policy=policy, rows_read=rows_read, rows_kept=len(series),
                               counts=dict(k.counts), examples=tuple(k.examples))
    return CheckedBars(series=series, trade_count=c.get("trade_count"), report=report)
