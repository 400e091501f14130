"""Shared helpers for the data-input tests: small clean bar tables and a fake build context."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np
import pandas as pd
import pytest

from mia_core.instruments import ES, Instrument
from ports.components import Mode


@attrs.frozen
class FakeContext:
    """The part of BuildContext the replay factories use."""

    instrument: Instrument = ES
    mode: Mode = Mode.BACKTEST


def clean_frame(n: int = 10, start: str = "2024-01-02 09:31", freq: str = "1min") -> pd.DataFrame:
    """``n`` valid one-minute ES bars with naive timestamps (our column names)."""
    ts = pd.date_range(start, periods=n, freq=freq)
    close = 5000.0 + 0.25 * np.arange(n)
    return pd.DataFrame(
        {
            "ts": ts.strftime("%Y-%m-%d %H:%M:%S"),
            "open": close - 0.25,
            "high": close + 0.5,
            "low": close - 0.5,
            "close": close,
            "volume": np.full(n, 100.0),
            "bid_volume": np.full(n, 40.0),
            "ask_volume": np.full(n, 60.0),
            "trade_count": np.full(n, 30),
        }
    )


@pytest.fixture
def context() -> FakeContext:
    return FakeContext()


@pytest.fixture
def make_frame() -> Callable[..., pd.DataFrame]:
    """The clean_frame builder, as a fixture so test modules need not import this conftest."""
    return clean_frame
