"""Features against independent pandas implementations of their written definitions (docs/features.md).

pandas' rolling windows and group-bys sum in their own order, so values are compared
to a relative 1e-9; discrete outputs must match wherever the continuous value they
threshold is not within that tolerance of the threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from adapters.calendars.cme import cme_calendar
from mia_core.series import BarSeries
from mia_core.timeutil import CHICAGO
from mia_plugins.battle_navale.features.momentum_flow import MomentumFlow
from mia_plugins.battle_navale.features.session_analysis import SessionAnalysis
from mia_plugins.battle_navale.features.support_resistance import SupportResistance
from mia_plugins.battle_navale.features.volume_imbalance import VolumeImbalance
from mia_plugins.battle_navale.features.vwap_trend import VwapTrend
from mia_plugins.delta_divergence.technique import DeltaDivergence
from mia_plugins.tick_momentum.technique import TickMomentum
from mia_plugins.volatility_regime.technique import VolatilityRegime


def frame(bars: BarSeries) -> pd.DataFrame:
    return pd.DataFrame({"o": bars.open, "h": bars.high, "l": bars.low, "c": bars.close, "v": bars.volume})


def true_range(f: pd.DataFrame) -> pd.Series:
    prev = f["c"].shift(1)
    tr = pd.concat([f["h"], prev], axis=1).max(axis=1) - pd.concat([f["l"], prev], axis=1).min(axis=1)
    return tr.fillna(f["h"] - f["l"])


def close(ours: np.ndarray, reference: pd.Series, warmup: int) -> None:
    np.testing.assert_allclose(ours[warmup - 1 :], reference.to_numpy()[warmup - 1 :], rtol=1e-9, atol=1e-9)


@pytest.fixture(scope="module", params=["intraday", "sp500"])
def data(request: pytest.FixtureRequest) -> BarSeries:
    series: BarSeries = request.getfixturevalue(request.param)
    return series.slice(0, 20_000)


def test_vwap_trend_against_pandas(data: BarSeries) -> None:
    f, n, k = frame(data), 20, 5
    tp3 = f["h"] + f["l"] + f["c"]
    vwap = (tp3 * f["v"]).rolling(n, min_periods=1).sum() / (3 * f["v"].rolling(n, min_periods=1).sum())
    atr = true_range(f).rolling(n, min_periods=1).mean()
    ours = VwapTrend().compute(data)
    close(ours["vwap"], vwap, 25)
    close(ours["atr"], atr, 25)
    close(ours["distance_atr"], (f["c"] - vwap) / atr, 25)
    close(ours["slope_atr"], (vwap - vwap.shift(k)) / atr, 25)


def signed_delta(data: BarSeries, f: pd.DataFrame) -> pd.Series:
    if data.has_order_flow:
        return pd.Series(data.ask_volume - data.bid_volume)  # type: ignore[operator]
    span = f["h"] - f["l"]
    tick = np.sign(f["c"].diff()).replace(0, np.nan).ffill().fillna(0)
    return (f["v"] * (2 * f["c"] - f["h"] - f["l"]) / span).where(span > 0, tick * f["v"])


def test_volume_imbalance_and_delta_divergence_against_pandas(data: BarSeries) -> None:
    f = frame(data)
    delta = signed_delta(data, f)
    imbalance = delta.rolling(10, min_periods=1).sum() / f["v"].rolling(10, min_periods=1).sum()
    close(VolumeImbalance().compute(data)["imbalance"], imbalance, 10)
    cum = delta.cumsum()
    lo, hi = cum.rolling(20, min_periods=1).min(), cum.rolling(20, min_periods=1).max()
    plo, phi = f["c"].rolling(20, min_periods=1).min(), f["c"].rolling(20, min_periods=1).max()
    divergence = ((cum - lo) / (hi - lo)).where(hi > lo, 0.5) - ((f["c"] - plo) / (phi - plo)).where(phi > plo, 0.5)
    ours = DeltaDivergence().compute(data)
    np.testing.assert_allclose(ours["cum_delta"][19:], cum.to_numpy()[19:], rtol=1e-9, atol=1e-6)
    close(ours["divergence"], divergence, 20)


def test_momentum_flow_and_tick_momentum_against_pandas(data: BarSeries) -> None:
    f = frame(data)
    dc = f["c"].diff().fillna(0)
    flow = (dc * f["v"]).rolling(14, min_periods=1).sum() / (dc.abs() * f["v"]).rolling(14, min_periods=1).sum()
    atr = true_range(f).rolling(14, min_periods=1).mean()
    ours = MomentumFlow().compute(data)
    close(ours["flow"], flow.fillna(0), 15)
    close(ours["roc_atr"], (f["c"] - f["c"].shift(14)) / atr, 15)
    moves = dc / 0.25
    net, path = moves.rolling(20).sum(), moves.abs().rolling(20).sum()
    ups, downs = (moves > 0).astype(float).rolling(20).sum(), (moves < 0).astype(float).rolling(20).sum()
    tick = TickMomentum(0.25).compute(data)
    close(tick["net_ticks"], net, 21)
    close(tick["efficiency"], (net / path).fillna(0), 21)
    close(tick["up_share"], (ups / (ups + downs)).fillna(0.5), 21)


def test_support_resistance_and_volatility_regime_against_pandas(data: BarSeries) -> None:
    f = frame(data)
    ours = SupportResistance().compute(data)
    close(ours["support"], f["l"].rolling(20, min_periods=1).min().shift(1), 21)
    close(ours["resistance"], f["h"].rolling(20, min_periods=1).max().shift(1), 21)
    tr = true_range(f)
    ratio = tr.rolling(14, min_periods=1).mean() / tr.rolling(100, min_periods=1).mean()
    regime = VolatilityRegime().compute(data)
    close(regime["ratio"], ratio, 100)
    clear = (np.abs(ratio - 0.8) > 1e-9) & (np.abs(ratio - 1.25) > 1e-9)
    expected = np.select([ratio < 0.8, ratio > 1.25], [0.0, 2.0], 1.0)
    assert (regime["regime"][99:] == expected[99:])[clear.to_numpy()[99:]].all()


def test_session_vwap_against_a_groupby_of_cme_trading_days(intraday: BarSeries) -> None:
    data = intraday.slice(0, 20_000)
    f = frame(data)
    local = pd.to_datetime(data.ts, utc=True).tz_convert(CHICAGO)
    # the CME trading day: at or after 17:00 Chicago counts for the next day (all synthetic bars are in session)
    day = (local + pd.Timedelta(hours=7)).date
    tp3 = f["h"] + f["l"] + f["c"]
    groups = pd.Series(day)
    vwap = (tp3 * f["v"]).groupby(groups).cumsum() / (3 * f["v"].groupby(groups).cumsum())
    high = f["h"].groupby(groups).cummax()
    ours = SessionAnalysis(cme_calendar()).compute(data)
    inside = ours["session_id"] != 4  # holidays in the synthetic data join the next calendar session
    first_closed = int(np.argmin(inside)) if not inside.all() else len(data)
    np.testing.assert_allclose(ours["session_vwap"][:first_closed], vwap.to_numpy()[:first_closed], rtol=1e-9)
    np.testing.assert_array_equal(ours["session_high"][:first_closed], high.to_numpy()[:first_closed])
    assert first_closed > 5_000
