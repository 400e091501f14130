"""Registers the replay data feeds with MIA."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

from adapters.replay.bundled import bundled_series
from adapters.replay.feed import SeriesDataFeed
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


@attrs.frozen
class BundledFeedConfig:
    """Settings of ``bundled``: which shipped daily history to replay."""

    dataset: Literal["sp500", "nasdaq"] = "sp500"


def _bundled(config: BundledFeedConfig, context: BuildContext) -> SeriesDataFeed:
    return SeriesDataFeed("bundled", lambda instrument: bundled_series(config.dataset, instrument))


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
        )
    ]
