"""Vectorised Black-Scholes-Merton (with dividend yield) and Black-76 prices and greeks.

Every function takes numpy arrays (or scalars) that broadcast together: spot ``s`` or
forward ``f``, strike ``k``, time ``t`` in years (calendar, ACT/365), rate ``r``,
dividend yield ``q`` (continuous), volatility ``sigma`` (decimal, 0.18 = 18 %) and
``is_call`` (bool). Units: delta per 1 point of the underlying, gamma per point²,
vega per 1.00 of volatility, theta per year (divide by 365 for per-day).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def norm_pdf(x: ArrayLike) -> Array:
    """Standard normal density."""
    x = np.asarray(x, dtype=np.float64)
    return np.asarray(_INV_SQRT_2PI * np.exp(-0.5 * x * x), dtype=np.float64)


def norm_cdf(x: ArrayLike) -> Array:
    """Standard normal distribution function (``scipy.special.ndtr``)."""
    from scipy.special import ndtr  # on use: every run loads this plugin's module, few price options

    return np.asarray(ndtr(np.asarray(x, dtype=np.float64)), dtype=np.float64)


def _d1_d2(f: ArrayLike, k: ArrayLike, t: ArrayLike, sigma: ArrayLike) -> tuple[Array, Array, Array]:
    """d1, d2 on the forward ``f`` and the total volatility ``sigma·√t``."""
    vol = np.asarray(sigma, dtype=np.float64) * np.sqrt(np.asarray(t, dtype=np.float64))
    d1 = (np.log(np.asarray(f, dtype=np.float64) / np.asarray(k, dtype=np.float64)) + 0.5 * vol * vol) / vol
    return d1, d1 - vol, vol


def forward(s: ArrayLike, t: ArrayLike, r: ArrayLike, q: ArrayLike) -> Array:
    """The forward ``S·e^((r−q)T)`` of an index paying a continuous dividend yield."""
    s, t = np.asarray(s, dtype=np.float64), np.asarray(t, dtype=np.float64)
    return np.asarray(s * np.exp((np.asarray(r) - np.asarray(q)) * t), dtype=np.float64)


def black76_price(
    f: ArrayLike, k: ArrayLike, t: ArrayLike, r: ArrayLike, sigma: ArrayLike, is_call: ArrayLike
) -> Array:
    """Black-76 price of a European option on the forward ``f`` (discounted at ``r``)."""
    d1, d2, _ = _d1_d2(f, k, t, sigma)
    f, k = np.asarray(f, dtype=np.float64), np.asarray(k, dtype=np.float64)
    disc = np.exp(-np.asarray(r, dtype=np.float64) * np.asarray(t, dtype=np.float64))
    call = disc * (f * norm_cdf(d1) - k * norm_cdf(d2))
    put = disc * (k * norm_cdf(-d2) - f * norm_cdf(-d1))
    return np.asarray(np.where(is_call, call, put), dtype=np.float64)


def black76_delta(
    f: ArrayLike, k: ArrayLike, t: ArrayLike, r: ArrayLike, sigma: ArrayLike, is_call: ArrayLike
) -> Array:
    """Black-76 delta with respect to the forward."""
    d1, _, _ = _d1_d2(f, k, t, sigma)
    disc = np.exp(-np.asarray(r, dtype=np.float64) * np.asarray(t, dtype=np.float64))
    return np.asarray(np.where(is_call, disc * norm_cdf(d1), -disc * norm_cdf(-d1)), dtype=np.float64)


def black76_gamma(f: ArrayLike, k: ArrayLike, t: ArrayLike, r: ArrayLike, sigma: ArrayLike) -> Array:
    """Black-76 gamma with respect to the forward (same for calls and puts)."""
    d1, _, vol = _d1_d2(f, k, t, sigma)
    disc = np.exp(-np.asarray(r, dtype=np.float64) * np.asarray(t, dtype=np.float64))
    return np.asarray(disc * norm_pdf(d1) / (np.asarray(f, dtype=np.float64) * vol), dtype=np.float64)


def black76_vega(f: ArrayLike, k: ArrayLike, t: ArrayLike, r: ArrayLike, sigma: ArrayLike) -> Array:
    """Black-76 vega per 1.00 of volatility."""
    d1, _, _ = _d1_d2(f, k, t, sigma)
    t = np.asarray(t, dtype=np.float64)
    disc = np.exp(-np.asarray(r, dtype=np.float64) * t)
    return np.asarray(disc * np.asarray(f, dtype=np.float64) * norm_pdf(d1) * np.sqrt(t), dtype=np.float64)


def bsm_price(
    s: ArrayLike, k: ArrayLike, t: ArrayLike, r: ArrayLike, q: ArrayLike, sigma: ArrayLike, is_call: ArrayLike
) -> Array:
    """Black-Scholes-Merton price: Black-76 on the forward ``S·e^((r−q)T)``."""
    return black76_price(forward(s, t, r, q), k, t, r, sigma, is_call)


def bsm_delta(
    s: ArrayLike, k: ArrayLike, t: ArrayLike, r: ArrayLike, q: ArrayLike, sigma: ArrayLike, is_call: ArrayLike
) -> Array:
    """Spot delta ``e^(−qT)·N(d1)`` (call) or ``−e^(−qT)·N(−d1)`` (put)."""
    d1, _, _ = _d1_d2(forward(s, t, r, q), k, t, sigma)
    carry = np.exp(-np.asarray(q, dtype=np.float64) * np.asarray(t, dtype=np.float64))
    return np.asarray(np.where(is_call, carry * norm_cdf(d1), -carry * norm_cdf(-d1)), dtype=np.float64)


def bsm_gamma(s: ArrayLike, k: ArrayLike, t: ArrayLike, r: ArrayLike, q: ArrayLike, sigma: ArrayLike) -> Array:
    """Spot gamma ``e^(−qT)·φ(d1)/(S·σ·√T)`` (same for calls and puts)."""
    d1, _, vol = _d1_d2(forward(s, t, r, q), k, t, sigma)
    carry = np.exp(-np.asarray(q, dtype=np.float64) * np.asarray(t, dtype=np.float64))
    return np.asarray(carry * norm_pdf(d1) / (np.asarray(s, dtype=np.float64) * vol), dtype=np.float64)


def bsm_vega(s: ArrayLike, k: ArrayLike, t: ArrayLike, r: ArrayLike, q: ArrayLike, sigma: ArrayLike) -> Array:
    """Vega ``S·e^(−qT)·φ(d1)·√T`` per 1.00 of volatility."""
    d1, _, _ = _d1_d2(forward(s, t, r, q), k, t, sigma)
    t = np.asarray(t, dtype=np.float64)
    carry = np.exp(-np.asarray(q, dtype=np.float64) * t)
    return np.asarray(np.asarray(s, dtype=np.float64) * carry * norm_pdf(d1) * np.sqrt(t), dtype=np.float64)


def bsm_theta(
    s: ArrayLike, k: ArrayLike, t: ArrayLike, r: ArrayLike, q: ArrayLike, sigma: ArrayLike, is_call: ArrayLike
) -> Array:
    """Theta per year (the price's derivative with respect to calendar time, negated)."""
    s_, k_, t_ = (np.asarray(v, dtype=np.float64) for v in (s, k, t))
    r_, q_, sig = (np.asarray(v, dtype=np.float64) for v in (r, q, sigma))
    d1, d2, _ = _d1_d2(forward(s_, t_, r_, q_), k_, t_, sig)
    sq, rk = s_ * np.exp(-q_ * t_), k_ * np.exp(-r_ * t_)
    decay = -sq * norm_pdf(d1) * sig / (2.0 * np.sqrt(t_))
    call = decay - r_ * rk * norm_cdf(d2) + q_ * sq * norm_cdf(d1)
    put = decay + r_ * rk * norm_cdf(-d2) - q_ * sq * norm_cdf(-d1)
    return np.asarray(np.where(is_call, call, put), dtype=np.float64)


def spot_gamma_from_forward(gamma_f: ArrayLike, f: ArrayLike, s: ArrayLike) -> Array:
    """Convert a gamma with respect to the forward into one with respect to spot: ``Γ_F·(F/S)²``."""
    ratio = np.asarray(f, dtype=np.float64) / np.asarray(s, dtype=np.float64)
    return np.asarray(np.asarray(gamma_f, dtype=np.float64) * ratio * ratio, dtype=np.float64)
