"""Registers the replay data feeds with MIA: bundled history, CSV/Parquet files, trades, synthetic bars."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import attrs

from adapters.replay.file_config import DataFileError, FileFeedConfig, detect_format, resolve_path
from adapters.replay.tick_feed import TicksDataFeed, TicksFeedConfig
from mia_core.synthetic import SyntheticConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

if TYPE_CHECKING:
    from adapters.replay.feed import SeriesDataFeed

# The readers (pandas, pyarrow) are imported by the factories: discovering the plugin costs little.


@attrs.frozen
class BundledFeedConfig:
    """Settings of ``bundled``: which shipped daily history to replay."""

    dataset: Literal["sp500", "nasdaq"] = "sp500"


SyntheticFeedConfig = SyntheticConfig  # the ``synthetic`` feed's settings are the generator's


def _bundled(config: BundledFeedConfig, context: BuildContext) -> SeriesDataFeed:
    from adapters.replay.bundled import load_bundled
    from adapters.replay.feed import SeriesDataFeed

    return SeriesDataFeed("bundled", lambda instrument: load_bundled(config.dataset, instrument))


def _file(config: FileFeedConfig, context: BuildContext) -> SeriesDataFeed:
    from adapters.replay.feed import SeriesDataFeed
    from adapters.replay.file import read_bars

    path = resolve_path(config.path)  # resolved now, against the directory the system was started in
    if not path.is_file():
        raise DataFileError(str(path), "no such file (relative paths are taken from the current directory)")
    detect_format(path, config.format)
    fixed = attrs.evolve(config, path=str(path))
    return SeriesDataFeed("file", lambda instrument: read_bars(fixed, instrument))


def _ticks(config: TicksFeedConfig, context: BuildContext) -> TicksDataFeed:
    from adapters.replay.tick_feed import open_ticks_feed

    return open_ticks_feed(config)


def _synthetic(config: SyntheticConfig, context: BuildContext) -> SeriesDataFeed:
    from adapters.replay.feed import SeriesDataFeed
    from mia_core.synthetic import generate

    return SeriesDataFeed("synthetic", lambda instrument: generate(instrument, config))


@hookimpl
def mia_register_data_feeds() -> Iterable[ComponentSpec]:
    """Replay feeds."""
    return [
        ComponentSpec(
            kind=ComponentKind.DATA_FEED,
            name="bundled",
            factory=_bundled,
            config_class=BundledFeedConfig,
            summary="Real S&P 500 / NASDAQ daily history 1999-2018 shipped with MIA",
        ),
        ComponentSpec(
            kind=ComponentKind.DATA_FEED,
            name="file",
            factory=_file,
            config_class=FileFeedConfig,
            summary="Bars from a CSV or Parquet file, with column mapping, validation and optional repair",
        ),
        ComponentSpec(
            kind=ComponentKind.DATA_FEED,
            name="ticks",
            factory=_ticks,
            config_class=TicksFeedConfig,
            summary="Trades (ts, price, size, side) from a .scid, CSV or Parquet file: the tick backtest's tape",
        ),
        ComponentSpec(
            kind=ComponentKind.DATA_FEED,
            name="synthetic",
            factory=_synthetic,
            config_class=SyntheticConfig,
            summary="Seeded synthetic intraday bars with order flow during CME Globex hours",
        ),
    ]
