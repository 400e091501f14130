"""The ``order_book_imbalance`` analyzer: depth-based when depth arrives, a flagged bar estimate otherwise."""

from __future__ import annotations

from collections.abc import Mapping

from mia_core.calc.technique_base import FloatArray
from mia_core.events import MarketEvent
from mia_core.market import Bar, DepthUpdate
from mia_core.series import BarSeries
from mia_plugins.order_book_imbalance.imbalance import BarBookEstimate, DepthBook, OrderBookImbalanceConfig

NS_PER_SECOND = 10**9


class OrderBookImbalanceAnalyzer:
    """Order book imbalance for the confluence and strategies (``analyses["order_book_imbalance"]``).

    Techniques only see bars, while depth arrives as ``DepthUpdate`` events, which
    reach analyzers: so this elite technique is an analyzer. Values: ``score`` (0.5 +
    0.5 × imbalance), ``imbalance`` in [-1, 1], ``estimated`` (0.0 from depth, 1.0 from
    bars). On each depth update it returns the book's imbalance; on each bar it
    returns the book's imbalance while the last depth update is at most
    ``stale_seconds`` old, else the bar-based estimate. The bar forms (``update``,
    ``compute``) are the estimate alone, for research and the look-ahead check.
    """

    name = "order_book_imbalance"

    def __init__(self, config: OrderBookImbalanceConfig | None = None) -> None:
        self.config = config or OrderBookImbalanceConfig()
        self.estimate = BarBookEstimate(self.config)
        self.outputs = self.estimate.outputs
        self.warmup_bars = self.estimate.warmup_bars
        self.reset()

    def reset(self) -> None:
        """Forget the book, the bars and the latest values."""
        self.book = DepthBook(self.config.levels)
        self.estimate.reset()
        self._last_depth_ns: int | None = None
        self._latest: Mapping[str, float] = {}

    def _from_depth(self) -> dict[str, float]:
        imbalance = self.book.imbalance()
        return {"score": 0.5 + 0.5 * imbalance, "imbalance": imbalance, "estimated": 0.0}

    def on_event(self, event: MarketEvent) -> Mapping[str, float] | None:
        """Apply a depth update or take a bar; the new values (None for other events)."""
        if isinstance(event, DepthUpdate):
            self.book.apply(event)
            self._last_depth_ns = event.ts
            self._latest = self._from_depth()
            return self._latest
        if isinstance(event, Bar):
            estimated = self.estimate.update(event)
            last = self._last_depth_ns
            fresh = last is not None and event.ts - last <= self.config.stale_seconds * NS_PER_SECOND
            self._latest = self._from_depth() if fresh else estimated
            return self._latest
        return None

    def latest(self) -> Mapping[str, float]:
        """The latest values (empty before any event)."""
        return self._latest

    def update(self, bar: Bar) -> Mapping[str, float]:
        """The bar-based estimate after ``bar`` (the incremental bar form)."""
        return self.estimate.update(bar)

    def compute(self, bars: BarSeries) -> Mapping[str, FloatArray]:
        """The bar-based estimate over ``bars`` (the vectorised bar form)."""
        return self.estimate.compute(bars)
