"""``mia bench sweep``'s arithmetic on hand figures (timings themselves are printed, never asserted)."""

from __future__ import annotations

import pytest

from adapters.bench.sweep import SweepFigures, efficiency, sweep_table


def test_efficiency_and_overhead_by_hand() -> None:
    one = SweepFigures(1, 64, 3.0, 64.0, (0.9,) * 64, 150.0, (0.9,) * 64)
    two = SweepFigures(2, 64, 4.0, 35.0, (0.95,) * 64, 160.0, (0.475,) * 64)
    assert efficiency([one, two], two) == pytest.approx(64 / 35 / 2)  # 91%
    assert one.overhead_seconds == pytest.approx(64 * 1 / 64 - 0.9)  # 100 ms a run
    assert two.overhead_seconds == pytest.approx(35 * 2 / 64 - 0.95)
    assert two.machinery_efficiency == pytest.approx(0.95 / (35 * 2 / 64))
    assert one.cpu_share == pytest.approx(1.0) and two.cpu_share == pytest.approx(0.5)  # half a core each
    table = sweep_table([one, two], None)
    assert table.row_count == 2 and "whole history" in str(table.title)
