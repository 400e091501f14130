"""The strategy selector: which strategy (trend, range or none) trades in each regime."""

from __future__ import annotations

import enum

import attrs
import numpy as np
import numpy.typing as npt

from mia_plugins.battle_navale.decision.regime import MarketRegime


class StrategyChoice(enum.Enum):
    """What the selector can pick for a regime."""

    TREND = "trend"
    RANGE = "range"
    NONE = "none"


@attrs.frozen(slots=True)
class SelectorConfig:
    """The strategy used in each regime (``none`` stands aside)."""

    trend: StrategyChoice = StrategyChoice.TREND
    range: StrategyChoice = StrategyChoice.RANGE
    volatile: StrategyChoice = StrategyChoice.NONE
    transition: StrategyChoice = StrategyChoice.NONE

    def choose(self, regime: MarketRegime) -> StrategyChoice:
        """The strategy for ``regime``."""
        if regime is MarketRegime.TREND:
            return self.trend
        if regime is MarketRegime.RANGE:
            return self.range
        if regime is MarketRegime.VOLATILE:
            return self.volatile
        return self.transition

    def mask(self, regimes: npt.NDArray[np.int8], choice: StrategyChoice) -> npt.NDArray[np.bool_]:
        """True at bars whose regime selects ``choice`` (the vectorised :meth:`choose`)."""
        wanted = [int(r) for r in MarketRegime if self.choose(r) is choice]
        return np.isin(regimes, wanted)


def regime_fit(regime: MarketRegime, choice: StrategyChoice) -> float:
    """1 when the chosen strategy is the regime's natural one (trend in TREND, range in RANGE), else 0.5."""
    natural = (regime is MarketRegime.TREND and choice is StrategyChoice.TREND) or (
        regime is MarketRegime.RANGE and choice is StrategyChoice.RANGE
    )
    return 1.0 if natural else 0.5
