"""The ``ticks`` data feed: trades from a Sierra Chart .scid file or a CSV/Parquet file of trades."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Literal

import attrs
import numpy as np

from adapters.replay.feed import SeriesDataFeed
from adapters.replay.file_config import DataFileError, detect_format, resolve_path, valid_timezone
from adapters.replay.trades import TradeColumns, TradesFormat, read_trades
from adapters.sierra.files.bars import parse_bar_size
from adapters.sierra.files.config import valid_bar_size
from adapters.sierra.files.tape import read_tape
from mia_core.errors import DomainValueError
from mia_core.events import MarketEvent
from mia_core.instruments import Instrument
from mia_core.series import BarSeries
from mia_core.ticks.bars import time_bars
from mia_core.ticks.tape import Tape
from mia_core.validation import within

SCID = ".scid"


@attrs.frozen
class TicksFeedConfig:
    """Settings of the ``ticks`` data feed (docs/data.md, "The ticks feed")."""

    path: str = attrs.field(validator=attrs.validators.min_len(1))
    format: Literal["auto", "scid", "csv", "parquet"] = "auto"
    columns: TradeColumns = attrs.Factory(TradeColumns)
    timezone: str = attrs.field(default="UTC", validator=valid_timezone)
    epoch_unit: Literal["s", "ms", "us", "ns"] = "ns"
    bar: str = attrs.field(default="1min", validator=valid_bar_size)
    price_multiplier: float = attrs.field(default=1.0, validator=within(0, 1e6, low_open=True))

    @property
    def is_scid(self) -> bool:
        """Whether the file is read as Sierra Chart tick records."""
        return self.format == "scid" or (self.format == "auto" and self.path.lower().endswith(SCID))


class TicksDataFeed:
    """Trades of one file: ``tape`` for the tick backtest, ``history`` the time bars of ``bar`` built from them."""

    name = "ticks"

    def __init__(self, config: TicksFeedConfig) -> None:
        self.config = config
        self.bar_seconds = parse_bar_size(config.bar)
        self._tapes: dict[str, Tape] = {}
        self._bars = SeriesDataFeed("ticks", lambda instrument: time_bars(self._tape(instrument),
                                                                          self.bar_seconds).series)

    def _tape(self, instrument: Instrument) -> Tape:
        if instrument.symbol not in self._tapes:
            config = self.config
            path = resolve_path(config.path)
            if config.is_scid:
                tape = read_tape(path, instrument, multiplier=config.price_multiplier)
            else:
                fmt = TradesFormat(config.format, config.columns, config.timezone, config.epoch_unit)  # type: ignore[arg-type]
                tape = read_trades(path, instrument, fmt)
            if not len(tape):
                raise DataFileError(str(path), "holds no trades")
            self._tapes[instrument.symbol] = tape
        return self._tapes[instrument.symbol]

    def tape(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> Tape:
        """The trades with ``start_ns <= ts <= end_ns``; an empty window is an error."""
        tape = self._tape(instrument)
        lo = 0 if start_ns is None else int(np.searchsorted(tape.ts, start_ns, side="left"))
        hi = len(tape) if end_ns is None else int(np.searchsorted(tape.ts, end_ns, side="right"))
        if hi <= lo:
            raise DomainValueError(self.name, "window", (start_ns, end_ns), "no trades in the requested window")
        return tape.slice(lo, hi)

    def history(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        """Time bars of ``bar`` built from the trades (with their bid/ask volume), within the bounds."""
        return self._bars.history(instrument, start_ns, end_ns)

    def stream(self, instrument: Instrument) -> AsyncIterator[MarketEvent]:
        """The bars, as the ``file`` feed replays them."""
        return self._bars.stream(instrument)


def open_ticks_feed(config: TicksFeedConfig) -> TicksDataFeed:
    """The ``ticks`` feed of ``config``, its path resolved now (against the directory the system started in)."""
    path = resolve_path(config.path)
    if not path.is_file():
        raise DataFileError(str(path), "no such file (relative paths are taken from the current directory)")
    fixed = attrs.evolve(config, path=str(path))
    if not fixed.is_scid:
        detect_format(path, fixed.format)
    return TicksDataFeed(fixed)
