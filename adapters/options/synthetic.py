"""Seeded synthetic SPX-like chains for demos, tests of the plumbing and ``mia bench gex``.

Prices are Black-Scholes-Merton on a smile (skewed, with a term structure), quoted on
a 0.05 grid with a spread; open interest piles up in calls above spot and puts below,
as on real index chains. Not market data: numbers checked against real prices must
come from an independent oracle, not from here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from mia_core.gex.expiry import settlement_ns
from mia_core.gex.pricing import bsm_delta, bsm_gamma, bsm_price
from mia_core.options import OptionQuote, OptionRight, OptionsChainSnapshot, SettlementStyle

NS_PER_YEAR = 365 * 86_400 * 1_000_000_000


def third_friday(year: int, month: int) -> date:
    """The third Friday of a month (standard monthly expiry)."""
    first = date(year, month, 1)
    return first + timedelta(days=(4 - first.weekday()) % 7 + 14)


def expiry_schedule(today: date, count: int) -> list[tuple[date, str]]:
    """``count`` (date, root) pairs: daily SPXW for the next weekdays (today included), then the
    monthly third Fridays as both SPX (AM) and SPXW (PM)."""
    out: list[tuple[date, str]] = []
    day = today
    while len(out) < count * 2 // 3:
        if day.weekday() < 5:
            out.append((day, "SPXW"))
        day += timedelta(days=1)
    year, month = today.year, today.month
    while len(out) < count:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        friday = third_friday(year, month)
        out.append((friday, "SPX"))
        if len(out) < count and friday > day:
            out.append((friday, "SPXW"))
    return out[:count]


def synthetic_chain(
    ts: int | datetime,
    *,
    spot: float = 5000.0,
    expiries: int = 40,
    strikes_per_expiry: int = 250,
    seed: int = 0,
    underlying: str = "SPX",
    rate: float = 0.045,
    dividend_yield: float = 0.013,
    bad_share: float = 0.01,
) -> OptionsChainSnapshot:
    """A chain of ``2 · expiries · strikes_per_expiry`` options (calls and puts) at ``ts``.

    About ``bad_share`` of the rows get a zero IV (as CBOE writes a missing one) and as
    many a crossed quote, so that screening has something to count.
    """
    rng = np.random.default_rng(seed)
    ts_ns = ts if isinstance(ts, int) else int(ts.timestamp() * 1e9)
    today = datetime.fromtimestamp(ts_ns / 1e9, tz=UTC).date()
    quotes: list[OptionQuote] = []
    for expiry, root in expiry_schedule(today, expiries):
        style = SettlementStyle.AM if root == "SPX" else SettlementStyle.PM
        t = (settlement_ns(expiry, style) - ts_ns) / NS_PER_YEAR
        if t <= 0:
            continue
        width = float(np.clip(3.5 * 0.18 * np.sqrt(t), 0.03, 0.35))
        step = max(5.0, 5.0 * round(spot * 2 * width / strikes_per_expiry / 5.0))
        centre = 5.0 * round(spot / 5.0)
        strikes = centre + step * (np.arange(strikes_per_expiry) - strikes_per_expiry // 2)
        strikes = strikes[strikes > 0]
        fwd = spot * np.exp((rate - dividend_yield) * t)
        m = np.clip(np.log(strikes / fwd) / np.sqrt(t), -1.5, 1.5)
        sigma = np.clip(0.13 + 0.03 * np.sqrt(t) - 0.12 * m + 0.06 * m * m, 0.06, 1.5)
        round_strike = np.where(strikes % 50 == 0, 3.0, 1.0)  # open interest clusters on round strikes
        oi_call = rng.poisson(round_strike * (400 * np.exp(-0.5 * ((strikes / spot - 1.02) / 0.012) ** 2) + 15))
        oi_put = rng.poisson(round_strike * (700 * np.exp(-0.5 * ((strikes / spot - 0.965) / 0.015) ** 2) + 25))
        for is_call, oi in ((True, oi_call), (False, oi_put)):
            price = bsm_price(spot, strikes, t, rate, dividend_yield, sigma, is_call)
            half = np.maximum(0.05, 0.01 * price)
            bid = np.maximum(0.0, np.round((price - half) / 0.05) * 0.05)
            ask = np.maximum(0.05, np.round((price + half) / 0.05) * 0.05)
            iv = np.round(sigma, 4)
            iv[rng.random(iv.size) < bad_share] = 0.0
            crossed = rng.random(iv.size) < bad_share
            bid, ask = np.where(crossed, ask + 0.1, bid), ask
            delta = bsm_delta(spot, strikes, t, rate, dividend_yield, sigma, is_call)
            gamma = bsm_gamma(spot, strikes, t, rate, dividend_yield, sigma)
            volume = rng.poisson(0.2 * oi + 1)
            last = np.round((price + rng.uniform(-1, 1, price.size) * half) / 0.05) * 0.05
            right = OptionRight.CALL if is_call else OptionRight.PUT
            for i in range(strikes.size):
                quotes.append(
                    OptionQuote(
                        underlying=underlying,
                        expiry=expiry,
                        strike=float(strikes[i]),
                        right=right,
                        bid=float(bid[i]),
                        ask=float(ask[i]),
                        last=float(last[i]) if last[i] > 0 else None,
                        volume=float(volume[i]),
                        open_interest=float(oi[i]),
                        iv=float(iv[i]),
                        delta=float(np.round(delta[i], 4)),
                        gamma=float(np.round(gamma[i], 4)),
                        settlement=style,
                        root=root,
                    )
                )
    return OptionsChainSnapshot(underlying, ts_ns, spot, tuple(quotes), source="synthetic")
