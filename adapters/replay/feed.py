"""A DataFeed over an in-memory BarSeries: history by window, stream paced by a clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

import attrs
import numpy as np
import numpy.typing as npt

from adapters.replay.memory import keep_large_blocks_mapped, release_unused_memory
from mia_core.data_quality import CheckedBars, DataQualityReport
from mia_core.errors import DomainValueError
from mia_core.events import MarketEvent
from mia_core.instruments import Instrument
from mia_core.series import BarSeries, FloatArray
from mia_core.synthetic import SyntheticBars

logger = logging.getLogger("mia.data")
Loaded = BarSeries | CheckedBars | SyntheticBars


DETAILS_HINT = "--data-report or `mia data inspect` lists them"


def compact_counts(counts: FloatArray) -> npt.NDArray[np.float32] | FloatArray:
    """Trade counts (NaN = unknown) as float32 when that holds every value exactly (whole counts below 2**24), else
    float64: a feed keeps them for its whole life, for the stream only (4 MB less on a million bars)."""
    wide = np.asarray(counts, dtype=np.float64)
    narrow = wide.astype(np.float32)
    return narrow if np.array_equal(narrow, wide, equal_nan=True) else wide


def log_report(feed: str, symbol: str, report: DataQualityReport) -> None:
    """One line per load on logger ``mia.data`` (WARNING when anything was repaired or is missing, else INFO).

    The row-by-row listing goes to DEBUG: shown by ``--data-report``, never repeated on every run.
    """
    line = f"data feed {feed!r} ({symbol}): {report.headline()}"
    if report.repairs:
        logger.warning("%s; %s", line, DETAILS_HINT)
    else:
        logger.info("%s%s", line, f"; {DETAILS_HINT}" if not report.clean else "")
    if not report.clean:
        logger.debug("%s", report.summary())


class SeriesDataFeed:
    """Replays a BarSeries; ``speed`` 1.0 paces the stream in real time, 0 as fast as possible.

    ``load(instrument)`` is called once per instrument, on first use. It may return a
    plain :class:`BarSeries`, or bars with trade counts (streamed on each Bar) and a
    :class:`DataQualityReport`, which is kept in ``reports`` and logged in one line
    (:func:`log_report`).
    """

    def __init__(self, name: str, load: Callable[[Instrument], Loaded], speed: float = 0.0) -> None:
        self.name = name
        self._load = load
        self._cache: dict[str, BarSeries] = {}
        self._trade_counts: dict[str, npt.NDArray[np.float32] | FloatArray] = {}  # float32 when exact: compact_counts
        self.reports: dict[str, DataQualityReport] = {}
        self.speed = speed

    def _series(self, instrument: Instrument) -> BarSeries:
        if instrument.symbol not in self._cache:
            keep_large_blocks_mapped()  # before the load: its columns and temporaries too, not only later buffers
            loaded = self._load(instrument)
            series = loaded if isinstance(loaded, BarSeries) else loaded.series
            if not isinstance(loaded, BarSeries) and loaded.trade_count is not None:
                self._trade_counts[instrument.symbol] = compact_counts(loaded.trade_count)
            if isinstance(loaded, CheckedBars):
                self.reports[instrument.symbol] = loaded.report
                log_report(self.name, instrument.symbol, loaded.report)
            self._cache[instrument.symbol] = series
            del loaded
            release_unused_memory()  # the loader's temporaries: freed, but still held by the C allocator
        return self._cache[instrument.symbol]

    def report(self, instrument: Instrument) -> DataQualityReport | None:
        """The data-quality report of ``instrument``'s bars (loading them if needed); None if not checked."""
        self._series(instrument)
        return self.reports.get(instrument.symbol)

    def trade_counts(self, instrument: Instrument) -> FloatArray | None:
        """Trades per bar aligned with the full series (NaN = unknown), or None when the source has none."""
        self._series(instrument)
        counts = self._trade_counts.get(instrument.symbol)
        return None if counts is None else counts.astype(np.float64)

    def history(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        """Bars with ``start_ns <= ts <= end_ns``; an empty window is an error."""
        window = self._series(instrument).between(start_ns, end_ns)
        if len(window) == 0:
            raise DomainValueError(self.name, "window", (start_ns, end_ns), "no bars in the requested window")
        return window

    async def stream(self, instrument: Instrument) -> AsyncIterator[MarketEvent]:
        """Yield each bar (with its trade count when known), sleeping the bar-to-bar gap divided by ``speed``."""
        series = self._series(instrument)
        counts = self._trade_counts.get(instrument.symbol)
        previous: int | None = None
        for i, bar in enumerate(series):
            if self.speed > 0 and previous is not None:
                await asyncio.sleep((bar.ts - previous) / 1e9 / self.speed)
            previous = bar.ts
            if counts is not None and np.isfinite(counts[i]):
                bar = attrs.evolve(bar, trade_count=int(counts[i]))
            yield bar
