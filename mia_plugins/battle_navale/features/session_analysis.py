"""Session analysis: which CME session a bar is in, time to the close, and the session's VWAP and ranges."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import ClassVar, Final

import numpy as np

from mia_core.calc.outputs import Outputs
from mia_core.calc.session_calendar import ASIA, CLOSED, LONDON, RTH, SessionCalendar
from mia_core.calc.session_locator import SessionLocator
from mia_core.calc.technique_base import NAN, FloatArray, warm_columns
from mia_core.market import Bar
from mia_core.series import BarSeries, IntArray
from mia_plugins.battle_navale.features.base import BarFeature
from mia_plugins.battle_navale.features.settings import SessionAnalysisConfig as SessionAnalysisConfig

NS_PER_MINUTE: Final = 60 * 10**9
COMPUTE_BLOCK = 65_536  # bars per block of ``compute`` (cut at day starts): ~10 MB of temporaries
#: (session_id, is_rth, is_overnight, whether its bars make the overnight range) of each segment code (Final: the
#: compiled update reads it without a lookup in the module's namespace)
_SEGMENT_FLAGS: Final = tuple(
    (float(segment), 1.0 if segment == RTH else 0.0, 0.0 if segment in (RTH, CLOSED) else 1.0,
     segment in (ASIA, LONDON))
    for segment in range(CLOSED + 1))


def day_cuts(closes: IntArray, ts: IntArray, block: int) -> list[int]:
    """Row indices that cut ``ts`` into blocks of at least ``block`` rows at trading-day starts (first 0, last n).

    A bar's trading day is the first whose Globex close (``closes``) is at or after it,
    as ``SessionCalendar.locate_all`` finds it.
    """
    n = len(ts)
    starts = np.flatnonzero(np.diff(np.searchsorted(closes, ts, side="left"))) + 1
    if block < 1 or len(starts) == 0:
        return [0, n]
    wanted = np.arange(block, n, block)
    picked = np.unique(starts[np.minimum(np.searchsorted(starts, wanted), len(starts) - 1)])
    return [0, *picked.tolist(), n]


class SessionAnalysis(BarFeature):
    """Where a bar sits in its CME trading day, from the exchange calendar it is given.

    Outputs: ``session_id`` (0 Asia, 1 London, 2 New York regular hours, 3 post-close,
    4 closed: see ``mia_core.calc.session_calendar``), ``is_rth`` and ``is_overnight``
    (1/0; both 0 when closed), ``minutes_to_close`` (to the Globex close of the trading
    day, early closes included), ``minutes_to_rth_close`` (negative after it),
    ``is_early_close``; statistics of the trading day so far (bars grouped by calendar
    day; a closed bar joins the next session): ``session_vwap`` (volume-weighted
    typical price), ``session_high``, ``session_low``, ``range_position`` (close in the
    day's range, 0 low .. 1 high, 0.5 without range), ``overnight_high`` and
    ``overnight_low`` (Asia and London bars of the day; NaN before any), ``vwap_distance``
    = ``(close - session_vwap) / (session_high - session_low)`` (0 without range).
    ``score = 0.5 + 0.5 * clip(2 * vwap_distance)``: above the session VWAP is bullish.
    """

    name = "session_analysis"
    needs_intraday: ClassVar[bool] = True  # on daily bars every bar is its own session (docs/features.md)
    outputs = ("score", "session_id", "is_rth", "is_overnight", "minutes_to_close", "minutes_to_rth_close",
               "is_early_close", "session_vwap", "session_high", "session_low", "range_position",
               "overnight_high", "overnight_low", "vwap_distance")

    def __init__(self, calendar: SessionCalendar, config: SessionAnalysisConfig | None = None) -> None:
        self.config = config or SessionAnalysisConfig()
        self.calendar = calendar
        self._closes = calendar.close.tolist()
        self._rth_closes = calendar.rth_close.tolist()
        self.warmup_bars = 1
        super().__init__()

    def _reset(self) -> None:
        self._locator = SessionLocator(self.calendar)
        self._day = -1
        self._pv = self._tp = self._v = self._count = 0.0
        self._high = self._low = self._on_high = self._on_low = NAN
        self._close_ns: int | None = None  # the day's Globex and RTH closes (None past the calendar)
        self._rth_close_ns = 0
        self._early = 0.0

    def _new_day(self, day: int, bar: Bar) -> None:
        self._day = day
        self._pv = self._tp = self._v = self._count = 0.0
        self._high, self._low, self._on_high, self._on_low = bar.high, bar.low, NAN, NAN
        known = day < len(self._closes)
        self._close_ns = self._closes[day] if known else None
        self._rth_close_ns = self._rth_closes[day] if known else 0
        self._early = 1.0 if self.calendar.is_early_close(day) else 0.0

    def update(self, bar: Bar) -> Outputs:
        """Consume the next closed bar; every output's value (NaN during warm-up)."""
        ts = bar.ts
        day, segment = self._locator.locate(ts)
        if day != self._day:
            self._new_day(day, bar)
        high, low, close, volume = bar.high, bar.low, bar.close, bar.volume
        tp3 = high + low + close
        pv = self._pv = self._pv + tp3 * volume
        tp = self._tp = self._tp + tp3
        v = self._v = self._v + volume
        count = self._count = self._count + 1.0
        session_high = self._high
        if high > session_high:
            session_high = self._high = high
        session_low = self._low
        if low < session_low:
            session_low = self._low = low
        session_id, is_rth, is_overnight, overnight_range = _SEGMENT_FLAGS[segment]
        if overnight_range:
            on_high, on_low = self._on_high, self._on_low
            if on_high != on_high or high > on_high:
                self._on_high = high
            if on_low != on_low or low < on_low:
                self._on_low = low
        vwap = pv / (3.0 * v) if v > 0 else tp / (3.0 * count)
        span = session_high - session_low
        if span > 0:
            position, distance = (close - session_low) / span, (close - vwap) / span
        else:
            position, distance = 0.5, 0.0
        close_ns = self._close_ns
        to_close = (close_ns - ts) / NS_PER_MINUTE if close_ns is not None else 0.0
        to_rth_close = (self._rth_close_ns - ts) / NS_PER_MINUTE if close_ns is not None else 0.0
        twice = 2.0 * distance  # clipped to [-1, 1] in the score
        score = 0.5 + 0.5 * (-1.0 if twice < -1.0 else 1.0 if twice > 1.0 else twice)
        values = Outputs(self._names, (score, session_id, is_rth, is_overnight, to_close, to_rth_close,
                                       self._early, vwap, session_high, session_low, position, self._on_high,
                                       self._on_low, distance))
        return self._warm(values) if self._warming else values

    def compute(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        """Every output over ``bars`` at once, computed a block of whole trading days at a time."""
        return self.compute_in_blocks(bars, COMPUTE_BLOCK)

    def compute_in_blocks(self, bars: BarSeries, block: int) -> Mapping[str, FloatArray]:
        """``compute`` over blocks of about ``block`` bars, each cut at the start of a trading day.

        A day's statistics start again with its first bar, so a block that starts a day
        gives the rows the whole series gives, to the last bit; only one block's
        temporaries (some twenty columns) are held at a time instead of the series'.
        """
        cuts = day_cuts(self.calendar.close, bars.ts, block)
        if len(cuts) <= 2:
            return warm_columns(self._columns(bars), self.outputs, self.warmup_bars)
        out = {key: np.empty(len(bars)) for key in self.outputs}
        for start, stop in pairwise(cuts):
            for key, column in self._columns(bars.slice(start, stop)).items():
                out[key][start:stop] = column
        return warm_columns(out, self.outputs, self.warmup_bars)

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        cal, n = self.calendar, len(self.calendar)
        day, segment = cal.locate_all(bars.ts)
        known = day < n
        d = np.minimum(day, max(n - 1, 0))
        tp3 = bars.high + bars.low + bars.close
        starts = np.flatnonzero(np.diff(day, prepend=day[:1] - 1))
        ends = np.append(starts[1:], len(bars))
        overnight_bar = (segment == ASIA) | (segment == LONDON)
        pv, tp, v = np.empty(len(bars)), np.empty(len(bars)), np.empty(len(bars))
        high, low, on_high, on_low = np.empty(len(bars)), np.empty(len(bars)), np.empty(len(bars)), np.empty(len(bars))
        on_h_src = np.where(overnight_bar, bars.high, -np.inf)
        on_l_src = np.where(overnight_bar, bars.low, np.inf)
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            pv[a:b] = np.cumsum(tp3[a:b] * bars.volume[a:b])
            tp[a:b] = np.cumsum(tp3[a:b])
            v[a:b] = np.cumsum(bars.volume[a:b])
            high[a:b] = np.maximum.accumulate(bars.high[a:b])
            low[a:b] = np.minimum.accumulate(bars.low[a:b])
            on_high[a:b] = np.maximum.accumulate(on_h_src[a:b])
            on_low[a:b] = np.minimum.accumulate(on_l_src[a:b])
        count = (np.arange(len(bars)) - np.repeat(starts, ends - starts) + 1).astype(np.float64)
        vwap = np.where(v > 0, pv / (3.0 * np.where(v > 0, v, 1.0)), tp / (3.0 * count))
        span = high - low
        has_span = span > 0
        safe_span = np.where(has_span, span, 1.0)
        distance = np.where(has_span, (bars.close - vwap) / safe_span, 0.0)
        ts = bars.ts
        return {
            "score": 0.5 + 0.5 * np.clip(2.0 * distance, -1, 1),
            "session_id": segment.astype(np.float64),
            "is_rth": np.where(segment == RTH, 1.0, 0.0),
            "is_overnight": np.where((segment == RTH) | (segment == CLOSED), 0.0, 1.0),
            "minutes_to_close": np.where(known, (cal.close[d] - ts) / NS_PER_MINUTE, 0.0),
            "minutes_to_rth_close": np.where(known, (cal.rth_close[d] - ts) / NS_PER_MINUTE, 0.0),
            "is_early_close": np.where(known & cal.early_close[d], 1.0, 0.0),
            "session_vwap": vwap,
            "session_high": high,
            "session_low": low,
            "range_position": np.where(has_span, (bars.close - low) / safe_span, 0.5),
            "overnight_high": np.where(np.isfinite(on_high), on_high, NAN),
            "overnight_low": np.where(np.isfinite(on_low), on_low, NAN),
            "vwap_distance": distance,
        }
