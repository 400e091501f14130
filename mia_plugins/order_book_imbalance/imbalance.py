"""Order book imbalance: resting bid against ask size from depth, or a bar-based estimate without depth.

With depth (``DepthUpdate`` events, IB semantics: an insert at a level pushes the
levels below it down, a delete pulls them up), ``imbalance = (Σ bid size - Σ ask
size) / (Σ both)`` over the best ``levels`` levels of each side, in [-1, 1].

Without depth (bars only) it is estimated from the bars' wicks: a long lower wick
means bids held the price, a long upper wick that offers did, so the estimate is the
mean of ``(lower wick - upper wick) / range`` over ``window`` bars (0 for a bar
without range), flagged ``estimated`` 1.0.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np

from mia_core.calc.rolling import RollingSum, rolling_sum
from mia_core.calc.technique_base import Feature, FloatArray, clip, safe_div
from mia_core.market import Bar, BookSide, DepthAction, DepthUpdate
from mia_core.series import BarSeries
from mia_core.validation import BARS, within


@attrs.frozen
class OrderBookImbalanceConfig:
    """Settings of ``order_book_imbalance``: depth levels, the bar window and when depth goes stale."""

    levels: int = attrs.field(default=5, validator=within(1, 100))
    window: int = attrs.field(default=10, validator=BARS)
    stale_seconds: float = attrs.field(default=60.0, validator=within(0, 86400, low_open=True))


class DepthBook:
    """The best ``levels`` price levels of each side, kept from depth updates."""

    def __init__(self, levels: int) -> None:
        self.levels = levels
        self.sides: dict[BookSide, list[tuple[float, float]]] = {BookSide.BID: [], BookSide.ASK: []}

    def apply(self, update: DepthUpdate) -> None:
        """Insert, update or delete one level (levels beyond the book's depth are ignored)."""
        side = self.sides[update.side]
        level = update.level
        if level >= self.levels:
            return
        if update.action is DepthAction.INSERT:
            side.insert(min(level, len(side)), (update.price, update.size))
            del side[self.levels :]
        elif update.action is DepthAction.UPDATE:
            if level < len(side):
                side[level] = (update.price, update.size)
            else:
                side.append((update.price, update.size))
        elif level < len(side):
            del side[level]

    def sizes(self) -> tuple[float, float]:
        """Total resting size on the bid and on the ask."""
        return (sum(size for _, size in self.sides[BookSide.BID]), sum(size for _, size in self.sides[BookSide.ASK]))

    def imbalance(self) -> float:
        """``(bid - ask) / (bid + ask)`` in [-1, 1]; 0 for an empty book."""
        bid, ask = self.sizes()
        return safe_div(bid - ask, bid + ask)


class BarBookEstimate(Feature):
    """The bar-based estimate of the book's imbalance (see the module docstring)."""

    name = "order_book_imbalance"
    outputs = ("score", "imbalance", "estimated")

    def __init__(self, config: OrderBookImbalanceConfig | None = None) -> None:
        self.config = config or OrderBookImbalanceConfig()
        self.warmup_bars = self.config.window
        super().__init__()

    def _reset(self) -> None:
        self._wicks = RollingSum(self.config.window)

    def _step(self, bar: Bar) -> tuple[float, ...]:
        o, h, lo, c = bar.open, bar.high, bar.low, bar.close
        span = h - lo
        tilt = ((min(o, c) - lo) - (h - max(o, c))) / span if span > 0 else 0.0
        imbalance = clip(self._wicks.push(tilt) / self.config.window)
        return 0.5 + 0.5 * imbalance, imbalance, 1.0

    def _columns(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        o, h, lo, c = bars.open, bars.high, bars.low, bars.close
        span = h - lo
        tilt = np.where(span > 0, ((np.minimum(o, c) - lo) - (h - np.maximum(o, c))) / np.where(span > 0, span, 1.0),
                        0.0)
        imbalance = np.clip(rolling_sum(tilt, self.config.window) / self.config.window, -1, 1)
        return {"score": 0.5 + 0.5 * imbalance, "imbalance": imbalance, "estimated": np.ones(len(bars))}
