"""Seeded synthetic intraday ES/NQ bars on the tick grid during CME Globex hours (vectorised numpy)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np

from mia_core.instruments import Instrument
from mia_core.series import BarSeries, FloatArray, IntArray
from mia_core.validation import SEED, fail, positive_int, within

CHICAGO = ZoneInfo("America/Chicago")
HOUR_NS = 3600 * 10**9
DAY_NS = 24 * HOUR_NS
SESSION_OPEN_HOUR = 17  # Globex opens 17:00 Chicago (Sunday to Thursday) ...
SESSION_HOURS = 23  # ... and halts at 16:00 the next day
SECONDS_PER_YEAR = 252 * SESSION_HOURS * 3600
RTH_OPEN, RTH_CLOSE = 15.5, 22.0  # 08:30 and 15:00 Chicago, in hours after the 17:00 open
REGIME_SCALES = np.array([0.6, 1.0, 1.8])  # calm, normal, turbulent volatility multipliers
TAIL_DF = 5  # Student-t degrees of freedom of bar returns
MEAN_TRADE_SIZE = 2.5


def _iso_date(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        fail(instance, attribute.name, value, "expected a date as YYYY-MM-DD")


def _divides_hour(instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    positive_int(instance, attribute, value)
    if 3600 % value:
        fail(instance, attribute.name, value, "must divide 3600 (e.g. 1, 5, 15, 30, 60, 300, 900, 1800, 3600)")


@attrs.frozen
class SyntheticConfig:
    """Settings of the synthetic generator (and of the ``synthetic`` data feed).

    ``start`` is the first CME trading day (its session opens 17:00 Chicago the evening
    before); ``volatility`` the long-run annualised volatility; ``volume`` the mean
    contracts of a one-minute bar at midday in a normal regime (scaled by ``bar_seconds``);
    ``regime_days`` the mean length of a volatility regime in trading days.
    """

    seed: int = attrs.field(default=7, validator=SEED)
    bars: int = attrs.field(default=100_000, validator=[within(1, 10_000_000), positive_int])
    start: str = attrs.field(default="2024-01-02", validator=_iso_date)
    bar_seconds: int = attrs.field(default=60, validator=[within(1, 3600), _divides_hour])
    start_price: float = attrs.field(default=5000.0, validator=within(0, 1_000_000, low_open=True))
    volatility: float = attrs.field(default=0.18, validator=within(0, 5, low_open=True))
    volume: float = attrs.field(default=1500.0, validator=within(0, 1_000_000, low_open=True))
    regime_days: float = attrs.field(default=2.0, validator=within(0, 1000, low_open=True))


@attrs.frozen(eq=False)
class SyntheticBars:
    """Generated bars, trades per bar and the volatility regime (0 calm, 1 normal, 2 turbulent) of each."""

    series: BarSeries
    trade_count: FloatArray
    regime: IntArray


def _chicago_offsets(ts: IntArray) -> IntArray:
    """UTC offset (ns) of America/Chicago at each instant, looked up once per UTC hour."""
    hours = ts // HOUR_NS
    first = int(hours.min())
    table = np.array(
        [(dt.datetime.fromtimestamp((first + k) * 3600, CHICAGO).utcoffset() or dt.timedelta(0)).total_seconds()
         for k in range(int(hours.max()) - first + 1)],
        dtype=np.int64,
    )
    return table[hours - first] * 10**9


def session_bars(start: dt.date, bars: int, bar_seconds: int) -> tuple[IntArray, FloatArray]:
    """Close times (UTC ns) of the first ``bars`` bars in Globex hours from trading day ``start``.

    Also returns each bar's midpoint in hours after the 17:00 Chicago open (0 to 23).
    A bar lies wholly inside a session: Sunday-Thursday 17:00 to 16:00 the next day.
    Exchange holidays are not modelled.
    """
    step = bar_seconds * 10**9
    eve = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(SESSION_OPEN_HOUR), CHICAGO)
    first_open = int(eve.timestamp()) * 10**9
    slots = int(bars * 168 / 115) + 7 * 24 * 3600 // bar_seconds + 16
    while True:
        closes = first_open + step * np.arange(1, slots + 1, dtype=np.int64)
        shifted = closes - step + _chicago_offsets(closes) - SESSION_OPEN_HOUR * HOUR_NS
        day = shifted // DAY_NS
        into = shifted - day * DAY_NS
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        ok = (weekday != 4) & (weekday != 5) & (into + step <= SESSION_HOURS * HOUR_NS)
        if int(ok.sum()) >= bars:
            hours = (into[ok][:bars] + step / 2) / HOUR_NS
            return closes[ok][:bars], hours
        slots *= 2


def volatility_shape(hours: FloatArray) -> FloatArray:
    """Relative volatility by hours after the 17:00 open: quiet night, U-shaped regular session."""
    shape = np.where(hours < 9.0, 0.45, 0.7) + 0.3 * np.exp(-hours / 0.25)
    rth = (hours >= RTH_OPEN) & (hours < RTH_CLOSE)
    u_shape = 1.0 + 1.4 * np.exp(-(hours - RTH_OPEN) / 0.4) + 0.7 * np.exp(-(RTH_CLOSE - hours) / 0.5)
    shape = np.where(rth, u_shape, shape)
    return np.where(hours >= RTH_CLOSE, 0.6, shape)


def _normalised_shapes(hours: FloatArray) -> tuple[FloatArray, FloatArray]:
    grid = (np.arange(SESSION_HOURS * 60) + 0.5) / 60
    rms = float(np.sqrt(np.mean(volatility_shape(grid) ** 2)))
    vol = volatility_shape(hours)
    midday = float(volatility_shape(np.array([19.0]))[0])
    return vol / rms, (vol / midday) ** 1.5


def _regimes(rng: np.random.Generator, bars: int, mean_length: float) -> IntArray:
    count = int(bars / mean_length) * 2 + 16
    while True:
        lengths = rng.geometric(min(1.0, 1.0 / mean_length), size=count)
        if int(lengths.sum()) >= bars:
            break
        count *= 2
    states = (rng.integers(0, 3) + np.cumsum(rng.integers(1, 3, size=count))) % 3
    return np.repeat(states, lengths)[:bars].astype(np.int64)


def _extremes(rng: np.random.Generator, x: FloatArray, spread: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Brownian-bridge high and low (relative to the open, in ticks) for a move of ``x`` ticks."""
    up = np.sqrt(x**2 - 2 * spread**2 * np.log(1.0 - rng.random(x.size)))
    down = np.sqrt(x**2 - 2 * spread**2 * np.log(1.0 - rng.random(x.size)))
    return np.round((x + up) / 2), np.round((x - down) / 2)


