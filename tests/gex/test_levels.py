"""Walls, absolute-gamma strike, ratios: hand-checkable chains."""

from __future__ import annotations

import numpy as np

from mia_core.gex.analysis import GexSettings, analyse
from mia_core.gex.levels import argmax_toward_spot

from .chains import arrays, quote

SETTINGS = GexSettings(rate=0.0, dividend_yield=0.0)


def test_walls_and_absolute_gamma_strike() -> None:
    chain = arrays([
        quote(5000.0, "C", 100.0), quote(5050.0, "C", 5000.0), quote(5100.0, "C", 800.0),
        quote(4950.0, "P", 4000.0), quote(4900.0, "P", 9000.0), quote(5050.0, "P", 10.0),
    ])  # fmt: skip
    a = analyse(chain, SETTINGS)
    assert a.levels.call_wall == 5050.0
    assert a.levels.put_wall == 4900.0
    # 4950's 4000 puts near the money against 4900's 9000 further out: compute which is larger by gross
    gross = dict(zip(a.profile.strike.tolist(), a.profile.absolute.tolist(), strict=True))
    assert a.levels.abs_gamma_strike == max(gross, key=lambda k: gross[k])
    assert a.levels.call_oi_wall == 5050.0 and a.levels.put_oi_wall == 4900.0


def test_ties_go_to_the_strike_nearest_spot() -> None:
    strikes = np.array([4900.0, 5050.0, 5300.0])
    assert argmax_toward_spot(np.array([3.0, 3.0, 3.0]), strikes, 5000.0) == 5050.0
    assert argmax_toward_spot(np.zeros(3), strikes, 5000.0) is None


def test_put_call_ratios_by_open_interest_and_volume() -> None:
    chain = arrays([
        quote(5050.0, "C", 1000.0, volume=300.0), quote(5100.0, "C", 1000.0, volume=100.0),
        quote(4950.0, "P", 3000.0, volume=100.0), quote(4900.0, "P", 1000.0, volume=700.0),
    ])  # fmt: skip
    a = analyse(chain, SETTINGS)
    assert a.pcr_oi == 2.0 and a.pcr_volume == 2.0
