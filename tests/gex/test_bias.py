"""The score: bounds (hypothesis), hand-computed components, renormalisation, confidence by age."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mia_core.gex.analysis import GexSummary
from mia_core.gex.quality import Quality, age_factor
from mia_plugins.dealers_bias.score import BiasSettings, BiasWeights, components, label, score

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
level = st.one_of(st.none(), st.floats(min_value=1.0, max_value=10_000.0))


@given(
    net=finite, gross=st.floats(min_value=0.0, max_value=1e12), flip=level, sign=st.sampled_from([-1, 0, 1]),
    iv=st.one_of(st.none(), st.floats(min_value=0.01, max_value=3.0)), cw=level, pw=level,
    pcr=st.one_of(st.none(), st.floats(min_value=0.01, max_value=50.0)),
    vol=st.one_of(st.none(), st.floats(min_value=1.0, max_value=150.0)),
    c=st.floats(min_value=0.0, max_value=1.0),
)  # fmt: skip
def test_every_component_and_the_score_stay_in_bounds(
    net: float, gross: float, flip: float | None, sign: int, iv: float | None, cw: float | None,
    pw: float | None, pcr: float | None, vol: float | None, c: float,
) -> None:  # fmt: skip
    comp = components(GexSummary(5000.0, net, gross, flip, sign, iv, cw, pw, pcr, vol), BiasSettings())
    for value in (comp.gex, comp.flip, comp.wall, comp.pcr, comp.vol, comp.raw):
        assert value is None or -1.0 <= value <= 1.0
    assert -1.0 <= score(comp.raw, c) <= 1.0


def test_hand_computed_components() -> None:
    inputs = GexSummary(
        spot=5000.0, gex_net=1e9, gex_gross=4e9, flip=4950.0, regime_sign=1, atm_iv=0.16,
        call_wall=5100.0, put_wall=4900.0, pcr=2.0, vol=27.0,
    )  # fmt: skip
    comp = components(inputs, BiasSettings())
    assert comp.gex == pytest.approx(math.tanh(3 * 0.25))
    one_day = 5000.0 * 0.16 / math.sqrt(252)
    assert comp.flip == pytest.approx(math.tanh(50.0 / one_day))
    assert comp.wall == pytest.approx(-0.0 * (1 + comp.flip) / 2)  # spot midway between the walls
    assert comp.pcr == pytest.approx(0.0)  # at its reference
    assert comp.vol == pytest.approx(-math.tanh(math.log(1.5) / math.log(1.5)))  # 1.5x the norm: -0.7616
    expected = (0.35 * comp.gex + 0.25 * comp.flip + 0.15 * comp.wall + 0.15 * comp.vol + 0.10 * comp.pcr) / 1.0
    assert comp.raw == pytest.approx(expected)


def test_missing_components_are_dropped_and_weights_renormalised() -> None:
    inputs = GexSummary(5000.0, 1e9, 2e9, None, 1, None, 5000.0, 5100.0, None, None)  # CW < PW: no wall
    comp = components(inputs, BiasSettings())
    assert comp.wall is None and comp.pcr is None and comp.vol is None
    assert comp.flip == 1.0  # no flip: the regime sign
    assert comp.raw == pytest.approx((0.35 * math.tanh(1.5) + 0.25 * 1.0) / 0.60)


def test_contrarian_pcr_flips_its_component() -> None:
    inputs = GexSummary(5000.0, 0.0, 1.0, None, 0, None, None, None, 4.0, None)
    plain = components(inputs, BiasSettings()).pcr
    contrarian = components(inputs, BiasSettings(contrarian_pcr=True)).pcr
    assert plain == pytest.approx(-math.tanh(1.0)) and contrarian == pytest.approx(-plain)


def test_weights_must_not_be_negative() -> None:
    with pytest.raises(ValueError):
        BiasWeights(gex=-0.1)


def test_labels() -> None:
    assert label(0.5) == "supportive" and label(-0.5) == "destabilising" and label(0.1) == "neutral"


@pytest.mark.parametrize(
    ("age", "rth", "expected"),
    [(0, True, 1.0), (1200, True, 1.0), (1200, False, 0.8), (86400, True, 0.3), (2 * 86400, True, 0.3),
     (4 * 86400, True, 0.0), (-1, True, 0.0), ((1200 + 86400) / 2, True, 0.65)],
)  # fmt: skip
def test_age_factor(age: float, rth: bool, expected: float) -> None:
    assert age_factor(age, 72 * 3600, rth) == pytest.approx(expected)


def test_confidence_is_the_product_of_the_factors() -> None:
    quality = Quality(iv=0.9, parity=0.5, coverage=1.0, parse=1.0, sign=1.0, flip=0.8)
    assert quality.static == pytest.approx(0.36)
    assert quality.with_age(0.5) == pytest.approx(0.18)
