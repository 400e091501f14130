"""Expiry groups of a chain: time, forward (put-call parity), ATM IV, 0DTE flag, IVs per row."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.gex.chain import ChainArrays
from mia_core.gex.expiry import NEW_YORK, years_to_settlement
from mia_core.gex.implied_vol import Forwards, ivs_from_prices, mid_prices, parity_forwards

F8 = NDArray[np.float64]
I8 = NDArray[np.int64]
THIRTY_DAYS = 30 / 365


class IvSource(enum.Enum):
    """Where each row's IV comes from.

    ``quotes``: the source's IV when usable, else implied from the OTM mid at that strike;
    ``prices``: implied from OTM mids (Black-76 on the parity forward), the source's IV
    only where no price is usable.
    """

    QUOTES = "quotes"
    PRICES = "prices"


@attrs.frozen(slots=True, eq=False)
class ExpiryGroups:
    """Per group (one settlement instant): ``settle_ns``, ``t`` (years), forwards, 0DTE, ATM IV."""

    settle_ns: NDArray[np.int64]
    t: F8
    forwards: Forwards
    zero_dte: NDArray[np.bool_]
    atm_iv: F8

    @property
    def size(self) -> int:
        """Number of groups."""
        return int(self.settle_ns.size)


@attrs.frozen(slots=True, eq=False)
class RowIvs:
    """The IV chosen for each row, and how many rows were repaired from prices or are still missing."""

    iv: F8
    repaired: int
    missing: int


def group_rows(chain: ChainArrays) -> tuple[NDArray[np.int64], I8]:
    """Distinct settlement instants (ascending) and each row's group index."""
    settle, inverse = np.unique(chain.settle_ns, return_inverse=True)
    return settle, inverse.astype(np.int64)


def build_groups(
    chain: ChainArrays, settle: NDArray[np.int64], group: I8, r: float, q: float, t_floor: float, spread: float
) -> tuple[ExpiryGroups, F8]:
    """Groups with their parity forwards, and each row's mid price (NaN when unusable)."""
    t = years_to_settlement(settle, chain.ts, t_floor)
    carry = chain.spot * np.exp((r - q) * t)
    mid = mid_prices(chain.bid, chain.ask, spread)
    fwd = parity_forwards(group, settle.size, chain.strike, chain.is_call, mid, t, r, carry)
    today = datetime.fromtimestamp(chain.ts / 1e9, tz=NEW_YORK).date()
    zero_dte = np.array(
        [datetime.fromtimestamp(int(s) / 1e9, tz=NEW_YORK).date() == today for s in settle], dtype=np.bool_
    )
    empty = np.full(settle.size, np.nan)
    return ExpiryGroups(settle, t, fwd, zero_dte, empty), mid


def row_ivs(chain: ChainArrays, group: I8, groups: ExpiryGroups, mid: F8, r: float, source: IvSource) -> RowIvs:
    """Choose every row's IV by ``source``; count repairs and rows left without an IV."""
    fwd_row = groups.forwards.forward[group]
    t_row = groups.t[group]
    from_prices = ivs_from_prices(group, chain.strike, chain.is_call, mid, fwd_row, t_row, r)
    vendor = chain.iv
    if source is IvSource.QUOTES:
        iv = np.where(np.isfinite(vendor), vendor, from_prices)
    else:
        iv = np.where(np.isfinite(from_prices), from_prices, vendor)
    repaired = int((~np.isfinite(vendor) & np.isfinite(iv)).sum())
    return RowIvs(iv, repaired, int((~np.isfinite(iv)).sum()))


def atm_ivs(strike: F8, iv: F8, group: I8, groups: ExpiryGroups) -> F8:
    """Per group: mean IV of the rows at the strike nearest the forward (NaN without IVs)."""
    out = np.full(groups.size, np.nan)
    ok = np.isfinite(iv)
    for g in range(groups.size):
        rows = np.flatnonzero((group == g) & ok)
        if rows.size:
            dist = np.abs(strike[rows] - groups.forwards.forward[g])
            out[g] = float(iv[rows[dist == dist.min()]].mean())
    return out


def front_atm_iv(groups: ExpiryGroups, min_years: float = 2 / 365) -> float | None:
    """ATM IV of the first expiry at least ``min_years`` away (else the last one with an IV)."""
    ok = np.isfinite(groups.atm_iv)
    later = np.flatnonzero(ok & (groups.t >= min_years))
    if later.size:
        return float(groups.atm_iv[later[0]])
    any_ok = np.flatnonzero(ok)
    return float(groups.atm_iv[any_ok[-1]]) if any_ok.size else None


def thirty_day_vol(groups: ExpiryGroups) -> float | None:
    """30-day ATM volatility in points (a VIX-like figure): total variance interpolated in time."""
    ok = np.isfinite(groups.atm_iv) & (groups.t > 0)
    if not ok.any():
        return None
    t, sigma = groups.t[ok], groups.atm_iv[ok]
    if t.min() <= THIRTY_DAYS <= t.max() and t.size > 1:
        var = float(np.interp(THIRTY_DAYS, t, sigma * sigma * t))
        return 100.0 * float(np.sqrt(var / THIRTY_DAYS))
    return 100.0 * float(sigma[np.argmin(np.abs(t - THIRTY_DAYS))])
