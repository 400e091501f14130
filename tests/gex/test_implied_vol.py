"""Implied volatility and parity forwards: prices from vollib, IVs compared with vollib's solver."""

from __future__ import annotations

import itertools

import numpy as np
from vollib.black import black
from vollib.black.implied_volatility import implied_volatility as vollib_iv

from mia_core.gex.implied_vol import implied_vol_black76, ivs_from_prices, mid_prices, otm_mask, parity_forwards

F, R = 5014.40427018, 0.05


def test_round_trip_of_otm_prices_priced_by_vollib() -> None:
    cases = [
        (k, t, sigma)
        for k, t, sigma in itertools.product(
            (4000.0, 4600.0, 4950.0, 5014.0, 5100.0, 5500.0, 6200.0),
            (2 / 24 / 365, 1 / 365, 7 / 365, 45 / 365, 1.0),
            (0.07, 0.12, 0.2, 0.45, 1.2),
        )
    ]
    k = np.array([c[0] for c in cases])
    t = np.array([c[1] for c in cases])
    sigma = np.array([c[2] for c in cases])
    is_call = k >= F
    price = np.array(
        [black("c" if c else "p", F, kk, tt, R, s) for kk, tt, s, c in zip(k, t, sigma, is_call, strict=True)]
    )
    ours = implied_vol_black76(price, np.full(k.size, F), k, t, R, is_call)
    usable = price > 1e-6  # prices below that carry no volatility information
    assert usable.sum() > 0.7 * k.size
    np.testing.assert_allclose(ours[usable], sigma[usable], rtol=1e-8)
    assert np.all(np.isnan(ours[~usable]))
    theirs = [vollib_iv(p, F, kk, R, tt, "c" if c else "p") for p, kk, tt, c in zip(price, k, t, is_call, strict=True)]
    np.testing.assert_allclose(ours[usable], np.array(theirs)[usable], rtol=1e-7)


def test_missing_and_impossible_prices_have_no_iv() -> None:
    k = np.array([5100.0, 5100.0, 4000.0, 5100.0])
    price = np.array([0.0, np.nan, 0.5, 1e6])  # zero, missing, put at 4000 fine, above the upper bound
    out = implied_vol_black76(price, np.full(4, F), k, np.full(4, 30 / 365), R, np.array([True, True, False, True]))
    assert np.isnan(out[0]) and np.isnan(out[1]) and np.isnan(out[3])
    assert 0.2 < out[2] < 1.0


def test_forward_from_parity_recovers_the_forward_used_to_price() -> None:
    strikes = np.arange(4800.0, 5250.0, 25.0)
    t, sigma = 21 / 365, 0.16
    calls = np.array([black("c", F, k, t, R, sigma) for k in strikes])
    puts = np.array([black("p", F, k, t, R, sigma) for k in strikes])
    strike = np.concatenate([strikes, strikes])
    is_call = np.concatenate([np.ones(strikes.size, bool), np.zeros(strikes.size, bool)])
    mid = np.concatenate([calls, puts])
    group = np.zeros(strike.size, dtype=np.int64)
    fw = parity_forwards(group, 1, strike, is_call, mid, np.array([t]), R, np.array([5000.0]))
    assert fw.from_parity[0]
    assert fw.forward[0] == np.float64(fw.forward[0]) and abs(fw.forward[0] - F) < 1e-8
    assert abs(fw.parity_error[0] - (F / 5000.0 - 1)) < 1e-12


def test_itm_rows_take_the_otm_iv_of_their_strike() -> None:
    strikes = np.array([4900.0, 5100.0])
    t, r = 30 / 365, R
    skew = {4900.0: 0.2, 5100.0: 0.15}
    strike = np.array([4900.0, 4900.0, 5100.0, 5100.0])
    is_call = np.array([True, False, True, False])
    # OTM legs priced at the smile; ITM legs given nonsense prices that must not be inverted
    mid = np.array([
        999.0, black("p", F, 4900.0, t, r, skew[4900.0]), black("c", F, 5100.0, t, r, skew[5100.0]), 999.0,
    ])  # fmt: skip
    iv = ivs_from_prices(np.zeros(4, np.int64), strike, is_call, mid, np.full(4, F), np.full(4, t), r)
    np.testing.assert_allclose(iv, [0.2, 0.2, 0.15, 0.15], rtol=1e-8)
    assert list(otm_mask(strikes, np.array([True, True]), np.full(2, F))) == [False, True]


def test_mid_needs_a_two_sided_sane_quote() -> None:
    mid = mid_prices(np.array([1.0, 0.0, 2.0, 1.0]), np.array([1.2, 0.5, 1.0, 9.0]), max_relative_spread=1.0)
    assert mid[0] == 1.1 and np.isnan(mid[1]) and np.isnan(mid[2]) and np.isnan(mid[3])
