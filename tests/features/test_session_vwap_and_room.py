"""Issue 14's features: the session-anchored VWAP restarts at its anchor, its bands are SDs; the room S/R score is
monotone in the close (the channel score is not)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from adapters.calendars.cme import cme_calendar
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_plugins.battle_navale.features.session_vwap import SessionVwap, SessionVwapConfig
from mia_plugins.battle_navale.features.support_resistance import _score

MINUTE = 60_000_000_000


def chicago(text: str) -> int:
    """UTC ns of a Chicago wall-clock time."""
    return int(pd.Timestamp(text, tz="America/Chicago").value)


def bars(start: str, n: int, price: float = 5000.0) -> list[Bar]:
    t0 = chicago(start)
    return [Bar(ES, t0 + i * MINUTE, price + i, price + i + 1, price + i - 1, price + i, 100) for i in range(n)]


def test_the_rth_vwap_restarts_at_the_first_regular_hours_bar() -> None:
    feature = SessionVwap(cme_calendar(), SessionVwapConfig(anchor="rth", slope_bars=1))
    seen = [feature.update(bar) for bar in bars("2024-03-05 08:25", 10)]
    # 08:25 .. 08:30 close in London; 08:31 is the first bar closing in regular hours
    assert seen[6]["bars"] == 1 and seen[6]["vwap"] == 5006.0
    assert seen[5]["bars"] == 6
    assert seen[9]["bars"] == 4


def test_the_globex_vwap_restarts_at_the_trading_day_and_bands_are_sds() -> None:
    feature = SessionVwap(cme_calendar(), SessionVwapConfig(anchor="globex", band_sd=2.0, slope_bars=1))
    seen = [feature.update(bar) for bar in bars("2024-03-05 15:55", 130)]
    restart = next(i for i, v in enumerate(seen) if v["bars"] == 1 and i > 0)
    # the first bar after the 16:00 close belongs to the next trading day (a halt bar joins the next session)
    assert chicago("2024-03-05 15:55") + restart * MINUTE == chicago("2024-03-05 16:01")
    last = seen[-1]
    tps = np.array([b.close for b in bars("2024-03-05 15:55", 130)[restart:]])  # typical price = close here
    assert abs(last["vwap"] - tps.mean()) < 1e-9 and abs(last["sd"] - tps.std()) < 1e-6
    assert abs(last["upper"] - (last["vwap"] + 2 * last["sd"])) < 1e-9


@given(st.floats(4900, 5100), st.floats(4900, 5100), st.floats(4950, 4990), st.floats(5010, 5050))
def test_the_room_score_is_monotone_in_the_close(a: float, b: float, support: float, resistance: float) -> None:
    low, high = sorted((a, b))
    assert _score(low, support, resistance, True) >= _score(high, support, resistance, True)


def test_the_channel_score_was_not_monotone() -> None:
    assert _score(4990, 4950, 5000, False) < _score(5001, 4950, 5000, False)  # breakout jumps to 1
    assert _score(4951, 4950, 5000, False) > _score(4990, 4950, 5000, False)
