"""Bars played as trades through the gateway's quotes, so ticks, bars and fills follow recorded prices."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING

from mia_core.instruments import instrument_for
from mia_core.series import BarSeries
from mia_core.synthetic import SyntheticConfig, generate_bars

if TYPE_CHECKING:
    from adapters.ib.gateway.session import Gateway


def bar_path(open_: float, high: float, low: float, close: float) -> tuple[float, float, float, float]:
    """The order prices are visited in: O-L-H-C for an up (or flat) bar, O-H-L-C for a down bar."""
    return (open_, low, high, close) if close >= open_ else (open_, high, low, close)


async def replay(gw: Gateway, root: str, series: BarSeries, interval: float = 0.0,
                 limit: int | None = None) -> int:
    """Play up to ``limit`` bars of ``series`` on ``root``: four trades per bar, ``interval`` s between bars."""
    count = len(series.ts) if limit is None else min(limit, len(series.ts))
    for i in range(count):
        path = bar_path(float(series.open[i]), float(series.high[i]), float(series.low[i]), float(series.close[i]))
        size = max(int(series.volume[i] // 4), 1)
        for price in path:
            gw.set_price(root, price, size=size)
        await asyncio.sleep(interval)
    return count


def synthetic_minutes(root: str, bars: int, start_price: float, seed: int = 7,
                      start: dt.date | None = None) -> BarSeries:
    """Seeded one-minute bars of ES or NQ (see :mod:`mia_core.synthetic`) starting at ``start_price``."""
    day = (start or dt.date(2024, 1, 2)).isoformat()
    return generate_bars(instrument_for(root), SyntheticConfig(seed=seed, bars=bars, start=day, bar_seconds=60,
                                                               start_price=start_price))
