"""The decision layer: confluence, confidence, market regime, setups and the regime selector.

Pure logic with two forms of everything that runs per bar: an incremental one (one
bar at a time, constant work, for live sessions) and a vectorised one (arrays, for
research and fast backtests) that gives the same answers. See docs/decision.md.
"""

from mia_plugins.battle_navale.decision.confidence import ConfidenceWeights, confidence, confidence_array
from mia_plugins.battle_navale.decision.confluence import (
    FEATURES,
    ConfluenceWeights,
    GradeThresholds,
    confluence_array,
    confluence_score,
    grade_array,
    grade_of,
)
from mia_plugins.battle_navale.decision.pipeline import Decider, Decision, DecisionArrays, DecisionConfig, decide_arrays
from mia_plugins.battle_navale.decision.regime import MarketRegime, RegimeConfig
from mia_plugins.battle_navale.decision.setups import RangeConfig, Setup, TrendConfig

__all__ = [
    "FEATURES",
    "ConfidenceWeights",
    "ConfluenceWeights",
    "Decider",
    "Decision",
    "DecisionArrays",
    "DecisionConfig",
    "GradeThresholds",
    "MarketRegime",
    "RangeConfig",
    "RegimeConfig",
    "Setup",
    "TrendConfig",
    "confidence",
    "confidence_array",
    "confluence_array",
    "confluence_score",
    "decide_arrays",
    "grade_array",
    "grade_of",
]
