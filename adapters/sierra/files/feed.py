"""The ``sierra_files`` DataFeed: history from a .scid file as bars, a live stream by tailing .scid and .depth."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

from adapters.replay.feed import SeriesDataFeed
from adapters.sierra.files.bars import file_bars
from adapters.sierra.files.config import SierraFilesFeedConfig
from adapters.sierra.files.live import LiveFiles
from mia_core.data_quality import CheckedBars
from mia_core.events import MarketEvent
from mia_core.instruments import Instrument


def load_bars(config: SierraFilesFeedConfig, instrument: Instrument) -> CheckedBars:
    """The .scid file's records as validated bars of ``config.bar`` with bid/ask volume."""
    return file_bars(config.path, instrument, config.bar_seconds, multiplier=config.price_multiplier,
                     policy=config.on_bad_data, live_seconds=config.live_seconds).checked


class SierraFilesDataFeed(SeriesDataFeed):
    """Bars for backtests and warm-up from the whole .scid file; live, the files Sierra Chart appends to.

    ``stream`` polls every ``poll_seconds`` and yields trades, bars (at close) and depth
    updates (per batch) as :class:`LiveFiles` finds them; it runs until the consumer stops.
    """

    def __init__(self, config: SierraFilesFeedConfig, now_ns: Callable[[], int] = time.time_ns) -> None:
        super().__init__("sierra_files", lambda instrument: load_bars(config, instrument))
        self.config = config
        self.now_ns = now_ns

    async def stream(self, instrument: Instrument) -> AsyncIterator[MarketEvent]:
        """Yield what Sierra Chart appends to the files, oldest first (see :class:`LiveFiles`)."""
        files = LiveFiles(self.config, instrument, self.now_ns)
        while True:
            for event in files.poll():
                yield event
            await asyncio.sleep(self.config.poll_seconds)
