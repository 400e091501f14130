"""Settings of the per-bar decision modules (plain Python: mypyc compiles those modules, not attrs classes)."""

from __future__ import annotations

import attrs

from mia_core.validation import ATR_MULTIPLE, within

_positive = attrs.validators.ge(1)


@attrs.frozen(slots=True)
class StatePeriods:
    """Window lengths, in bars, of the tracked quantities."""

    atr_period: int = attrs.field(default=14, validator=_positive)
    volatility_period: int = attrs.field(default=100, validator=_positive)
    efficiency_period: int = attrs.field(default=20, validator=_positive)
    ma_period: int = attrs.field(default=20, validator=_positive)
    channel_period: int = attrs.field(default=20, validator=_positive)

    @property
    def warmup_bars(self) -> int:
        """Bars needed before every quantity is defined."""
        return max(self.atr_period, self.volatility_period, self.efficiency_period + 1, self.ma_period,
                   self.channel_period + 1)


@attrs.frozen(slots=True)
class TrendConfig:
    """The trend strategy: which setups it takes."""

    breakout: bool = True
    pullback: bool = True
    continuation: bool = True


@attrs.frozen(slots=True)
class RangeConfig:
    """The range strategy: which setups it takes and their distances in ATRs."""

    fade: bool = True
    mean_reversion: bool = True
    range_breakout: bool = True
    fade_zone_atr: float = attrs.field(default=0.5, validator=within(0, 100))
    mean_reversion_atr: float = attrs.field(default=1.5, validator=ATR_MULTIPLE)
