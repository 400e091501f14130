"""Inferred dealer sign: flow and skew move the naive prior the documented way."""

from __future__ import annotations

import numpy as np
import pytest

from mia_core.gex.dealer_sign import FLOW_WEIGHT, SKEW_WEIGHT, buckets, infer_signs


def _rows(last_call: float, last_put: float, call_iv: float, put_iv: float, days: float = 10.0) -> dict:
    is_call = np.array([True, False])
    return dict(
        is_call=is_call, bucket=buckets(np.full(2, days), np.zeros(2, bool)), bid=np.array([9.0, 9.0]),
        ask=np.array([11.0, 11.0]), last=np.array([last_call, last_put]), volume=np.array([100.0, 100.0]),
        gamma=np.array([0.001, 0.001]), iv=np.array([call_iv, put_iv]), delta=np.array([0.25, -0.25]),
        gross=np.array([1.0, 1.0]),
    )  # fmt: skip


def test_customers_buying_calls_at_the_ask_make_dealers_shorter_calls() -> None:
    at_ask = infer_signs(**_rows(11.0, 10.0, 0.15, 0.2))
    at_bid = infer_signs(**_rows(9.0, 10.0, 0.15, 0.2))
    prior_share = 1 - FLOW_WEIGHT - SKEW_WEIGHT
    assert at_ask.call_sign == pytest.approx(prior_share - FLOW_WEIGHT + SKEW_WEIGHT)  # flow +1, put skew: e = +1
    assert at_bid.call_sign == pytest.approx(prior_share + FLOW_WEIGHT + SKEW_WEIGHT)
    assert at_ask.put_sign == pytest.approx(-(1 - FLOW_WEIGHT))  # mid trade: no flow, no skew term for puts


def test_call_skew_flips_the_skew_term() -> None:
    skew = infer_signs(**_rows(10.0, 10.0, 0.3, 0.2))  # 25-delta call IV above put IV
    assert skew.call_sign == pytest.approx(1 - FLOW_WEIGHT - SKEW_WEIGHT - SKEW_WEIGHT)


def test_same_day_signs_are_halved_and_confidence_is_mean_abs_sign() -> None:
    rows = _rows(10.0, 10.0, 0.15, 0.2)
    rows["bucket"] = buckets(np.zeros(2), np.ones(2, bool))
    result = infer_signs(**rows)
    assert result.call_sign == pytest.approx(0.5 * (1 - FLOW_WEIGHT))
    assert result.confidence == pytest.approx(0.5 * (1 - FLOW_WEIGHT))
