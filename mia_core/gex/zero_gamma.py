"""Zero-gamma (gamma flip) level: total dealer gamma re-priced over hypothetical spots.

Each contract keeps its IV, time, open interest and sign (sticky strike); its forward
moves with the spot (``F(x) = F·x/S``, carry kept). ``G(x) = Σ s·Γ_S(x)·OI·M·x²·0.01``
is evaluated on a grid, every sign change is refined with Brent's method, and the root
nearest spot is "the" flip. No crossing gives ``None`` and the sign of G over the range.
"""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

F8 = NDArray[np.float64]
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


@attrs.frozen(slots=True, eq=False)
class GammaProfile:
    """Precomputed per-contract terms so that ``G(x)`` costs one exp per contract and spot.

    ``G(x) = x · Σ w·exp(−½·((ln x + a)/v)²)`` with ``v = σ√T``,
    ``a = ln(F/(S·K)) + v²/2`` and ``w = s·OI·M·e^(−rT)·F/(S·v)·0.01/√(2π)``.
    """

    a: F8
    inv_v: F8
    w: F8

    @classmethod
    def build(
        cls, spot: float, strike: F8, fwd: F8, t: F8, r: float, iv: F8, signed_quantity: F8, multiplier: float
    ) -> GammaProfile:
        """Terms of the contracts given (rows with zero quantity should be left out by the caller)."""
        v = iv * np.sqrt(t)
        a = np.log(fwd / (spot * strike)) + 0.5 * v * v
        w = signed_quantity * multiplier * np.exp(-r * t) * fwd / (spot * v) * (0.01 * _INV_SQRT_2PI)
        return cls(a=a, inv_v=1.0 / v, w=w)

    def values(self, spots: F8, weights: F8 | None = None) -> F8:
        """``G`` at each spot; ``weights`` (n, or n × m for m variants at once) replace ``w``.

        Computed in place and summed with ``einsum`` rather than BLAS: multi-threaded BLAS
        on a small shared machine costs more in thread wake-ups than it saves here.
        """
        spots = np.asarray(spots, dtype=np.float64)
        dens = np.log(spots)[:, None] + self.a[None, :]
        dens *= self.inv_v[None, :]
        np.square(dens, out=dens)
        # squares past 1400 would give exp results in the subnormal range, which is slow and 0 anyway
        np.minimum(dens, 1400.0, out=dens)
        dens *= -0.5
        np.exp(dens, out=dens)
        w = self.w if weights is None else weights
        out = np.einsum("ij,j->i", dens, w) if w.ndim == 1 else np.einsum("ij,jk->ik", dens, w)
        return np.asarray(out * (spots if out.ndim == 1 else spots[:, None]), dtype=np.float64)

    def at(self, spot: float, weights: F8 | None = None) -> float:
        """``G`` at one spot."""
        return float(self.values(np.array([spot]), weights)[0])


@attrs.frozen(slots=True)
class ZeroGamma:
    """The flip nearest spot (``None`` without a crossing), all roots, and G's sign when none."""

    level: float | None
    roots: tuple[float, ...]
    regime_sign: int
    low: float
    high: float


def grid(spot: float, low: float, high: float, points: int) -> F8:
    """``points`` spots evenly spaced from ``low·spot`` to ``high·spot``."""
    return np.linspace(low * spot, high * spot, points)


def find_zero_gamma(
    profile: GammaProfile,
    spot: float,
    *,
    low: float = 0.8,
    high: float = 1.2,
    points: int = 81,
    weights: F8 | None = None,
    values: F8 | None = None,
) -> ZeroGamma:
    """Scan ``G`` over ``[low·spot, high·spot]``, refine each sign change, pick the root nearest spot.

    ``values`` may pass the grid values already computed (same grid) to save the scan.
    ``regime_sign`` is the sign of G at spot when a root exists, else the sign over the range.
    """
    from scipy.optimize import brentq  # on use: every run loads this plugin's module, few look for zero gamma

    xs = grid(spot, low, high, points)
    g = profile.values(xs, weights) if values is None else values
    w = profile.w if weights is None else weights
    # values within rounding noise of zero (e.g. calls and puts cancelling exactly) carry no sign
    tolerance = 1e-9 * float(np.abs(w).sum()) * spot * _INV_SQRT_2PI
    nonzero = np.flatnonzero(np.abs(g) > tolerance)
    signs = np.sign(g[nonzero])
    change = np.flatnonzero(signs[:-1] * signs[1:] < 0)
    roots = sorted(
        float(brentq(lambda x: profile.at(x, weights), xs[nonzero[i]], xs[nonzero[i + 1]], xtol=1e-6 * spot))
        for i in change
    )
    if not roots:
        total = float(np.sum(g[nonzero]))
        return ZeroGamma(None, (), 1 if total > 0 else -1 if total < 0 else 0, xs[0], xs[-1])
    nearest = min(roots, key=lambda x: abs(x - spot))
    at_spot = profile.at(spot, weights)
    sign = 0 if abs(at_spot) <= tolerance else (1 if at_spot > 0 else -1)
    return ZeroGamma(nearest, tuple(roots), sign, xs[0], xs[-1])
