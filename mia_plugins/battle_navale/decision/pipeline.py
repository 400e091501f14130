"""The decision pipeline: state, regime, selector, setup, confluence gate, confidence, stop and target.

Per bar: track the market state; classify the regime; the selector picks the trend
strategy, the range strategy or none; the chosen strategy's setup gives a direction;
the confluence score must agree (see :class:`DecisionConfig`); the confidence must
reach ``min_confidence``; the stop is ``stop_atr`` ATRs away (whole ticks, rounded
up) and the target ``reward_risk`` times as far. :class:`Decider` is the incremental
form, :func:`decide_arrays` the vectorised one; they agree bar for bar.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from mia_plugins.battle_navale.decision.confidence import confidence_array
from mia_plugins.battle_navale.decision.config import DecisionConfig as DecisionConfig
from mia_plugins.battle_navale.decision.config import GradeName as GradeName
from mia_plugins.battle_navale.decision.confluence import (
    FEATURES,
    GRADE_CODES,
    confluence_array,
    grade_array,
    grade_of,
)
from mia_plugins.battle_navale.decision.elite import adjust, adjust_arrays
from mia_plugins.battle_navale.decision.regime import (
    MarketRegime,
    classify_array,
    efficiency_array,
    volatility_ratio_array,
)
from mia_plugins.battle_navale.decision.selector import SelectorConfig, StrategyChoice, regime_fit
from mia_plugins.battle_navale.decision.setups import (
    Setup,
    range_setup,
    range_setup_arrays,
    trend_setup,
    trend_setup_arrays,
)
from mia_plugins.battle_navale.decision.state import (
    IntArray,
    MarketState,
    StateTracker,
    state_arrays,
    warm,
)

FloatArray = npt.NDArray[np.float64]
Int8Array = npt.NDArray[np.int8]
#: What :meth:`Decider.step` found on a bar: the state, regime, strategy chosen, direction and setup.
Fired = tuple[MarketState, MarketRegime, StrategyChoice, int, Setup]
_LEVEL = {"buy": 1, "strong_buy": 2}
# Final: the compiled step reads them without a lookup in the module's namespace
_VOLATILE: Final = MarketRegime.VOLATILE
_TREND: Final = MarketRegime.TREND
_RANGE: Final = MarketRegime.RANGE
_TRANSITION: Final = MarketRegime.TRANSITION
_NONE: Final = StrategyChoice.NONE
_TREND_CHOICE: Final = StrategyChoice.TREND


@attrs.frozen(slots=True)
class Decision:
    """An entry the pipeline proposes at one bar; distances in whole ticks from the close."""

    direction: int
    setup: Setup
    regime: MarketRegime
    score: float
    confidence: float
    close_ticks: int
    stop_ticks: int
    target_ticks: int


def _stop_ticks(atr_sum: int, config: DecisionConfig) -> int:
    return max(1, math.ceil(config.stop_atr * atr_sum / config.atr_period))


def _target_ticks(stop: int, config: DecisionConfig) -> int:
    return max(1, math.ceil(config.reward_risk * stop))


def _gate(direction: int, setup: Setup, grade_code: int, config: DecisionConfig) -> bool:
    agreement = grade_code * direction
    if setup.is_reversal and config.neutral_reversals:
        return agreement > -_LEVEL[config.reversal_veto]
    return agreement >= _LEVEL[config.entry_grade]


class Decider:
    """The incremental pipeline: call :meth:`update` once per bar, in order."""

    def __init__(self, config: DecisionConfig) -> None:
        self.config = config
        self.periods = config.periods
        self.tracker = StateTracker(self.periods)
        self.regime: MarketRegime | None = None
        self.vetoed = ""  # the elite reading that vetoed this bar's entry, if one did
        # worked out once: the weights in FEATURES order (confluence_score's sum, term for term), the strategy
        # chosen in each regime, and what step reads of the settings on every bar
        self._weighted = tuple(zip(FEATURES, config.weights.as_tuple(), strict=True))
        self._choices = {regime: config.selector.choose(regime) for regime in MarketRegime}
        regime = config.regime
        self._thresholds = (regime.volatile_ratio, regime.trend_efficiency, regime.range_efficiency)
        self._scales = (self.periods.atr_period, self.periods.volatility_period)
        self._ma_period, self._atr_period = config.ma_period, config.atr_period
        self._trend, self._range = config.trend, config.range
        blend = config.confidence
        self._blend = (float(blend.strength), float(blend.agreement), float(blend.regime_fit))

    def reset(self) -> None:
        """Forget every bar."""
        self.tracker.reset()
        self.regime = None
        self.vetoed = ""

    def update(
        self, o: int, h: int, lo: int, c: int, features: Mapping[str, float],
        readings: Mapping[str, float] | None = None,
    ) -> Decision | None:
        """Consume one bar (tick prices) and its eight feature scores; the proposed entry, if any.

        ``features`` maps each of ``FEATURES`` to its score in [0, 1]; a NaN score (a
        feature still warming up) means no decision at this bar. ``readings``: the
        elite readings (:data:`.elite.READINGS`) that adjust the confidence or veto.
        :meth:`step` then :meth:`decide`, for a caller that reads the scores only when a setup fires.
        """
        fired = self.step(o, h, lo, c)
        return None if fired is None else self.decide(fired, features, readings)

    def step(self, o: int, h: int, lo: int, c: int) -> Fired | None:
        """Consume one bar (tick prices): the setup that fires on it, if any (the scores are not read yet)."""
        self.vetoed = ""
        state = self.tracker.update(o, h, lo, c)
        if state is None:
            return None
        # classify(efficiency(state), volatility_ratio(state, periods), config.regime), inline
        volatile, trending, ranging = self._thresholds
        atr_period, volatility_period = self._scales
        denominator = state.long_atr_sum * atr_period
        if ((state.atr_sum * volatility_period) / denominator if denominator else 1.0) > volatile:
            regime = _VOLATILE
        else:
            path = state.path
            ratio = state.net / path if path else 0.0
            regime = _TREND if ratio >= trending else _RANGE if ratio <= ranging else _TRANSITION
        self.regime = regime
        choice = self._choices[regime]
        if choice is _NONE:
            return None
        if choice is _TREND_CHOICE:
            direction, setup = trend_setup(state, self._ma_period, self._trend)
        else:
            direction, setup = range_setup(state, self._ma_period, self._atr_period, self._range)
        return None if direction == 0 else (state, regime, choice, direction, setup)

    def decide(
        self, fired: Fired, features: Mapping[str, float], readings: Mapping[str, float] | None = None
    ) -> Decision | None:
        """The entry that a setup ``fired`` by :meth:`step` becomes, given the scores and readings (see update)."""
        config = self.config
        state, regime, choice, direction, setup = fired
        score = 0.0
        for name, weight in self._weighted:  # confluence_score, without re-reading the weights
            score = score + weight * features[name]
        if score != score:  # NaN: a feature is warming up
            return None
        if not _gate(direction, setup, GRADE_CODES[grade_of(score, config.thresholds)], config):
            return None
        trust = self._confidence(score, features, direction, regime_fit(regime, choice))
        if readings:
            change, veto = adjust(direction, readings, config.elite)
            if veto:
                self.vetoed = veto
                return None
            trust = min(1.0, max(0.0, trust + change))
        if trust < config.min_confidence:
            return None
        stop = _stop_ticks(state.atr_sum, config)
        return Decision(direction, setup, regime, score, trust, state.close, stop, _target_ticks(stop, config))


    def _confidence(self, score: float, features: Mapping[str, float], direction: int, fit: float) -> float:
        """``confidence(score, features, direction, fit, config.weights, config.confidence)``, term for term."""
        agreement = 0.0
        for name, weight in self._weighted:
            value = features[name]
            share = 0.5 if value == 0.5 else 1.0 if (value > 0.5) == (direction > 0) else 0.0  # _side_share
            agreement = agreement + weight * share
        strength = abs(score - 0.5) * 2.0
        by_strength, by_agreement, by_fit = self._blend
        return min(1.0, max(0.0, by_strength * strength + by_agreement * agreement + by_fit * fit))


@attrs.frozen
class DecisionArrays:
    """The vectorised pipeline's output, one value per bar (direction 0: no entry)."""

    direction: Int8Array
    setup: Int8Array
    regime: Int8Array
    score: FloatArray
    confidence: FloatArray
    stop_ticks: IntArray
    target_ticks: IntArray


