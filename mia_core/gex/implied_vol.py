"""Forwards from put-call parity and implied volatility from prices (Black-76, OTM options only)."""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.gex.pricing import black76_price, black76_vega

F8 = NDArray[np.float64]
I8 = NDArray[np.int64]
SIGMA_LOW, SIGMA_HIGH = 1e-4, 5.0
#: Prices below this carry no volatility information (quotes tick in 0.05).
MIN_PRICE = 1e-6


def mid_prices(bid: F8, ask: F8, max_relative_spread: float = 1.0) -> F8:
    """Bid/ask midpoint where ``0 < bid <= ask`` and the spread is at most ``max_relative_spread``·mid, else NaN."""
    mid = 0.5 * (bid + ask)
    ok = (bid > 0) & (ask >= bid) & ((ask - bid) <= max_relative_spread * mid)
    return np.where(ok, mid, np.nan)


@attrs.frozen(slots=True, eq=False)
class Forwards:
    """Per expiry group: the forward used, whether parity gave it, and its distance from the carry forward."""

    forward: F8
    from_parity: NDArray[np.bool_]
    parity_error: F8


def parity_forwards(
    group: I8, n_groups: int, strike: F8, is_call: NDArray[np.bool_], mid: F8, t: F8, r: float, carry_forward: F8
) -> Forwards:
    """Forward per group from the strike where ``|C − P|`` is smallest: ``F = K* + e^(rT)·(C − P)``.

    ``t`` and ``carry_forward`` (``S·e^((r−q)T)``) are per group. A group without a strike
    quoted on both sides keeps the carry forward (``from_parity`` false, error NaN).
    ``parity_error`` is ``|F / carry_forward − 1|``, large when spot or quotes are stale.
    """
    fwd = carry_forward.astype(np.float64).copy()
    from_parity = np.zeros(n_groups, dtype=np.bool_)
    valid = np.isfinite(mid)
    calls, puts = valid & is_call, valid & ~is_call
    order = np.lexsort((strike, group))
    g_sorted, k_sorted = group[order], strike[order]
    c_sorted, p_sorted = calls[order], puts[order]
    m_sorted = mid[order]
    # a call row followed (within the same group and strike) by a put row, in sorted order
    key = g_sorted.astype(np.float64) * 1e12 + k_sorted
    call_at: dict[float, float] = dict(zip(key[c_sorted].tolist(), m_sorted[c_sorted].tolist(), strict=True))
    put_keys, put_mids = key[p_sorted], m_sorted[p_sorted]
    if put_keys.size:
        call_mids = np.array([call_at.get(k, np.nan) for k in put_keys.tolist()])
        both = np.isfinite(call_mids)
        if both.any():
            pg = g_sorted[p_sorted][both]
            pk = k_sorted[p_sorted][both]
            diff = call_mids[both] - put_mids[both]
            best = np.lexsort((np.abs(diff), pg))
            pg, pk, diff = pg[best], pk[best], diff[best]
            first = np.ones(pg.size, dtype=np.bool_)
            first[1:] = pg[1:] != pg[:-1]
            g = pg[first]
            fwd[g] = pk[first] + np.exp(r * t[g]) * diff[first]
            from_parity[g] = True
    error = np.where(from_parity, np.abs(fwd / carry_forward - 1.0), np.nan)
    return Forwards(fwd, from_parity, error)


def implied_vol_black76(price: F8, f: F8, k: F8, t: F8, r: float, is_call: NDArray[np.bool_]) -> F8:
    """Black-76 implied volatility, vectorised: Newton steps safeguarded by bisection on [1e-4, 5].

    NaN where the price is not strictly between the option's no-arbitrage bounds
    (a zero or sub-``MIN_PRICE`` price is missing data, not a zero volatility) or the volatility is above 5.
    """
    disc = np.exp(-r * t)
    intrinsic = disc * np.where(is_call, np.maximum(f - k, 0.0), np.maximum(k - f, 0.0))
    upper = disc * np.where(is_call, f, k)
    ok = np.isfinite(price) & (price > MIN_PRICE) & (price > intrinsic * (1 + 1e-12)) & (price < upper)
    idx = np.flatnonzero(ok)
    out = np.full(price.shape, np.nan)
    if idx.size == 0:
        return out
    p, ff, kk, tt, cc = price[idx], f[idx], k[idx], t[idx], is_call[idx]
    lo = np.full(idx.size, SIGMA_LOW)
    hi = np.full(idx.size, SIGMA_HIGH)
    sigma = np.clip(np.sqrt(2.0 * np.abs(np.log(ff / kk)) / tt) + 0.1, 0.05, 1.0)
    active = np.arange(idx.size)
    for _ in range(60):
        s, fa, ka, ta, ca = sigma[active], ff[active], kk[active], tt[active], cc[active]
        diff = black76_price(fa, ka, ta, r, s, ca) - p[active]
        above = diff > 0
        hi[active] = np.where(above, s, hi[active])
        lo[active] = np.where(above, lo[active], s)
        vega = black76_vega(fa, ka, ta, r, s)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = s - diff / vega
        inside = np.isfinite(step) & (step > lo[active]) & (step < hi[active])
        done = (np.abs(diff) <= 1e-12 * p[active]) | (hi[active] - lo[active] < 1e-12)
        new = np.where(inside, step, 0.5 * (lo[active] + hi[active]))
        sigma[active] = np.where(done, s, new)
        active = active[~done]
        if active.size == 0:
            break
    sigma[(sigma >= SIGMA_HIGH * (1 - 1e-9))] = np.nan
    out[idx] = sigma
    return out


def otm_mask(strike: F8, is_call: NDArray[np.bool_], fwd: F8) -> NDArray[np.bool_]:
    """Out-of-the-money side: puts below the forward, calls at or above it."""
    return np.where(is_call, strike >= fwd, strike < fwd)


def ivs_from_prices(group: I8, strike: F8, is_call: NDArray[np.bool_], mid: F8, fwd: F8, t: F8, r: float) -> F8:
    """IV of every row from the OTM option of its (group, strike): OTM rows solved, ITM rows copy it.

    ``fwd`` and ``t`` are per row. Rows whose OTM twin has no usable price are NaN.
    """
    otm = otm_mask(strike, is_call, fwd)
    solved = np.full(strike.shape, np.nan)
    solved[otm] = implied_vol_black76(mid[otm], fwd[otm], strike[otm], t[otm], r, is_call[otm])
    key = group.astype(np.float64) * 1e12 + strike
    have = otm & np.isfinite(solved)
    lookup = dict(zip(key[have].tolist(), solved[have].tolist(), strict=True))
    itm = np.flatnonzero(~otm)
    if itm.size:
        solved[itm] = np.array([lookup.get(k, np.nan) for k in key[itm].tolist()])
    return solved
