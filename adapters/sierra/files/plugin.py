"""Registers the ``sierra_files`` data feed: Sierra Chart's .scid/.depth files, for backtests and live order flow."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from adapters.replay.file_config import resolve_path
from adapters.sierra.files.config import SierraFilesFeedConfig
from adapters.sierra.files.feed import SierraFilesDataFeed
from adapters.sierra.files.layout import SierraFileError
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def open_files_feed(config: SierraFilesFeedConfig, context: BuildContext) -> SierraFilesDataFeed:
    """The ``sierra_files`` feed of ``config`` (also the ``sierra_feed``'s fallback when DTC refuses data)."""
    path = resolve_path(config.path)  # resolved now, against the directory the system was started in
    if not path.is_file():
        raise SierraFileError(str(path), 0, "no such file (relative paths are taken from the current directory)")
    depth = str(resolve_path(config.depth_dir)) if config.depth_dir else None
    return SierraFilesDataFeed(attrs.evolve(config, path=str(path), depth_dir=depth), context.clock.now_ns)


@hookimpl
def mia_register_data_feeds() -> Iterable[ComponentSpec]:
    """The Sierra Chart files feed."""
    return [
        ComponentSpec(
            kind=ComponentKind.DATA_FEED,
            name="sierra_files",
            factory=open_files_feed,
            config_class=SierraFilesFeedConfig,
            summary="Sierra Chart .scid/.depth files: bars with bid/ask volume, trades and the book, tailed live",
        ),
    ]
