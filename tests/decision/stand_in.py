"""A stand-in feature technique for tests: the share of up-closes over a window, under any feature name.

Real behaviour (incremental and vectorised, same values), so the decision layer and
the walk-forward can be exercised through the engine without depending on the
Battle Navale feature plugins.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.market import Bar
from mia_core.series import BarSeries
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


@attrs.frozen
class StandInConfig:
    feature: str = "vwap_trend"
    period: int = 10


class UpCloseShare:
    """``score``: up-closes among the last ``period`` close-to-close moves (0.5 when flat)."""

    outputs = ("score",)

    def __init__(self, config: StandInConfig) -> None:
        self.name = config.feature
        self.period = config.period
        self.warmup_bars = config.period + 1
        self.reset()

    def reset(self) -> None:
        self._moves: deque[float] = deque(maxlen=self.period)
        self._last: float | None = None

    def update(self, bar: Bar) -> Mapping[str, float]:
        if self._last is not None:
            self._moves.append(1.0 if bar.close > self._last else 0.0 if bar.close < self._last else 0.5)
        self._last = bar.close
        if len(self._moves) < self.period:
            return {"score": float("nan")}
        return {"score": sum(self._moves) / self.period}

    def compute(self, bars: BarSeries) -> Mapping[str, npt.NDArray[np.float64]]:
        close = bars.close
        moves = np.full(len(close), np.nan)
        moves[1:] = np.where(close[1:] > close[:-1], 1.0, np.where(close[1:] < close[:-1], 0.0, 0.5))
        out = np.full(len(close), np.nan)
        if len(close) > self.period:
            windows = np.lib.stride_tricks.sliding_window_view(moves[1:], self.period)
            out[self.period :] = np.array([sum(row) for row in windows]) / self.period
        return {"score": out}


def _build(config: StandInConfig, context: BuildContext) -> UpCloseShare:
    return UpCloseShare(config)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    return [ComponentSpec(kind=ComponentKind.TECHNIQUE, name="stand_in_feature", factory=_build,
                          config_class=StandInConfig, summary="Share of up-closes (test stand-in)")]


SEVEN = ("vwap_trend", "volume_imbalance", "price_action", "momentum_flow", "support_resistance",
         "market_structure", "session_analysis")


def stand_in_system(periods: Iterable[int] = (5, 8, 10, 12, 15, 20, 30)) -> dict[str, object]:
    """A battle_navale system whose seven features are stand-ins (sp500, costs, 1-tick slippage)."""
    return {
        "instrument": "ES",
        "data_feed": {"use": "bundled", "dataset": "sp500"},
        "broker": {"use": "simulated", "commission_per_contract": 2.25, "slippage_ticks": 1, "initial_cash": 100000},
        "techniques": [{"use": "stand_in_feature", "as": name, "feature": name, "period": p}
                       for name, p in zip(SEVEN, periods, strict=True)],
        # fades at NEUTRAL as before issue 14 made them an option: enough trades on a short slice
        "strategy": {"use": "battle_navale", "entry_grade": "buy", "neutral_reversals": True},
    }
