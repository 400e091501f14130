"""The deflated Sharpe ratio and CSCV's probability of backtest overfitting against the papers and hand sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from mia_core.errors import DomainValueError
from mia_core.metrics.overfitting import (
    deflated_sharpe,
    expected_max_sharpe,
    period_sharpe,
    probability_of_overfitting,
    sharpe_probability,
)


def test_expected_max_sharpe_matches_the_papers_example() -> None:
    # Bailey & López de Prado (2014), section 4: N = 100 trials, V[SR] = 0.5 (annual), 250 days a year:
    # SR0 = 1.7897 annualised.
    sr0 = expected_max_sharpe(100, 0.5 / 250)
    assert sr0 * math.sqrt(250) == pytest.approx(1.7897, abs=1e-3)
    assert expected_max_sharpe(1, 0.3) == 0.0


def test_deflated_sharpe_matches_the_papers_example() -> None:
    # Same example: SR = 2.5 annualised over T = 1250 days, skew -3, kurtosis 10: DSR = 0.9004.
    sr0 = expected_max_sharpe(100, 0.5 / 250)
    assert sharpe_probability(2.5 / math.sqrt(250), sr0, 1250, -3.0, 10.0) == pytest.approx(0.9004, abs=1e-3)


def test_deflated_sharpe_of_a_short_series_by_hand() -> None:
    returns = [0.01, -0.005, 0.02, 0.0, 0.015]
    # mean 0.008; deviations .002 -.013 .012 -.008 .007; sum of squares 430e-6 -> sd = sqrt(430e-6 / 4)
    sr = 0.008 / math.sqrt(430e-6 / 4)
    m2, m3, m4 = 430e-6 / 5, -630e-9 / 5, 55810e-12 / 5  # central moments (divided by n)
    skew, kurt = m3 / m2**1.5, m4 / m2**2
    assert period_sharpe(returns) == pytest.approx(sr)
    trials, variance = 10, 0.04
    sr0 = 0.2 * ((1 - 0.5772156649) * stats.norm.ppf(0.9) + 0.5772156649 * stats.norm.ppf(1 - 1 / (10 * math.e)))
    expected = stats.norm.cdf((sr - sr0) * 2 / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr**2))
    result = deflated_sharpe(returns, trials, variance)
    assert result.sharpe == pytest.approx(sr)
    assert result.benchmark == pytest.approx(sr0)
    assert result.skew == pytest.approx(-0.157988, abs=1e-6) and result.kurtosis == pytest.approx(1.509194, abs=1e-6)
    assert result.probability == pytest.approx(expected)
    assert result.periods == 5


def test_more_trials_deflate_more() -> None:
    returns = np.random.default_rng(3).normal(0.001, 0.01, 500)
    few, many = deflated_sharpe(returns, 2, 0.01), deflated_sharpe(returns, 1000, 0.01)
    assert many.probability < few.probability


def test_a_flat_best_run_has_no_deflated_sharpe() -> None:
    assert math.isnan(deflated_sharpe([0.0, 0.0, 0.0, 0.0], 5, 0.1).probability)


# Three trials, four periods in two blocks of two. A wins block 0 and is worst in block 1; B the reverse;
# C is in the middle of both. Train on block 0 -> A chosen, ranked 1 of 3 on block 1: w = 1/4, logit ln(1/3).
# Train on block 1 -> B chosen, ranked 1 of 3 on block 0: logit ln(1/3). PBO = 2/2.
FLIPPING = np.array([
    # A      B       C
    [0.03, -0.02, 0.001],
    [0.02, -0.01, 0.002],
    [-0.02, 0.03, 0.001],
    [-0.01, 0.02, 0.002],
])


def test_cscv_of_a_trial_that_wins_only_in_sample_is_all_overfitting() -> None:
    result = probability_of_overfitting(FLIPPING, blocks=2)
    assert result.probability == 1.0
    assert result.logits == pytest.approx((math.log(1 / 3), math.log(1 / 3)))
    assert (result.blocks, result.trials, result.periods_used) == (2, 3, 4)


def test_cscv_of_a_trial_that_wins_everywhere_is_no_overfitting() -> None:
    # A dominates every block: chosen on any train half, ranked 3 of 3 on test: w = 3/4, logit ln 3.
    steady = np.array([[0.03, 0.0, 0.01], [0.02, -0.01, 0.0], [0.03, 0.0, 0.01], [0.02, -0.01, 0.0],
                       [0.03, 0.0, 0.01], [0.02, -0.01, 0.0], [0.03, 0.0, 0.01], [0.02, -0.01, 0.0],
                       [0.5, 0.5, 0.5]])  # the ninth row is the T mod S remainder: dropped
    result = probability_of_overfitting(steady, blocks=4)
    assert len(result.logits) == 6  # C(4, 2)
    assert result.logits == pytest.approx((math.log(3),) * 6)
    assert result.probability == 0.0 and result.periods_used == 8


def test_cscv_refuses_what_it_cannot_split() -> None:
    with pytest.raises(DomainValueError, match="blocks"):
        probability_of_overfitting(FLIPPING, blocks=3)
    with pytest.raises(DomainValueError, match="periods"):
        probability_of_overfitting(FLIPPING, blocks=4)
    with pytest.raises(DomainValueError, match="trials"):
        probability_of_overfitting(FLIPPING[:, :1], blocks=2)
