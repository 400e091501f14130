"""Session-anchored VWAP: from the Globex open or the regular-hours open, with standard-deviation bands."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from typing import Literal

import attrs
import numpy as np

from mia_core.calc.session_calendar import RTH, SessionCalendar
from mia_core.calc.technique_base import NAN, Feature, FloatArray, clip, safe_div
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.validation import ATR_MULTIPLE, BARS


@attrs.frozen
class SessionVwapConfig:
    """Settings of ``session_vwap``: the anchor, the band width and the slope window.

    ``anchor``: ``globex`` restarts the sums at each trading day's first bar (17:00
    Chicago the evening before); ``rth`` at the day's first regular-hours bar (08:30
    Chicago), the RTH VWAP then running on through the evening and night until the next
    RTH open. ``band_sd``: the bands are ``vwap ± band_sd`` standard deviations.
    """

    anchor: Literal["globex", "rth"] = attrs.field(default="rth", validator=attrs.validators.in_(("globex", "rth")))
    band_sd: float = attrs.field(default=2.0, validator=ATR_MULTIPLE)
    slope_bars: int = attrs.field(default=5, validator=BARS)
    slope_scale: float = attrs.field(default=0.5, validator=ATR_MULTIPLE)


class SessionVwap(Feature):
    """VWAP of typical price since the anchor, its volume-weighted standard deviation and bands.

    ``vwap = Σ tp·v / Σ v`` (tp = (h+l+c)/3; the mean tp when nothing traded), ``sd =
    sqrt(max(0, Σ tp²·v / Σ v - vwap²))``; ``upper`` / ``lower`` = ``vwap ± band_sd · sd``;
    ``distance_sd = (close - vwap) / sd`` and ``slope_sd = (vwap - vwap[t - slope_bars]) / sd``
    (0 without spread); ``score = 0.5 + 0.25 · clip(distance_sd / band_sd) + 0.25 ·
    clip(slope_sd / slope_scale)``: above a rising VWAP is bullish. ``bars`` counts the
    bars since the anchor. Sessions come from the exchange calendar it is given.
    """

    name = "session_vwap"
    needs_intraday = True  # on daily bars each session is one bar: the VWAP is its typical price
    outputs = ("score", "vwap", "sd", "upper", "lower", "distance_sd", "slope_sd", "bars")

    def __init__(self, calendar: SessionCalendar, config: SessionVwapConfig | None = None) -> None:
        self.config = config or SessionVwapConfig()
        self.calendar = calendar
        self.warmup_bars = self.config.slope_bars + 1
        super().__init__()

    def _reset(self) -> None:
        self._key = (-1, False)
        self._pv = self._p2v = self._v = self._tp = self._count = 0.0
        self._vwaps: deque[float] = deque(maxlen=self.config.slope_bars + 1)

    def _anchor(self, day: int, segment: int, key: tuple[int, bool]) -> tuple[int, bool]:
        """The anchor key of a bar: its trading day (globex) or the last RTH start seen (rth)."""
        if self.config.anchor == "globex":
            return day, False
        if segment == RTH and key != (day, True):
            return day, True
        return key

    def _step(self, bar: Bar) -> tuple[float, ...]:
        day, segment = self.calendar.locate(bar.ts)
        key = self._anchor(day, segment, self._key)
        if key != self._key:
            self._key = key
            self._pv = self._p2v = self._v = self._tp = self._count = 0.0
        tp = (bar.high + bar.low + bar.close) / 3.0
        self._pv += tp * bar.volume
        self._p2v += tp * tp * bar.volume
        self._v += bar.volume
        self._tp += tp
        self._count += 1.0
        vwap = self._pv / self._v if self._v > 0 else self._tp / self._count
        sd = math.sqrt(max(0.0, self._p2v / self._v - vwap * vwap)) if self._v > 0 else 0.0
        self._vwaps.append(vwap)
        old = self._vwaps[0] if len(self._vwaps) > self.config.slope_bars else NAN
        return self._finish(bar.close, vwap, sd, old, self._count)

    def _finish(self, close: float, vwap: float, sd: float, old: float, count: float) -> tuple[float, ...]:
        cfg = self.config
        distance = safe_div(close - vwap, sd)
        slope = safe_div(vwap - old, sd)
        score = 0.5 + 0.25 * clip(distance / cfg.band_sd) + 0.25 * clip(slope / cfg.slope_scale)
        return score, vwap, sd, vwap + cfg.band_sd * sd, vwap - cfg.band_sd * sd, distance, slope, count

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        n = len(bars)
        values = np.empty((n, len(self.outputs)))
        saved = self._key, self._pv, self._p2v, self._v, self._tp, self._count, self._vwaps
        self._reset()
        try:  # one pass of the incremental form: the sums are sequential by nature (and agree bit for bit)
            for i in range(n):
                values[i] = self._step(bars.bar(i))
        finally:
            self._key, self._pv, self._p2v, self._v, self._tp, self._count, self._vwaps = saved
        return {name: values[:, j].copy() for j, name in enumerate(self.outputs)}
