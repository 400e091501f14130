"""``DecisionConfig``: every setting of the decision layer (an attrs class, left interpreted)."""

from __future__ import annotations

from typing import Literal

import attrs

from mia_core.validation import ATR_MULTIPLE, BARS, FRACTION
from mia_plugins.battle_navale.decision.confidence import ConfidenceWeights
from mia_plugins.battle_navale.decision.confluence import ConfluenceWeights, GradeThresholds
from mia_plugins.battle_navale.decision.elite import EliteConfig
from mia_plugins.battle_navale.decision.regime import RegimeConfig
from mia_plugins.battle_navale.decision.selector import SelectorConfig
from mia_plugins.battle_navale.decision.settings import RangeConfig, StatePeriods, TrendConfig

GradeName = Literal["buy", "strong_buy"]


@attrs.frozen(slots=True)
class DecisionConfig:
    """Every setting of the decision layer (defaults: the mission's numbers).

    ``entry_grade``: a trend setup or a range breakout needs the confluence on its side
    at this grade or stronger (``strong_buy``: score above 0.75 for a long, below 0.25
    for a short). Fades and mean reversions need the same, unless
    ``neutral_reversals`` (off by default, not the mission's rule) lets them enter at
    a NEUTRAL confluence; ``reversal_veto`` then refuses them when the confluence
    points against them at this grade or stronger. ``elite``: how the elite readings
    adjust the confidence and veto entries (:mod:`.elite`).
    """

    weights: ConfluenceWeights = attrs.Factory(ConfluenceWeights)
    thresholds: GradeThresholds = attrs.Factory(GradeThresholds)
    regime: RegimeConfig = attrs.Factory(RegimeConfig)
    selector: SelectorConfig = attrs.Factory(SelectorConfig)
    trend: TrendConfig = attrs.Factory(TrendConfig)
    range: RangeConfig = attrs.Factory(RangeConfig)
    confidence: ConfidenceWeights = attrs.Factory(ConfidenceWeights)
    entry_grade: GradeName = attrs.field(default="strong_buy", validator=attrs.validators.in_(("buy", "strong_buy")))
    reversal_veto: GradeName = attrs.field(default="buy", validator=attrs.validators.in_(("buy", "strong_buy")))
    neutral_reversals: bool = False
    elite: EliteConfig = attrs.Factory(EliteConfig)
    min_confidence: float = attrs.field(default=0.0, validator=FRACTION)
    atr_period: int = attrs.field(default=14, validator=BARS)
    ma_period: int = attrs.field(default=20, validator=BARS)
    channel_period: int = attrs.field(default=20, validator=BARS)
    stop_atr: float = attrs.field(default=2.0, validator=ATR_MULTIPLE)
    reward_risk: float = attrs.field(default=2.0, validator=ATR_MULTIPLE)

    @property
    def periods(self) -> StatePeriods:
        """The state windows these settings need."""
        return StatePeriods(
            atr_period=self.atr_period,
            volatility_period=self.regime.volatility_period,
            efficiency_period=self.regime.efficiency_period,
            ma_period=self.ma_period,
            channel_period=self.channel_period,
        )
