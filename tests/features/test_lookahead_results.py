"""The look-ahead check names a technique's malformed results instead of calling them look-ahead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from mia_core.instruments import ES
from mia_core.lookahead import check_lookahead
from mia_core.market import Bar
from mia_core.series import BarSeries
from mia_core.synthetic import SyntheticConfig, generate_bars

BARS = generate_bars(ES, SyntheticConfig(bars=120, seed=2))


class ShortArrays:
    """``compute`` drops the first bar: its arrays are one short."""

    name = "short_arrays"
    outputs = ("level",)
    warmup_bars = 1

    def compute(self, bars: BarSeries) -> Mapping[str, npt.NDArray[np.float64]]:
        return {"level": np.asarray(bars.close[1:], dtype=np.float64)}


class Undeclared:
    """``update`` returns an output it does not declare, and not the one it does."""

    name = "undeclared"
    outputs = ("level",)
    warmup_bars = 1

    def update(self, bar: Bar) -> Mapping[str, Any]:
        return {"close": bar.close}

    def reset(self) -> None:
        pass


def test_arrays_of_the_wrong_length_are_an_error_saying_so() -> None:
    report = check_lookahead(ShortArrays(), BARS)
    assert not report.passed and not report.findings
    error = "\n".join(report.errors)
    assert "compute returned shape (119,) for 'level'" in error
    assert "arrays of 120 floats" in error


def test_undeclared_outputs_are_an_error_saying_so() -> None:
    report = check_lookahead(Undeclared(), BARS)
    assert not report.passed and not report.findings
    error = "\n".join(report.errors)
    assert "update returned keys ('close',) (missing 'level'; undeclared 'close')" in error
    assert "bar 0 (" in error
