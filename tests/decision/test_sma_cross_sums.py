"""sma_cross's running window sums give the signals math.fsum over the windows gives, on and off the tick grid."""

from __future__ import annotations

import math
from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from mia_core.instruments import ES
from mia_core.market import Bar
from mia_core.signals import Signal
from mia_core.synthetic import SyntheticConfig, generate_bars
from mia_plugins.sma_cross.strategy import SmaCrossConfig, SmaCrossStrategy


class FsumCross:
    """The crossing rule as sma_cross first wrote it: math.fsum over both windows on every bar."""

    def __init__(self, fast: int, slow: int) -> None:
        self.fast_bars, self.slow_bars = fast, slow
        self.fast: deque[float] = deque(maxlen=fast)
        self.slow: deque[float] = deque(maxlen=slow)
        self.previous: float | None = None

    def direction(self, close: float) -> int:
        self.fast.append(close)
        self.slow.append(close)
        if len(self.slow) < self.slow_bars:
            return 0
        diff = math.fsum(self.fast) / self.fast_bars - math.fsum(self.slow) / self.slow_bars
        previous = self.previous
        if diff != 0 or previous is None:
            self.previous = diff
        if previous is None:
            return 0
        return 1 if diff > 0 > previous else -1 if diff < 0 < previous else 0


def _unchecked_bar(ts: int, close: float) -> Bar:
    """A bar with only ``ts`` and ``close``, not checked against the grid (the strategy must stay exact off it)."""
    bar = object.__new__(Bar)
    object.__setattr__(bar, "ts", ts)
    object.__setattr__(bar, "close", close)
    return bar


def _directions(strategy: SmaCrossStrategy, closes: list[float], reference: FsumCross | None = None) -> list[int]:
    """The strategy's direction per close; with ``reference``, its last difference of averages is checked too."""
    out = []
    for i, close in enumerate(closes):
        bar = _unchecked_bar(i + 1, close)
        signal = strategy.on_bar(bar, None)  # type: ignore[arg-type]
        out.append(0 if signal is None else int(signal.direction))
        assert signal is None or isinstance(signal, Signal)
        if reference is not None:
            reference.direction(close)
            assert strategy._previous_diff == reference.previous, f"bar {i}: the averages differ from fsum's"
    return out


def test_running_sums_match_fsum_on_the_synthetic_series() -> None:
    series = generate_bars(ES, SyntheticConfig(bars=20_000, seed=3))
    closes = series.close.tolist()
    reference = FsumCross(10, 30)
    expected = [reference.direction(c) for c in closes]
    assert _directions(SmaCrossStrategy(SmaCrossConfig(fast=10, slow=30)), closes, FsumCross(10, 30)) == expected
    assert sum(1 for d in expected if d) > 100  # the comparison saw many crosses


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.integers(15_000, 16_100).map(lambda q: q / 4.0),
                       st.floats(3_750.0, 4_025.0, allow_nan=False)), min_size=1, max_size=300),
    st.integers(1, 6),
    st.integers(1, 12),
)
def test_running_sums_match_fsum_on_and_off_the_quarter_grid(closes: list[float], fast: int, extra: int) -> None:
    slow = fast + extra
    reference = FsumCross(fast, slow)
    expected = [reference.direction(c) for c in closes]
    strategy = SmaCrossStrategy(SmaCrossConfig(fast=fast, slow=slow))
    assert _directions(strategy, closes, FsumCross(fast, slow)) == expected


def test_reset_forgets_the_sums_and_an_off_grid_close() -> None:
    strategy = SmaCrossStrategy(SmaCrossConfig(fast=2, slow=3))
    _directions(strategy, [4000.1, 4000.2, 4000.3, 4000.4])
    strategy.reset()
    closes = [4000.0, 4001.0, 4002.0, 3990.0, 3989.0, 4010.0, 4011.0, 3980.0]
    reference = FsumCross(2, 3)
    assert _directions(strategy, closes) == [reference.direction(c) for c in closes]