def decide_arrays(
    o: IntArray, h: IntArray, lo: IntArray, c: IntArray, features: Mapping[str, FloatArray], config: DecisionConfig,
    readings: Mapping[str, FloatArray] | None = None,
) -> DecisionArrays:
    """The vectorised :class:`Decider` over whole columns (tick prices, feature score arrays, elite readings)."""
    periods = config.periods
    n = len(c)
    state = state_arrays(o, h, lo, c, periods)
    regimes = classify_array(efficiency_array(state), volatility_ratio_array(state, periods), config.regime)
    regimes[~warm(n, periods)] = int(MarketRegime.TRANSITION)
    direction, setup = np.zeros(n, dtype=np.int8), np.zeros(n, dtype=np.int8)
    for choice in (StrategyChoice.TREND, StrategyChoice.RANGE):
        mask = config.selector.mask(regimes, choice) & warm(n, periods)
        if choice is StrategyChoice.TREND:
            d, s = trend_setup_arrays(state, config.ma_period, config.trend)
        else:
            d, s = range_setup_arrays(state, config.ma_period, config.atr_period, config.range)
        direction[mask], setup[mask] = d[mask], s[mask]
    scores = confluence_array(features, config.weights)
    grades = grade_array(scores, config.thresholds).astype(np.int64) * direction
    reversal = (setup == int(Setup.FADE)) | (setup == int(Setup.MEAN_REVERSION))
    relaxed = reversal & config.neutral_reversals
    allowed = np.where(relaxed, grades > -_LEVEL[config.reversal_veto], grades >= _LEVEL[config.entry_grade])
    fits = _fit_array(regimes, config.selector)
    trust = confidence_array(scores, features, direction, fits, config.weights, config.confidence)
    if readings:
        change, veto = adjust_arrays(direction, readings, config.elite)
        trust = np.where(veto, trust, np.minimum(1.0, np.maximum(0.0, trust + change)))
        allowed &= ~veto
    keep = (direction != 0) & ~np.isnan(scores) & allowed & (trust >= config.min_confidence)
    stops = np.maximum(1, np.ceil(config.stop_atr * state["atr_sum"] / config.atr_period)).astype(np.int64)
    targets = np.maximum(1, np.ceil(config.reward_risk * stops)).astype(np.int64)
    return DecisionArrays(
        direction=np.where(keep, direction, 0).astype(np.int8),
        setup=np.where(keep, setup, 0).astype(np.int8),
        regime=regimes,
        score=scores,
        confidence=trust,
        stop_ticks=stops,
        target_ticks=targets,
    )


def _fit_array(regimes: Int8Array, selector: SelectorConfig) -> FloatArray:
    fits = np.full(len(regimes), 0.5)
    for regime in MarketRegime:
        choice = selector.choose(regime)
        if choice is not StrategyChoice.NONE:
            fits[regimes == int(regime)] = regime_fit(regime, choice)
    return fits
