"""Write a CBOE-format quotedata.csv from known parameters, priced by vollib (independent of MIA).

Used by the tests to build chains whose every number is known in advance: spot, rate,
dividend yield, a skewed smile, open interest; prices and gammas come from vollib's
Black-Scholes-Merton.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from vollib.black_scholes_merton import black_scholes_merton as bsm
from vollib.black_scholes_merton.greeks.analytical import delta, gamma

YEAR_SECONDS = 365 * 86400


@dataclass(frozen=True)
class Series:
    """One strike of one expiry: both sides' IV and OI."""

    expiry: date
    settle: datetime
    root: str
    strike: float
    call_iv: float
    put_iv: float
    call_oi: int
    put_oi: int


def smile(strike: float, spot: float) -> float:
    """A skewed smile: higher IV below spot."""
    m = strike / spot - 1.0
    return max(0.06, 0.16 - 0.5 * m + 2.0 * m * m)


def write_quotedata(path: Path, now: datetime, spot: float, r: float, q: float, series: list[Series]) -> None:
    """The four header lines, then one row per series, prices as mids with a 0.2-point spread."""
    stamp = now.strftime("%B %-d, %Y at %-I:%M %p") + " EST"
    lines = [
        "",
        f"SP 500 INDEX,Last: {spot:.4f},Change:  1.0",
        f'"Date: {stamp}",Bid: 0,Ask: 0,Size: 0*0,Volume: 0',
        "Expiration Date,Calls,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest,Strike,"
        "Puts,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest",
    ]
    for s in series:
        t = (s.settle - now).total_seconds() / YEAR_SECONDS
        sides = []
        for flag, iv, oi in (("c", s.call_iv, s.call_oi), ("p", s.put_iv, s.put_oi)):
            price = bsm(flag, spot, s.strike, t, r, iv, q)
            symbol = f"{s.root}{s.expiry:%y%m%d}{flag.upper()}{round(s.strike * 1000):08d}"
            sides.append(
                f"{symbol},{price:.6f},0,{price - 0.1:.6f},{price + 0.1:.6f},10,{iv:.4f},"
                f"{delta(flag, spot, s.strike, t, r, iv, q):.4f},{gamma(flag, spot, s.strike, t, r, iv, q):.4f},{oi}"
            )
        lines.append(f"{s.expiry:%a %b %d %Y},{sides[0]},{s.strike:.2f},{sides[1]}")
    path.write_text("\n".join(lines) + "\n")
