"""Fat-finger spikes: one bar far outside its neighbours is flagged, and repaired only as configured."""

from __future__ import annotations

import numpy as np
import pytest

from mia_core.data_quality import DataQualityError, check_bars
from mia_core.instruments import ES

from .test_data_quality import columns, line


def spiked(n: int = 12, row: int = 5, **prices: float) -> dict[str, object]:
    return columns(n, **{name: {row: value} for name, value in prices.items()})


def test_a_fat_finger_high_is_not_a_clean_report() -> None:
    cols = spiked(high=5500.0)  # neighbours trade near 5001; one print 500 points away
    report = check_bars(cols, ES, source="es.csv", policy="repair", row_label=line).report
    assert not report.clean and "no problems found" not in report.summary()
    assert report.count("spike") == 1
    (example,) = [e for e in report.examples if e.kind == "spike"]
    assert example.row == "line 7" and "high" in example.field and example.value == 5500.0


def test_under_error_the_spike_raises_naming_row_column_and_rule() -> None:
    with pytest.raises(DataQualityError, match=r"es.csv, line 7, column 'high': value 5500.0: .*median bar range"):
        check_bars(spiked(high=5500.0), ES, source="es.csv", row_label=line)


def test_clip_repair_pulls_the_price_back_into_the_neighbours_range() -> None:
    checked = check_bars(spiked(high=5500.0), ES, source="x", policy="repair")
    s = checked.series
    assert len(s) == 12 and s.high[5] == max(s.high[4], s.high[6])
    assert s.low[5] <= min(s.open[5], s.close[5]) and s.high[5] >= max(s.open[5], s.close[5])


def test_a_bar_spiked_entirely_is_dropped_and_drop_repair_drops_any_spike() -> None:
    whole = spiked(open=500.0, high=500.25, low=499.75, close=500.0)  # a decimal slip
    checked = check_bars(whole, ES, source="x", policy="repair")
    assert len(checked.series) == 11 and checked.report.count("spike") == 1
    dropped = check_bars(spiked(low=4500.0), ES, source="x", policy="repair", spike_repair="drop")
    assert len(dropped.series) == 11 and 4500.0 not in dropped.series.low


def test_threshold_is_configurable_and_none_disables_the_check() -> None:
    cols = spiked(high=5015.0)  # 14 points away: 14x the median bar range of 1.0
    assert check_bars(cols, ES, source="x", policy="repair").report.clean
    assert check_bars(cols, ES, source="x", policy="repair", spike_threshold=10).report.count("spike") == 1
    assert check_bars(spiked(high=5500.0), ES, source="x", spike_threshold=None).report.clean


def test_trends_gaps_and_steady_moves_are_not_spikes() -> None:
    n = 40
    close = 5000.0 + np.r_[np.zeros(20), np.full(20, 300.0)]  # a 300-point jump that stays
    cols = columns(n)
    cols.update(open=close, high=close + 0.5, low=close - 0.5, close=close)
    assert check_bars(cols, ES, source="x").report.clean
    trend = 5000.0 + 25.0 * np.arange(n)  # 25 points a bar: far beyond the range, but steady
    cols.update(open=trend - 25.0, high=trend + 0.5, low=trend - 25.5, close=trend)
    assert check_bars(cols, ES, source="x").report.clean


def test_an_unknown_spike_repair_is_refused() -> None:
    with pytest.raises(ValueError, match="spike_repair"):
        check_bars(columns(), ES, source="x", spike_repair="fill")  # type: ignore[arg-type]
