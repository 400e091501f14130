"""Trusted (unvalidated) bars equal the validated ones, across iteration blocks and by index."""

from __future__ import annotations

import pytest

from mia_core.instruments import ES
from mia_core.series import TrustedBars
from mia_core.synthetic import SyntheticConfig, generate_bars


@pytest.mark.parametrize("block", [1, 5, 7, 1000])
def test_iteration_and_indexing_give_the_validated_bars(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    series = generate_bars(ES, SyntheticConfig(bars=23, seed=3))
    expected = [series.bar(i) for i in range(len(series))]
    monkeypatch.setattr(TrustedBars, "BLOCK", block)
    trusted = series.trusted()
    assert list(trusted) == expected
    assert [trusted[i] for i in range(len(trusted))] == expected
    assert trusted[-1] == expected[-1]


def test_bars_without_order_flow_have_none_not_nan() -> None:
    series = generate_bars(ES, SyntheticConfig(bars=4, seed=3))
    plain = type(series)(instrument=ES, ts=series.ts, open=series.open, high=series.high, low=series.low,
                         close=series.close, volume=series.volume)
    bars = list(plain.trusted())
    assert all(bar.bid_volume is None and bar.ask_volume is None for bar in bars)
    assert bars == [plain.bar(i) for i in range(len(plain))]
