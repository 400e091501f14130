"""Battle Navale's array form: feature techniques' ``compute`` plus :func:`decide_arrays`.

:class:`VectorisedBattleNavale` offers ``target_directions`` for the engine's
vectorised backtest path, which takes a strategy and no techniques: it owns the
vectorised techniques itself and computes every feature over the whole series first.

That path passes only a direction per bar to the engine (no stop/target hints, no
time exits, no "only when flat" rule), so its trades are those of a stop-and-reverse
on the same entries, not those of the bar-by-bar strategy with its brackets. It is
the research and throughput form; ``mia backtest`` runs the bar-by-bar form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from mia_core.decision.pipeline import DecisionArrays, DecisionConfig, decide_arrays
from mia_core.series import BarSeries
from mia_plugins.battle_navale_strategy.inputs import NEUTRAL, SCORE_KEYS
from ports.technique import VectorisedTechnique

FloatArray = npt.NDArray[np.float64]


def feature_columns(bars: BarSeries, techniques: Sequence[VectorisedTechnique]) -> dict[str, FloatArray]:
    """Every technique output over ``bars``, keyed ``"<technique>.<output>"`` as the engine keys them."""
    columns: dict[str, FloatArray] = {}
    for technique in techniques:
        for key, values in technique.compute(bars).items():
            columns[f"{technique.name}.{key}"] = np.asarray(values, dtype=np.float64)
    return columns


def score_columns(columns: Mapping[str, FloatArray], n: int, bias: FloatArray | None = None) -> dict[str, FloatArray]:
    """The eight score columns (missing technique: NaN; dealer's bias: ``bias`` in [0, 1] or neutral)."""
    scores = {name: columns.get(key, np.full(n, np.nan)) for name, key in SCORE_KEYS}
    scores["dealers_bias"] = np.full(n, NEUTRAL) if bias is None else bias
    return scores


def tick_columns(bars: BarSeries) -> tuple[npt.NDArray[np.int64], ...]:
    """Open, high, low, close in whole ticks."""
    size = bars.instrument.tick_size
    return tuple(np.round(col / size).astype(np.int64) for col in (bars.open, bars.high, bars.low, bars.close))


class VectorisedBattleNavale:
    """The whole feature + decision pipeline over arrays (see the module docstring)."""

    def __init__(
        self, config: DecisionConfig, techniques: Sequence[VectorisedTechnique], name: str = "battle_navale"
    ) -> None:
        self.name = name
        self.config = config
        self.techniques = tuple(techniques)

    def decide(self, bars: BarSeries) -> DecisionArrays:
        """Features then decisions for every bar of ``bars``."""
        o, h, lo, c = tick_columns(bars)
        scores = score_columns(feature_columns(bars, self.techniques), len(bars))
        return decide_arrays(o, h, lo, c, scores, self.config)

    def target_directions(self, bars: BarSeries) -> npt.NDArray[np.int8]:
        """+1/-1 at bars with a long/short entry, 0 elsewhere."""
        return self.decide(bars).direction

    def reset(self) -> None:
        """Nothing to forget: every call starts from the series' first bar."""

    def on_bar(self, bar: object, context: object) -> None:
        """Not used: this form only runs through ``target_directions``."""
        raise TypeError("VectorisedBattleNavale runs on the vectorised path only (target_directions)")
