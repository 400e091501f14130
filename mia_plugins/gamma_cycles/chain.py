"""From one options-chain snapshot: the largest open-interest strike of the nearest expiry, and the put skew."""

from __future__ import annotations

import math
from datetime import date

import attrs

from mia_core.options import OptionQuote, OptionRight, OptionsChainSnapshot


@attrs.frozen
class ChainFacts:
    """What the analyzer keeps of a snapshot, in index points (the analyzer adds the futures basis)."""

    ts: int
    spot: float
    expiry: date | None
    pin_strike: float
    pin_share: float
    put_skew: float


def _nearest_expiry(snapshot: OptionsChainSnapshot, today: date) -> date | None:
    live = [e for e in snapshot.expiries if e >= today]
    return live[0] if live else None


def pin_strike(quotes: list[OptionQuote]) -> tuple[float, float]:
    """(strike, share): the strike with the largest call + put open interest and its share of the expiry's OI."""
    by_strike: dict[float, float] = {}
    for q in quotes:
        by_strike[q.strike] = by_strike.get(q.strike, 0.0) + q.open_interest
    total = sum(by_strike.values())
    if total <= 0:
        return math.nan, 0.0
    strike = max(by_strike, key=lambda k: (by_strike[k], -k))
    return strike, by_strike[strike] / total


def _iv_near(quotes: list[OptionQuote], right: OptionRight, strike: float) -> float:
    usable = [q for q in quotes if q.right is right and q.iv is not None and q.iv > 0]
    if not usable:
        return math.nan
    best = min(usable, key=lambda q: abs(q.strike - strike))
    return float(best.iv or math.nan)


def put_skew(quotes: list[OptionQuote], spot: float, moneyness: float) -> float:
    """IV of the put nearest ``moneyness`` × spot minus the at-the-money IV, in vol points (NaN without IVs)."""
    atm_call, atm_put = _iv_near(quotes, OptionRight.CALL, spot), _iv_near(quotes, OptionRight.PUT, spot)
    atm = atm_put if math.isnan(atm_call) else atm_call if math.isnan(atm_put) else (atm_call + atm_put) / 2
    return 100.0 * (_iv_near(quotes, OptionRight.PUT, spot * moneyness) - atm)


def chain_facts(snapshot: OptionsChainSnapshot, today: date, skew_moneyness: float, skew_min_days: int) -> ChainFacts:
    """Pin strike of the nearest live expiry and put skew of the first expiry at least ``skew_min_days`` away."""
    expiry = _nearest_expiry(snapshot, today)
    near = [q for q in snapshot.quotes if q.expiry == expiry]
    strike, share = pin_strike(near)
    later = [e for e in snapshot.expiries if (e - today).days >= skew_min_days]
    skew_quotes = [q for q in snapshot.quotes if later and q.expiry == later[0]]
    return ChainFacts(snapshot.ts, snapshot.spot, expiry, strike, share, put_skew(skew_quotes, snapshot.spot,
                                                                                   skew_moneyness))
