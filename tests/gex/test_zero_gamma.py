"""Zero gamma: properties, and the root checked with vollib's gamma summed independently."""

from __future__ import annotations

import numpy as np
import pytest
from vollib.black_scholes_merton.greeks.analytical import gamma as vollib_gamma

from mia_core.gex.analysis import GexSettings, analyse
from mia_core.gex.expiry import settlement_ns, years_to_settlement
from mia_core.options import SettlementStyle

from .chains import EXPIRY, TS, arrays, quote

SETTINGS = GexSettings(rate=0.0, dividend_yield=0.0)


def _t() -> float:
    return float(years_to_settlement(np.array([settlement_ns(EXPIRY, SettlementStyle.PM)]), TS)[0])


def test_flip_lies_between_the_put_and_call_strikes_and_zeroes_vollib_gamma() -> None:
    chain = arrays([quote(4800.0, "P", 1000.0, iv=0.2), quote(5200.0, "C", 1000.0, iv=0.2)])
    a = analyse(chain, SETTINGS)
    flip = a.zero_gamma.level
    assert flip is not None and 4800.0 < flip < 5200.0
    t = _t()

    def net(x: float) -> float:  # calls +, puts − (naive), at a hypothetical spot x, same IV
        return vollib_gamma("c", x, 5200.0, t, 0.0, 0.2, 0.0) - vollib_gamma("p", x, 4800.0, t, 0.0, 0.2, 0.0)

    assert abs(net(flip)) < 1e-9
    assert net(flip - 20) < 0 < net(flip + 20)  # short gamma below, long gamma above
    assert a.zero_gamma.regime_sign == (1 if flip < 5000.0 else -1)


def test_symmetric_chain_flips_near_the_middle() -> None:
    chain = arrays([quote(4900.0, "P", 1000.0, iv=0.2), quote(5100.0, "C", 1000.0, iv=0.2)])
    flip = analyse(chain, SETTINGS).zero_gamma.level
    # gamma of a lognormal model is not symmetric in price, so only near the middle
    assert flip is not None and abs(flip - 5000.0) < 20.0


def test_no_crossing_gives_none_and_the_sign_of_the_range() -> None:
    calls = analyse(arrays([quote(5000.0, "C", 1000.0), quote(5100.0, "C", 500.0)]), SETTINGS)
    assert calls.zero_gamma.level is None and calls.zero_gamma.roots == () and calls.zero_gamma.regime_sign == 1
    puts = analyse(arrays([quote(5000.0, "P", 1000.0)]), SETTINGS)
    assert puts.zero_gamma.level is None and puts.zero_gamma.regime_sign == -1


def test_several_crossings_report_all_and_pick_the_nearest() -> None:
    chain = arrays([
        quote(4700.0, "C", 3000.0, iv=0.1), quote(4900.0, "P", 3000.0, iv=0.1),
        quote(5100.0, "C", 3000.0, iv=0.1), quote(5300.0, "P", 3000.0, iv=0.1),
    ])  # fmt: skip
    z = analyse(chain, SETTINGS).zero_gamma
    assert len(z.roots) >= 3
    assert z.level == min(z.roots, key=lambda x: abs(x - 5000.0))


def test_ex_0dte_flip_ignores_same_day_contracts() -> None:
    today = EXPIRY.replace(month=1, day=6)
    base = [quote(4800.0, "P", 1000.0, iv=0.2), quote(5200.0, "C", 1000.0, iv=0.2)]
    heavy_0dte = [quote(5000.0, "P", 50_000.0, iv=0.2, expiry=today)]
    a = analyse(arrays(base + heavy_0dte), SETTINGS)
    b = analyse(arrays(base), SETTINGS)
    assert a.zero_gamma_ex_0dte.level == pytest.approx(b.zero_gamma.level, rel=1e-6)
    assert a.zero_gamma.level != pytest.approx(b.zero_gamma.level, rel=1e-3)


def test_exactly_cancelling_calls_and_puts_have_no_flip_and_no_regime() -> None:
    quotes = [quote(k, side, 500.0, iv=0.2) for k in (4900.0, 5000.0, 5100.0) for side in ("C", "P")]
    z = analyse(arrays(quotes), SETTINGS).zero_gamma
    assert z.level is None and z.roots == () and z.regime_sign == 0