def generate(instrument: Instrument, config: SyntheticConfig | None = None) -> SyntheticBars:
    """Bars of ``instrument`` per ``config``: the same seed always gives the same bars.

    Model: log-price random walk with Student-t returns, volatility = base x regime
    (Markov switching calm/normal/turbulent) x intraday U-shape; a jump across each
    halt or weekend; high/low from a Brownian bridge; volume U-shaped and larger in
    turbulent regimes and on big moves; buy share (ask volume) rising with the bar's return.
    """
    cfg = config or SyntheticConfig()
    rng = np.random.default_rng(cfg.seed)
    n, tick = cfg.bars, instrument.tick_size
    # Each intermediate column is dropped (del) as soon as it is used up, and the last steps work in
    # place: a million bars peak at about a third of what holding every intermediate would take.
    ts, hours = session_bars(dt.date.fromisoformat(cfg.start), n, cfg.bar_seconds)
    vol_shape, volume_shape = _normalised_shapes(hours)
    del hours
    regime = _regimes(rng, n, cfg.regime_days * SESSION_HOURS * 3600 / cfg.bar_seconds)
    scale = REGIME_SCALES[regime] / np.sqrt(np.mean(REGIME_SCALES**2))
    base = cfg.volatility * np.sqrt(cfg.bar_seconds / SECONDS_PER_YEAR)
    sigma = base * vol_shape * scale
    del vol_shape
    z = rng.standard_t(TAIL_DF, n) / np.sqrt(TAIL_DF / (TAIL_DF - 2))
    closed = np.maximum(np.diff(ts, prepend=ts[0]) / 1e9 / cfg.bar_seconds - 1, 0)  # bar lengths of closure
    jump = rng.standard_normal(n) * base * 0.3 * np.sqrt(closed)
    del closed
    log_close = np.log(cfg.start_price) + np.cumsum(sigma * z + jump)
    log_open = np.r_[np.log(cfg.start_price), log_close[:-1]] + jump
    del jump
    open_t = np.maximum(np.round(np.exp(log_open) / tick), 1)
    del log_open
    close_t = np.maximum(np.round(np.exp(log_close) / tick), 1)
    sigma *= np.exp(log_close)  # sigma * exp(log_close), the bridge's spread before the division by tick
    del log_close
    sigma /= tick
    high_t, low_t = _extremes(rng, close_t - open_t, sigma)  # offsets from the open, made prices below
    del sigma
    high_t += open_t
    low_t += open_t
    np.maximum(low_t, 1, out=low_t)
    mean_volume = cfg.volume * cfg.bar_seconds / 60 * volume_shape * scale**0.8 * (0.7 + 0.4 * np.abs(z))
    del volume_shape, scale
    volume = np.maximum(np.round(rng.gamma(3.0, mean_volume / 3.0)), 1)
    del mean_volume
    buy_share = np.clip(0.5 + 0.12 * z + 0.06 * rng.standard_normal(n), 0.02, 0.98)
    del z
    ask = np.round(volume * buy_share)
    del buy_share
    trades = np.clip(rng.poisson(volume / MEAN_TRADE_SIZE), 1, volume).astype(np.float64)
    for column in (open_t, high_t, low_t, close_t):
        column *= tick
    series = BarSeries(instrument=instrument, ts=ts, open=open_t, high=high_t, low=low_t,
                       close=close_t, volume=volume, bid_volume=volume - ask, ask_volume=ask)
    return SyntheticBars(series=series, trade_count=trades, regime=regime)


def generate_bars(instrument: Instrument, config: SyntheticConfig | None = None) -> BarSeries:
    """Just the BarSeries of :func:`generate`."""
    return generate(instrument, config).series

