"""Settings of Battle Navale's seven features (plain Python: mypyc compiles the features, not attrs classes)."""

from __future__ import annotations

from typing import Literal

import attrs

from mia_core.validation import ATR_MULTIPLE, BARS, MAX_BARS, within


@attrs.frozen
class VwapTrendConfig:
    """Settings of ``vwap_trend``: windows in bars and the ATR distances that saturate the score."""

    window: int = attrs.field(default=20, validator=within(2, MAX_BARS))
    slope_bars: int = attrs.field(default=5, validator=BARS)
    distance_scale: float = attrs.field(default=2.0, validator=ATR_MULTIPLE)
    slope_scale: float = attrs.field(default=1.0, validator=ATR_MULTIPLE)


@attrs.frozen
class VolumeImbalanceConfig:
    """Settings of ``volume_imbalance``: the window in bars."""

    window: int = attrs.field(default=10, validator=BARS)


@attrs.frozen
class PriceActionConfig:
    """Settings of ``price_action``: how many bars of patterns and of close location count."""

    memory: int = attrs.field(default=3, validator=within(1, 1000))


@attrs.frozen
class MomentumFlowConfig:
    """Settings of ``momentum_flow``: the window in bars and the ATR move that saturates momentum."""

    window: int = attrs.field(default=14, validator=within(2, MAX_BARS))
    roc_scale: float = attrs.field(default=3.0, validator=ATR_MULTIPLE)


@attrs.frozen
class SupportResistanceConfig:
    """Settings of ``support_resistance``: the look-back in bars that defines the levels, and the score's form.

    ``score_mode``: ``channel`` (1 above resistance, 0 below support, ``1 - position``
    inside: not monotone in the close) or ``room`` (``1 - position`` clipped to [0, 1]:
    monotone, 1 at or below support, 0 at or above resistance). Set ``lookback`` apart
    from the strategy's ``channel_period`` so that the levels are not the breakout's.
    """

    lookback: int = attrs.field(default=20, validator=within(2, MAX_BARS))
    score_mode: Literal["channel", "room"] = attrs.field(default="channel",
                                                        validator=attrs.validators.in_(("channel", "room")))


@attrs.frozen
class MarketStructureConfig:
    """Settings of ``market_structure``: bars on each side of a swing point."""

    strength: int = attrs.field(default=3, validator=within(1, 1000))


@attrs.frozen
class SessionAnalysisConfig:
    """Settings of ``session_analysis`` (none yet: the calendar is CME Globex equity)."""
