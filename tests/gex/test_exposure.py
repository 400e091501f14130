"""GEX units and signs, against hand formulas with vollib's gamma as the independent greek."""

from __future__ import annotations

import numpy as np
import pytest
from vollib.black import black
from vollib.black_scholes_merton.greeks.analytical import gamma as vollib_gamma

from mia_core.gex.analysis import GexSettings, analyse
from mia_core.gex.expiry import settlement_ns, years_to_settlement
from mia_core.gex.exposure import SignConvention, dollar_gamma_1pct, futures_contracts
from mia_core.options import SettlementStyle

from .chains import EXPIRY, TS, arrays, quote


def test_one_contract_is_38368_dollars_per_one_percent() -> None:
    """gex.md §1.2: Γ = 0.001534720669 at S = 5000 → $767.36 per point, $38,368.02 per 1 %."""
    g = vollib_gamma("c", 5000.0, 5050.0, 30 / 365, 0.05, 0.18, 0.015)
    dollars = float(dollar_gamma_1pct(np.array([g]), np.array([1.0]), 100.0, 5000.0)[0])
    assert dollars == pytest.approx(38_368.02, abs=0.01)
    assert dollars / (0.01 * 5000.0) == pytest.approx(767.36, abs=0.01)
    assert futures_contracts(dollars, 5000.0, 50.0) == pytest.approx(0.153472, rel=1e-5)


def _settings(sign: SignConvention = SignConvention.NAIVE) -> GexSettings:
    return GexSettings(rate=0.0, dividend_yield=0.0, sign_convention=sign)


def test_single_strike_gex_matches_the_formula_with_vollib_gamma() -> None:
    a = analyse(arrays([quote(5100.0, "C", 1000.0, iv=0.2)]), _settings())
    t = float(years_to_settlement(np.array([settlement_ns(EXPIRY, SettlementStyle.PM)]), TS)[0])
    expected = vollib_gamma("c", 5000.0, 5100.0, t, 0.0, 0.2, 0.0) * 1000 * 100 * 5000.0**2 * 0.01
    assert a.gex_total == pytest.approx(expected, rel=1e-9)
    assert a.profile.strike.tolist() == [5100.0]
    assert a.profile.call[0] == pytest.approx(expected, rel=1e-9) and a.profile.put[0] == 0.0


def test_equal_call_and_put_oi_at_one_strike_net_to_zero_under_the_naive_sign() -> None:
    a = analyse(arrays([quote(5000.0, "C", 500.0), quote(5000.0, "P", 500.0)]), _settings())
    assert a.gex_total == pytest.approx(0.0, abs=1e-6 * a.gross_window)
    assert a.profile.call[0] == pytest.approx(-a.profile.put[0])


def test_sign_conventions_flip_the_sign_of_gex() -> None:
    chain = arrays([quote(5050.0, "C", 300.0), quote(4900.0, "P", 700.0), quote(5200.0, "C", 100.0)])
    long_all = analyse(chain, _settings(SignConvention.LONG_ALL))
    short_all = analyse(chain, _settings(SignConvention.SHORT_ALL))
    naive = analyse(chain, _settings(SignConvention.NAIVE))
    assert long_all.gex_total > 0
    assert short_all.gex_total == pytest.approx(-long_all.gex_total)
    np.testing.assert_allclose(short_all.profile.net, -long_all.profile.net)
    calls = long_all.profile.call.sum()
    assert naive.gex_total == pytest.approx(calls + (-long_all.profile.put.sum()))


def test_zero_dte_is_separated() -> None:
    today = quote(5000.0, "C", 1000.0, expiry=EXPIRY.replace(month=1, day=6))  # settles 16:00 New York today
    later = quote(5000.0, "C", 1000.0)
    a = analyse(arrays([today, later]), _settings())
    assert a.gex_0dte > 0 and a.gex_ex_0dte > 0
    assert a.gex_0dte + a.gex_ex_0dte == pytest.approx(a.gex_window)
    alone = analyse(arrays([later]), _settings())
    assert a.gex_ex_0dte == pytest.approx(alone.gex_window)


def test_iv_repaired_from_the_otm_price_matches_the_quoted_iv() -> None:
    t = float(years_to_settlement(np.array([settlement_ns(EXPIRY, SettlementStyle.PM)]), TS)[0])
    price = black("c", 5000.0, 5100.0, t, 0.0, 0.2)
    quoted = analyse(arrays([quote(5100.0, "C", 1000.0, iv=0.2)]), _settings())
    repaired = analyse(arrays([quote(5100.0, "C", 1000.0, iv=0.0, bid=price - 1e-9, ask=price + 1e-9)]), _settings())
    assert repaired.repaired_iv == 1 and repaired.report.missing_iv == 1
    assert repaired.gex_total == pytest.approx(quoted.gex_total, rel=1e-6)


def test_same_day_gamma_lowers_the_sign_confidence_of_a_fixed_convention() -> None:
    today = EXPIRY.replace(month=1, day=6)
    only_later = analyse(arrays([quote(5000.0, "C", 1000.0)]), _settings())
    assert only_later.quality.sign == 1.0
    half = analyse(
        arrays([quote(5000.0, "C", 1000.0, expiry=today), quote(5000.0, "P", 1000.0, expiry=today)]), _settings()
    )
    assert half.quality.sign == pytest.approx(0.5)  # all window gamma is same-day
