"""Columnar bar series: the fast path for history, validated on construction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.builders import builder
from mia_core.errors import DomainValueError
from mia_core.instruments import Instrument
from mia_core.market import Bar

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _as_float(values: object) -> FloatArray:
    return np.ascontiguousarray(values, dtype=np.float64)


def _as_int(values: object) -> IntArray:
    return np.ascontiguousarray(values, dtype=np.int64)


def _first_bad(mask: npt.NDArray[np.bool_]) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


_new = object.__new__  # trusted_bar builds Bars from a checked series without re-validating
_put = object.__setattr__


@attrs.frozen(slots=True, eq=False)
class BarSeries:
    """Bars of one instrument as arrays, time-stamped at bar close (UTC ns, ascending).

    ``bid_volume``/``ask_volume`` hold NaN where the source did not record them.
    Construction checks every row; the first bad row is named by index and time.
    """

    instrument: Instrument
    ts: IntArray = attrs.field(converter=_as_int)
    open: FloatArray = attrs.field(converter=_as_float)
    high: FloatArray = attrs.field(converter=_as_float)
    low: FloatArray = attrs.field(converter=_as_float)
    close: FloatArray = attrs.field(converter=_as_float)
    volume: FloatArray = attrs.field(converter=_as_float)
    bid_volume: FloatArray | None = attrs.field(default=None, converter=attrs.converters.optional(_as_float))
    ask_volume: FloatArray | None = attrs.field(default=None, converter=attrs.converters.optional(_as_float))

    def __attrs_post_init__(self) -> None:
        n = len(self.ts)
        for name in ("open", "high", "low", "close", "volume", "bid_volume", "ask_volume"):
            column = getattr(self, name)
            if column is not None and len(column) != n:
                raise DomainValueError("BarSeries", name, len(column), f"length differs from ts ({n})")
        self._check_rows()

    def _fail(self, field: str, row: int, reason: str) -> None:
        value = getattr(self, field)[row]
        raise DomainValueError("BarSeries", f"{field}[{row}]", value, f"{reason} (bar at ts={int(self.ts[row])})")

    def _check_rows(self) -> None:
        prices = ("open", "high", "low", "close")
        for name in (*prices, "volume"):
            row = _first_bad(~np.isfinite(getattr(self, name)))
            if row is not None:
                self._fail(name, row, "missing or not finite")
        row = _first_bad(np.diff(self.ts) <= 0)
        if row is not None:
            self._fail("ts", row + 1, "not after the previous bar (duplicate or out of order)")
        for name, mask in (
            ("high", self.high < self.low),
            ("open", (self.open > self.high) | (self.open < self.low)),
            ("close", (self.close > self.high) | (self.close < self.low)),
            ("volume", self.volume < 0),
        ):
            row = _first_bad(mask)
            if row is not None:
                self._fail(name, row, "impossible bar (needs low <= open, close <= high, volume >= 0)")
        for name in prices:
            ticks = getattr(self, name) / self.instrument.tick_size
            row = _first_bad(np.abs(ticks - np.round(ticks)) > 1e-6)
            if row is not None:
                self._fail(name, row, f"not on the tick grid of {self.instrument.tick_size}")
        for name in ("bid_volume", "ask_volume"):
            column = getattr(self, name)
            if column is not None:
                row = _first_bad(column < 0)
                if row is not None:
                    self._fail(name, row, "negative volume")

    def __len__(self) -> int:
        return len(self.ts)

    @property
    def has_order_flow(self) -> bool:
        """True when bid and ask volume columns exist."""
        return self.bid_volume is not None and self.ask_volume is not None

    def bar(self, i: int) -> Bar:
        """Row ``i`` as a Bar value object."""
        bid = None if self.bid_volume is None or np.isnan(self.bid_volume[i]) else float(self.bid_volume[i])
        ask = None if self.ask_volume is None or np.isnan(self.ask_volume[i]) else float(self.ask_volume[i])
        return Bar(
            instrument=self.instrument,
            ts=int(self.ts[i]),
            open=float(self.open[i]),
            high=float(self.high[i]),
            low=float(self.low[i]),
            close=float(self.close[i]),
            volume=float(self.volume[i]),
            bid_volume=bid,
            ask_volume=ask,
        )

    def trusted_bar(self, i: int) -> Bar:
        """``bar(i)`` without re-validating (the series was checked when built); converts no whole column."""
        bid = None if self.bid_volume is None or np.isnan(self.bid_volume[i]) else float(self.bid_volume[i])
        ask = None if self.ask_volume is None or np.isnan(self.ask_volume[i]) else float(self.ask_volume[i])
        bar = _new(Bar)
        _put(bar, "instrument", self.instrument)
        _put(bar, "ts", int(self.ts[i]))
        _put(bar, "open", float(self.open[i]))
        _put(bar, "high", float(self.high[i]))
        _put(bar, "low", float(self.low[i]))
        _put(bar, "close", float(self.close[i]))
        _put(bar, "volume", float(self.volume[i]))
        _put(bar, "bid_volume", bid)
        _put(bar, "ask_volume", ask)
        _put(bar, "trade_count", None)
        return bar

    def trusted(self) -> TrustedBars:
        """Random access to rows as Bars without re-validating (the series was checked when built)."""
        return TrustedBars(self)

    def __iter__(self) -> Iterator[Bar]:
        return (self.bar(i) for i in range(len(self)))

    def between(self, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        """Bars with ``start_ns <= ts <= end_ns`` (either bound optional)."""
        lo = 0 if start_ns is None else int(np.searchsorted(self.ts, start_ns, side="left"))
        hi = len(self) if end_ns is None else int(np.searchsorted(self.ts, end_ns, side="right"))
        return self.slice(lo, hi)

    def slice(self, lo: int, hi: int) -> BarSeries:
        """Rows ``lo`` to ``hi`` (exclusive), sharing memory with this series."""
        cut = slice(lo, hi)
        return BarSeries(
            instrument=self.instrument,
            ts=self.ts[cut],
            open=self.open[cut],
            high=self.high[cut],
            low=self.low[cut],
            close=self.close[cut],
            volume=self.volume[cut],
            bid_volume=None if self.bid_volume is None else self.bid_volume[cut],
            ask_volume=None if self.ask_volume is None else self.ask_volume[cut],
        )


class TrustedBars:
    """Bars of a validated series built on demand, skipping validation (the backtest fast path).

    ``trusted[i]`` equals ``series.bar(i)``. Iteration converts the columns to Python
    values one block of rows at a time, so a million-bar walk never holds a million of
    them.
    """

    __slots__ = ("_series",)

    BLOCK = 8_192  # rows of Python values at a time: 8 columns of 8,192 floats and ints are ~1.6 MB

    def __init__(self, series: BarSeries) -> None:
        self._series = series

    def __len__(self) -> int:
        return len(self._series)

    def __getitem__(self, i: int) -> Bar:
        return self._series.trusted_bar(i)

    def block(self, lo: int, hi: int) -> tuple[list[Any], ...]:
        """Rows ``lo`` to ``hi`` as eight lists of Python values, in ``Bar``'s field order from ``ts`` on.

        ``bid_volume``/``ask_volume`` hold ``None`` where unknown (NaN in the column, or no
        such column), as a Bar does.
        """
        s = self._series
        side = [None] * (hi - lo)
        return (
            s.ts[lo:hi].tolist(), s.open[lo:hi].tolist(), s.high[lo:hi].tolist(), s.low[lo:hi].tolist(),
            s.close[lo:hi].tolist(), s.volume[lo:hi].tolist(),
            side if s.bid_volume is None else _known(s.bid_volume[lo:hi].tolist()),
            side if s.ask_volume is None else _known(s.ask_volume[lo:hi].tolist()),
        )  # fmt: skip

    def __iter__(self) -> Iterator[Bar]:
        # The same fields as __getitem__, each Bar built without checks and without per-bar indexing.
        build = BUILD_BAR
        instrument = self._series.instrument
        n = len(self._series)
        for lo in range(0, n, self.BLOCK):
            block = self.block(lo, min(n, lo + self.BLOCK))
            for ts, open_, high, low, close, volume, bid, ask in zip(*block, strict=True):
                yield build(instrument, ts, open_, high, low, close, volume, bid, ask, None)


def _known(volumes: list[float]) -> list[float | None]:
    """``volumes`` with ``None`` for NaN (unknown)."""
    return [None if v != v else v for v in volumes]


#: ``BUILD_BAR(instrument, ts, open, high, low, close, volume, bid_volume, ask_volume, trade_count)``: a trusted
#: Bar from values already checked (the series' rows), without converters or validators (``builders.builder``).
BUILD_BAR = builder(Bar)
