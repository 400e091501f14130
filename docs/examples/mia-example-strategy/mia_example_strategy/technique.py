"""A price channel: the highest high and lowest low of the bars before the current one."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.calc.technique_base import Feature
from mia_core.market import Bar
from mia_core.series import BarSeries

FloatArray = npt.NDArray[np.float64]


@attrs.frozen
class ChannelConfig:
    """Settings of ``example_channel``: how many previous bars form the channel."""

    lookback: int = attrs.field(default=20, validator=attrs.validators.ge(1))


class Channel(Feature):
    """``upper``/``lower``: highest high and lowest low of the ``lookback`` bars before this one;
    ``width``: their difference, in index points. NaN until ``lookback`` bars precede the bar.
    """

    outputs = ("upper", "lower", "width")

    def __init__(self, config: ChannelConfig, name: str = "example_channel") -> None:
        self.name = name
        self.lookback = config.lookback
        self.warmup_bars = config.lookback + 1  # bar i has a value once i >= lookback
        super().__init__()

    def _reset(self) -> None:
        self._highs: deque[float] = deque(maxlen=self.lookback)
        self._lows: deque[float] = deque(maxlen=self.lookback)

    def _step(self, bar: Bar) -> tuple[float, ...]:
        """The channel of the bars before ``bar``, then ``bar`` joins the window."""
        if self._highs:
            upper, lower = max(self._highs), min(self._lows)
        else:
            upper = lower = float("nan")
        self._highs.append(bar.high)
        self._lows.append(bar.low)
        return upper, lower, upper - lower

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        """The same values for every bar at once (max and min are exact, so both forms agree bit for bit)."""
        n, k = len(bars), self.lookback
        upper = np.full(n, np.nan)
        lower = np.full(n, np.nan)
        if n > k:
            windows = np.lib.stride_tricks.sliding_window_view
            upper[k:] = windows(bars.high, k).max(axis=1)[:-1]
            lower[k:] = windows(bars.low, k).min(axis=1)[:-1]
        return {"upper": upper, "lower": lower, "width": upper - lower}
