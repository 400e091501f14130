"""The synthetic generator: the same bars as ever, without holding every intermediate column at once."""

from __future__ import annotations

import hashlib
import tracemalloc

from mia_core.instruments import ES, NQ
from mia_core.synthetic import SyntheticConfig, generate

# sha256 of the generator's columns, taken before its memory rework: seeded bars must never change
PINNED = "69c5dd0ab9f369e2482d0f91edac2015f954a12770980f3481eae83ac34a2959"


def test_the_bars_are_the_ones_pinned() -> None:
    digest = hashlib.sha256()
    for instrument, config in ((ES, SyntheticConfig(bars=20_000, seed=7)),
                               (NQ, SyntheticConfig(bars=5_000, seed=3, bar_seconds=300))):
        bars = generate(instrument, config)
        s = bars.series
        for column in (s.ts, s.open, s.high, s.low, s.close, s.volume, s.bid_volume, s.ask_volume,
                       bars.trade_count, bars.regime):
            assert column is not None
            digest.update(column.tobytes())
    assert digest.hexdigest() == PINNED


def test_the_peak_stays_near_the_result() -> None:
    config = SyntheticConfig(bars=200_000, seed=7)
    generate(ES, SyntheticConfig(bars=10))
    tracemalloc.start()
    try:
        bars = generate(ES, config)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    kept = 10 * 8 * config.bars  # ten columns of float64/int64
    assert bars.regime.size == config.bars
    assert peak < 2.2 * kept  # holding every intermediate peaked at over 3x
