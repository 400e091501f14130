"""Settings of the ``sierra_files`` data feed."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from adapters.sierra.files.bars import parse_bar_size
from mia_core.validation import fail, within


def valid_bar_size(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """attrs validator: a bar size ``parse_bar_size`` reads (30s, 1min, 5min, 1h...)."""
    try:
        parse_bar_size(value)
    except ValueError as exc:
        fail(instance, attribute.name, value, str(exc))


def _scid(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value.lower().endswith(".scid"):
        fail(instance, attribute.name, value, "expected a Sierra Chart intraday data file ending in .scid")


@attrs.frozen
class SierraFilesFeedConfig:
    """Settings of ``sierra_files`` (docs/adapters/sierra_files.md): which files, bar size, live polling."""

    path: str = attrs.field(validator=_scid)  # e.g. C:/SierraChart/Data/ESZ25-CME.scid
    bar: str = attrs.field(default="1min", validator=valid_bar_size)  # bars built from the records: 30s, 1min, 1h...
    price_multiplier: float = attrs.field(default=1.0, validator=within(0, 1e6, low_open=True))
    depth_dir: str | None = None  # Data/MarketDepthData; null: no depth
    depth_symbol: str | None = None  # the .depth files' symbol; null: the .scid file's name without .scid
    depth_levels: int = attrs.field(default=10, validator=within(1, 1000))
    trades: bool = True  # stream each trade (tick storage only)
    combine_split_trades: bool = False  # one trade per CME summary trade instead of its fills
    poll_seconds: float = attrs.field(default=0.5, validator=within(0.01, 60))
    bar_close_grace_seconds: float = attrs.field(default=6.0, validator=within(0, 600))  # > SC's flush time
    stream_from: Literal["end", "start"] = "end"  # live: only what SC appends after the start, or replay it all
    on_bad_data: Literal["error", "repair"] = "repair"
    live_seconds: float = attrs.field(default=60.0, validator=within(0, 86400))  # recently written = being appended

    @property
    def bar_seconds(self) -> int:
        """The bar size in seconds."""
        return parse_bar_size(self.bar)
