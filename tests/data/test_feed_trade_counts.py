"""A feed keeps trade counts as float32 when that is exact, and gives back the same counts as float64 and on bars."""

from __future__ import annotations

import asyncio

import attrs
import numpy as np
import pytest

from adapters.replay.feed import SeriesDataFeed, compact_counts
from mia_core.instruments import ES
from mia_core.synthetic import SyntheticConfig, generate


@pytest.mark.parametrize(
    ("counts", "narrow"),
    [
        ([0.0, 3.0, np.nan, 16_777_216.0], True),  # 2**24: still exact in float32
        ([1.0, 16_777_217.0], False),  # 2**24 + 1 is not
        ([1.5, 2.0], True),
        ([0.1, 2.0], False),
        ([], True),
    ],
)
def test_counts_are_narrowed_only_when_exact(counts: list[float], narrow: bool) -> None:
    wide = np.array(counts, dtype=np.float64)
    kept = compact_counts(wide)
    assert kept.dtype == (np.float32 if narrow else np.float64)
    np.testing.assert_array_equal(kept.astype(np.float64), wide)


@pytest.mark.parametrize("big", [False, True])
def test_the_feed_gives_the_loaded_counts_back(big: bool) -> None:
    """Whole counts (kept as float32), and counts too large for it (kept as float64), unknown ones NaN."""
    synthetic = generate(ES, SyntheticConfig(bars=50, seed=3))
    counts = synthetic.trade_count.copy()
    counts[::7] = np.nan
    if big:
        counts[3] = 2**24 + 1
    synthetic = attrs.evolve(synthetic, trade_count=counts)
    feed = SeriesDataFeed("test", lambda _: synthetic)
    counts = feed.trade_counts(ES)
    assert counts is not None and counts.dtype == np.float64
    np.testing.assert_array_equal(counts, synthetic.trade_count)

    async def bars() -> list[int | None]:
        return [bar.trade_count async for bar in feed.stream(ES)]  # type: ignore[attr-defined]

    expected = [None if np.isnan(c) else int(c) for c in synthetic.trade_count]
    assert asyncio.run(bars()) == expected
