"""Greeks against vollib (an independent implementation) across a grid, and the reference option of gex.md."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from vollib.black import black
from vollib.black.greeks import analytical as b76
from vollib.black_scholes_merton import black_scholes_merton as bsm_ref
from vollib.black_scholes_merton.greeks import analytical as ref

from mia_core.gex import pricing

SPOTS = (4000.0, 5000.0, 21000.0)
MONEYNESS = (0.8, 0.95, 1.0, 1.03, 1.25)
TIMES = (1 / 365 / 24, 1 / 365, 7 / 365, 30 / 365, 1.0)
RATES = ((0.05, 0.015), (0.0, 0.0), (0.02, 0.03))
VOLS = (0.08, 0.18, 0.6)
GRID = list(itertools.product(SPOTS, MONEYNESS, TIMES, RATES, VOLS, ("c", "p")))


def _columns() -> tuple[np.ndarray, ...]:
    s = np.array([g[0] for g in GRID])
    k = np.array([g[0] * g[1] for g in GRID])
    t = np.array([g[2] for g in GRID])
    r = np.array([g[3][0] for g in GRID])
    q = np.array([g[3][1] for g in GRID])
    sigma = np.array([g[4] for g in GRID])
    is_call = np.array([g[5] == "c" for g in GRID])
    return s, k, t, r, q, sigma, is_call


def _close(ours: np.ndarray, theirs: list[float], rel: float = 1e-9, abs_: float = 1e-10) -> None:
    np.testing.assert_allclose(ours, np.array(theirs), rtol=rel, atol=abs_)


def test_bsm_price_delta_gamma_vega_theta_agree_with_vollib_on_the_grid() -> None:
    s, k, t, r, q, sigma, is_call = _columns()
    rows = list(zip(GRID, k, strict=True))
    _close(pricing.bsm_price(s, k, t, r, q, sigma, is_call),
           [bsm_ref(g[5], g[0], kk, g[2], g[3][0], g[4], g[3][1]) for g, kk in rows], abs_=1e-8)  # fmt: skip
    _close(pricing.bsm_delta(s, k, t, r, q, sigma, is_call),
           [ref.delta(g[5], g[0], kk, g[2], g[3][0], g[4], g[3][1]) for g, kk in rows])  # fmt: skip
    _close(pricing.bsm_gamma(s, k, t, r, q, sigma),
           [ref.gamma(g[5], g[0], kk, g[2], g[3][0], g[4], g[3][1]) for g, kk in rows], abs_=1e-14)  # fmt: skip
    # vollib: vega per vol point (x0.01), theta per calendar day (/365)
    _close(pricing.bsm_vega(s, k, t, r, q, sigma) * 0.01,
           [ref.vega(g[5], g[0], kk, g[2], g[3][0], g[4], g[3][1]) for g, kk in rows], abs_=1e-9)  # fmt: skip
    theta = [ref.theta(g[5], g[0], kk, g[2], g[3][0], g[4], g[3][1]) for g, kk in rows]
    _close(pricing.bsm_theta(s, k, t, r, q, sigma, is_call) / 365, theta, rel=1e-8, abs_=1e-8)


def test_black76_price_delta_gamma_agree_with_vollib_black() -> None:
    s, k, t, r, q, sigma, is_call = _columns()
    f = s * np.exp((r - q) * t)
    rows = list(zip(GRID, f, k, strict=True))
    _close(pricing.black76_price(f, k, t, r, sigma, is_call),
           [black(g[5], ff, kk, g[2], g[3][0], g[4]) for g, ff, kk in rows], abs_=1e-8)  # fmt: skip
    _close(pricing.black76_delta(f, k, t, r, sigma, is_call),
           [b76.delta(g[5], ff, kk, g[2], g[3][0], g[4]) for g, ff, kk in rows])  # fmt: skip
    _close(pricing.black76_gamma(f, k, t, r, sigma),
           [b76.gamma(g[5], ff, kk, g[2], g[3][0], g[4]) for g, ff, kk in rows], abs_=1e-14)  # fmt: skip


def test_forward_gamma_converts_to_spot_gamma() -> None:
    s, k, t, r, q, sigma, _ = _columns()
    f = s * np.exp((r - q) * t)
    converted = pricing.spot_gamma_from_forward(pricing.black76_gamma(f, k, t, r, sigma), f, s)
    np.testing.assert_allclose(converted, pricing.bsm_gamma(s, k, t, r, q, sigma), rtol=1e-12, atol=1e-16)


@pytest.mark.parametrize(
    ("name", "call", "put"),
    [
        ("price", 86.4050729294, 121.8548190990),
        ("delta", 0.4551389504, -0.5436289326),
        ("gamma", 0.001534720669, 0.001534720669),
        ("vega", 567.6364119264, 567.6364119264),
        ("theta", -696.8909337276, -520.3340668997),
    ],
)
def test_reference_option_of_the_research_notes(name: str, call: float, put: float) -> None:
    """S=5000, K=5050, T=30/365, r=5 %, q=1.5 %, σ=18 % (values agreed by four libraries, gex.md §2.5)."""
    args = (5000.0, 5050.0, 30 / 365, 0.05, 0.015, 0.18)
    for is_call, expected in ((True, call), (False, put)):
        if name in ("gamma", "vega"):
            value = getattr(pricing, f"bsm_{name}")(*args)
        else:
            value = getattr(pricing, f"bsm_{name}")(*args, is_call)
        assert float(value) == pytest.approx(expected, rel=1e-9)
    fwd = pricing.forward(5000.0, 30 / 365, 0.05, 0.015)
    assert float(fwd) == pytest.approx(5014.40427018, rel=1e-11)
    assert float(pricing.black76_gamma(fwd, 5050.0, 30 / 365, 0.05, 0.18)) == pytest.approx(0.001525916122, rel=1e-9)
