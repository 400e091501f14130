"""A DataFeed over an in-memory BarSeries: history by window, stream paced by a clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from mia_core.errors import DomainValueError
from mia_core.events import MarketEvent
from mia_core.instruments import Instrument
from mia_core.series import BarSeries


class SeriesDataFeed:
    """Replays a BarSeries; ``speed`` 1.0 paces the stream in real time, 0 as fast as possible."""

    def __init__(self, name: str, load: Callable[[Instrument], BarSeries], speed: float = 0.0) -> None:
        self.name = name
        self._load = load
        self._cache: dict[str, BarSeries] = {}
        self.speed = speed

    def _series(self, instrument: Instrument) -> BarSeries:
        if instrument.symbol not in self._cache:
            self._cache[instrument.symbol] = self._load(instrument)
        return self._cache[instrument.symbol]

    def history(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        """Bars with ``start_ns <= ts <= end_ns``; an empty window is an error."""
        window = self._series(instrument).between(start_ns, end_ns)
        if len(window) == 0:
            raise DomainValueError(self.name, "window", (start_ns, end_ns), "no bars in the requested window")
        return window

    async def stream(self, instrument: Instrument) -> AsyncIterator[MarketEvent]:
        """Yield each bar, sleeping the bar-to-bar gap divided by ``speed``."""
        series = self._series(instrument)
        previous: int | None = None
        for bar in series:
            if self.speed > 0 and previous is not None:
                await asyncio.sleep((bar.ts - previous) / 1e9 / self.speed)
            previous = bar.ts
            yield bar
