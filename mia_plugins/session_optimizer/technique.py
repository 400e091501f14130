"""Session optimizer: which hours and sessions have been worth trading lately, as weights."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np

from mia_core.calc.chicago_time import ChicagoMinutes, chicago_minutes
from mia_core.calc.rolling import RollingSum, TrueRange, rolling_sum, true_range
from mia_core.calc.session_calendar import SessionCalendar
from mia_core.calc.technique_base import Feature, FloatArray
from mia_core.market import Bar
from mia_core.series import BarSeries, IntArray
from mia_core.validation import BARS, within

ASIA, LONDON, RTH, POST, HALT = 0, 1, 2, 3, 4
HOURS = 24
SEGMENTS = 5
MAX_WEIGHT = 3.0


@attrs.frozen
class SessionOptimizerConfig:
    """Settings of ``session_optimizer``: bars remembered per bucket and the weight worth trading."""

    memory: int = attrs.field(default=300, validator=BARS)
    min_weight: float = attrs.field(default=0.8, validator=within(0, 3))


def segment_of(minute: int) -> int:
    """Clock session of a Chicago minute of the day: Asia 17:00-02:00, London -08:30, RTH -15:00, post -16:00."""
    if minute >= 17 * 60 or minute < 2 * 60:
        return ASIA
    if minute < 8 * 60 + 30:
        return LONDON
    if minute < 15 * 60:
        return RTH
    return POST if minute < 16 * 60 else HALT


def segments_of(minutes: IntArray) -> IntArray:
    """Vectorised :func:`segment_of`."""
    seg = np.where(minutes < 16 * 60, POST, HALT)
    seg = np.where(minutes < 15 * 60, RTH, seg)
    seg = np.where(minutes < 8 * 60 + 30, LONDON, seg)
    return np.where((minutes >= 17 * 60) | (minutes < 2 * 60), ASIA, seg).astype(np.int64)


class BucketActivity:
    """Mean true range of each bucket over its last ``memory`` bars, and a bucket's weight against the others."""

    __slots__ = ("_counts", "_means", "_memory", "_sums")

    def __init__(self, buckets: int, memory: int) -> None:
        self._memory = memory
        self._sums = [RollingSum(memory) for _ in range(buckets)]
        self._counts = [0] * buckets
        self._means = [float("nan")] * buckets

    def push(self, bucket: int, value: float) -> float:
        """Add ``value`` to ``bucket``; its weight = its mean / the mean of the buckets seen (clipped to [0, 3])."""
        self._counts[bucket] = min(self._counts[bucket] + 1, self._memory)
        mean = self._means[bucket] = self._sums[bucket].push(value) / self._counts[bucket]
        total, active = 0.0, 0
        for m in self._means:
            if m == m:
                total = total + m
                active += 1
        average = total / active
        return min(mean / average, MAX_WEIGHT) if average > 0 else 1.0


def bucket_weights(buckets: IntArray, values: FloatArray, count: int, memory: int) -> FloatArray:
    """Vectorised :class:`BucketActivity`, one bucket at a time (memory stays O(bars))."""
    n = len(values)
    total, active, own = np.zeros(n), np.zeros(n, dtype=np.int64), np.full(n, np.nan)
    positions = np.arange(n)
    for b in range(count):
        idx = np.flatnonzero(buckets == b)
        if not idx.size:
            continue
        means = rolling_sum(values[idx], memory) / np.minimum(np.arange(1, idx.size + 1), memory)
        own[idx] = means
        last = np.maximum.accumulate(np.where(buckets == b, positions, -1))
        seen = last >= 0
        column = np.where(seen, own[np.maximum(last, 0)], 0.0)
        total = np.where(seen, total + column, total)
        active += seen
    average = total / np.maximum(active, 1)
    return np.where(average > 0, np.minimum(own / np.where(average > 0, average, 1.0), MAX_WEIGHT), 1.0)


class SessionOptimizer(Feature):
    """Weights of the current Chicago hour and clock session by their recent activity.

    Activity is the mean true range of a bucket's last ``memory`` bars (24 hour
    buckets, and 5 sessions by the clock: Asia 17:00-02:00, London 02:00-08:30, RTH
    08:30-15:00, post 15:00-16:00, halt 16:00-17:00 Chicago). ``hour_weight`` and
    ``session_weight`` = the bucket's activity / the mean activity of the buckets seen,
    capped at 3 (1 = average, 0 = nothing moves); ``trade_ok`` is 1.0 when
    ``hour_weight >= min_weight`` outside the halt. Not directional: no score. Given
    the exchange calendar (as the plugin's factory gives it), sessions are the
    calendar's segments of each trading day (early closes, holidays and halts
    included, 4 = closed); without one, the clock sessions above.
    """

    name = "session_optimizer"
    needs_intraday = True  # hours and sessions: one bar a day leaves one bucket (docs/features.md)
    outputs = ("hour", "hour_weight", "segment", "session_weight", "trade_ok")

    def __init__(self, config: SessionOptimizerConfig | None = None, calendar: SessionCalendar | None = None) -> None:
        self.config = config or SessionOptimizerConfig()
        self.calendar = calendar
        super().__init__()

    def _reset(self) -> None:
        self._clock, self._tr = ChicagoMinutes(), TrueRange()
        self._hours = BucketActivity(HOURS, self.config.memory)
        self._segments = BucketActivity(SEGMENTS, self.config.memory)

    def _step(self, bar: Bar) -> tuple[float, ...]:
        minute = self._clock.of(bar.ts)
        segment = segment_of(minute) if self.calendar is None else self.calendar.locate(bar.ts)[1]
        hour = minute // 60
        tr = self._tr.push(bar.high, bar.low, bar.close)
        hour_weight = self._hours.push(hour, tr)
        session_weight = self._segments.push(segment, tr)
        ok = 1.0 if hour_weight >= self.config.min_weight and segment != HALT else 0.0
        return float(hour), hour_weight, float(segment), session_weight, ok

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        minutes = chicago_minutes(bars.ts)
        hours = minutes // 60
        segments = segments_of(minutes) if self.calendar is None else self.calendar.locate_all(bars.ts)[1]
        tr = true_range(bars.high, bars.low, bars.close)
        hour_weight = bucket_weights(hours, tr, HOURS, self.config.memory)
        session_weight = bucket_weights(segments, tr, SEGMENTS, self.config.memory)
        ok = np.where((hour_weight >= self.config.min_weight) & (segments != HALT), 1.0, 0.0)
        return {"hour": hours.astype(np.float64), "hour_weight": hour_weight, "segment": segments.astype(np.float64),
                "session_weight": session_weight, "trade_ok": ok}
