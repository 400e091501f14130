"""Gamma exposure (GEX) per contract, per strike, per expiry and in total.

``GEX = s · Γ_S · OI · M · S² · 0.01``: dollars of dealer delta change for a 1 % move of
the index, where ``s`` is the dealer sign of the contract (+1 when dealers are long it),
``Γ_S`` the spot gamma, ``OI`` open interest, ``M`` the contract multiplier (100 for
SPX/NDX) and ``S`` the index level. Divide by ``0.01·S`` for $ per index point, by
``futures_multiplier · futures_price`` for futures contracts per 1 % move.
"""

from __future__ import annotations

import enum

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.gex.pricing import black76_gamma, spot_gamma_from_forward

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]


class SignConvention(enum.Enum):
    """Which side of each option dealers are assumed to hold.

    ``naive``: long calls (+1), short puts (−1), the SqueezeMetrics index convention
    (customers overwrite calls and buy puts); ``short_all``: dealers short every option
    (−1, −1); ``long_all``: long every option (+1, +1); ``inferred``: fractional signs
    from today's flow and skew (:mod:`mia_core.gex.dealer_sign`).
    """

    NAIVE = "naive"
    SHORT_ALL = "short_all"
    LONG_ALL = "long_all"
    INFERRED = "inferred"


def fixed_signs(convention: SignConvention, is_call: B1) -> F8:
    """Per-row dealer sign of a fixed convention (``inferred`` is computed elsewhere)."""
    if convention is SignConvention.SHORT_ALL:
        return np.full(is_call.shape, -1.0)
    if convention is SignConvention.LONG_ALL:
        return np.full(is_call.shape, 1.0)
    return np.where(is_call, 1.0, -1.0)


def spot_gammas(spot: float, strike: F8, fwd: F8, t: F8, r: float, iv: F8) -> F8:
    """Spot gamma of each row from Black-76 on its expiry's forward: ``Γ_F·(F/S)²``."""
    return spot_gamma_from_forward(black76_gamma(fwd, strike, t, r, iv), fwd, spot)


def dollar_gamma_1pct(gamma: F8, quantity: F8, multiplier: float, spot: float) -> F8:
    """Unsigned $ per 1 % move of ``quantity`` contracts: ``Γ·quantity·M·S²·0.01``."""
    return np.asarray(gamma * quantity * (multiplier * spot * spot * 0.01), dtype=np.float64)


@attrs.frozen(slots=True, eq=False)
class StrikeProfile:
    """GEX summed by strike (ascending ``strike``), signed and by side, in $ per 1 % move.

    ``call_gross``/``put_gross`` ignore the dealer sign (walls use them);
    ``call_oi``/``put_oi`` are open interest.
    """

    strike: F8
    net: F8
    call: F8
    put: F8
    call_gross: F8
    put_gross: F8
    call_oi: F8
    put_oi: F8

    @property
    def absolute(self) -> F8:
        """Calls and puts added without netting."""
        return np.asarray(self.call_gross + self.put_gross, dtype=np.float64)


def by_strike(strike: F8, is_call: B1, gex: F8, gross: F8, oi: F8) -> StrikeProfile:
    """Sum per-row exposures by strike."""
    strikes, inverse = np.unique(strike, return_inverse=True)
    n = strikes.size

    def total(values: F8, mask: B1 | None = None) -> F8:
        weights = values if mask is None else np.where(mask, values, 0.0)
        return np.bincount(inverse, weights=weights, minlength=n).astype(np.float64)

    puts = ~is_call
    return StrikeProfile(
        strike=strikes,
        net=total(gex),
        call=total(gex, is_call),
        put=total(gex, puts),
        call_gross=total(gross, is_call),
        put_gross=total(gross, puts),
        call_oi=total(oi, is_call),
        put_oi=total(oi, puts),
    )


def by_group(group: NDArray[np.int64], n_groups: int, values: F8) -> F8:
    """Sum of ``values`` per expiry group."""
    return np.bincount(group, weights=values, minlength=n_groups).astype(np.float64)


def futures_contracts(gex_1pct: float, futures_price: float, futures_multiplier: float) -> float:
    """$-per-1 % exposure as futures contracts per 1 % move (ES: $50 × price, NQ: $20 × price)."""
    return gex_1pct / (futures_multiplier * futures_price)
