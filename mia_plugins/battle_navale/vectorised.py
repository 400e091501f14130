"""Battle Navale's array form: feature techniques' ``compute`` plus :func:`decide_arrays`.

:class:`VectorisedBattleNavale` offers ``target_directions`` for the engine's
vectorised backtest path, which takes a strategy and no techniques: it owns the
vectorised techniques itself and computes every feature over the whole series first.

That path hands the engine a bare direction per bar. The stop and target, confidence,
confluence and grade of each entry are kept by bar time and put back on the signal by
the companion signal filter (:meth:`VectorisedBattleNavale.hints_filter`), so with
that filter composed the vectorised run trades like the bar-by-bar strategy (same
brackets, same reversals; ``exit_on_reversal: false`` is honoured by the filter).
Only ``max_hold_bars`` (time exits) has no vectorised form: the array path ignores it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from mia_core.series import BarSeries
from mia_core.signals import Direction, Signal, SignalGrade
from mia_plugins.battle_navale.decision.blocks import decide_in_blocks
from mia_plugins.battle_navale.decision.confluence import GradeThresholds, grade_of
from mia_plugins.battle_navale.decision.pipeline import DecisionArrays, DecisionConfig
from mia_plugins.battle_navale.inputs import NEUTRAL, SCORE_KEYS
from ports.context import StrategyContext
from ports.technique import VectorisedTechnique

FloatArray = npt.NDArray[np.float64]


def feature_columns(
    bars: BarSeries, techniques: Sequence[VectorisedTechnique], keep: Collection[str] | None = None
) -> dict[str, FloatArray]:
    """Technique outputs over ``bars``, keyed ``"<technique>.<output>"`` as the engine keys them.

    ``keep``: only those keys are kept (all when None). A million bars of one output
    take 8 MB, so the decision keeps the few it reads; the techniques with the most
    outputs run first, while little is kept, since each one's ``compute`` holds all
    its outputs at once.
    """
    computed: dict[int, dict[str, FloatArray]] = {}
    widest_first = sorted(range(len(techniques)), key=lambda i: -len(getattr(techniques[i], "outputs", ())))
    for i in widest_first:
        name = techniques[i].name
        computed[i] = {f"{name}.{key}": np.asarray(values, dtype=np.float64)
                       for key, values in techniques[i].compute(bars).items()
                       if keep is None or f"{name}.{key}" in keep}
    return {key: values for i in range(len(techniques)) for key, values in computed[i].items()}


def score_columns(columns: Mapping[str, FloatArray], n: int, bias: FloatArray | None = None,
                  unweighted: tuple[str, ...] = ()) -> dict[str, FloatArray]:
    """The eight score columns (missing technique: NaN, or neutral when ``unweighted``; dealer's bias: ``bias``
    in [0, 1] or neutral)."""
    scores = {name: columns.get(key, np.full(n, NEUTRAL if name in unweighted else np.nan)) for name, key in SCORE_KEYS}
    for name in unweighted:
        if name in scores:
            scores[name] = np.where(np.isnan(scores[name]), NEUTRAL, scores[name])
    scores["dealers_bias"] = np.full(n, NEUTRAL) if bias is None else bias
    return scores


def tick_columns(bars: BarSeries) -> tuple[npt.NDArray[np.int64], ...]:
    """Open, high, low, close in whole ticks."""
    size = bars.instrument.tick_size
    return tuple(np.round(col / size).astype(np.int64) for col in (bars.open, bars.high, bars.low, bars.close))


@attrs.frozen(slots=True)
class EntryHint:
    """What the bar-by-bar strategy would put on an entry signal besides its direction."""

    stop_loss: float | None
    take_profit: float | None
    strength: float
    confluence: float
    grade: SignalGrade


@attrs.frozen(slots=True)
class HintTable:
    """Each entry's hint as columns, one row per entry bar (sorted by time), built into an EntryHint when asked.

    Tens of thousands of entries on a long series: a few MB of columns instead of an
    object, a dict slot and boxed floats per entry.
    """

    ts: npt.NDArray[np.int64]
    close_ticks: npt.NDArray[np.int64]
    direction: npt.NDArray[np.int8]
    stop_ticks: npt.NDArray[np.int64]
    target_ticks: npt.NDArray[np.int64]
    confidence: FloatArray
    score: FloatArray
    tick_size: float = 0.25
    bracket: bool = True
    thresholds: GradeThresholds = attrs.Factory(GradeThresholds)

    def __len__(self) -> int:
        return len(self.ts)

    def get(self, ts: int) -> EntryHint | None:
        """The hint of the entry at bar time ``ts``, or None when no entry was decided there."""
        i = int(np.searchsorted(self.ts, ts))
        if i == len(self.ts) or self.ts[i] != ts:
            return None
        c, d, size = int(self.close_ticks[i]), int(self.direction[i]), self.tick_size
        stop_ticks, score = c - d * int(self.stop_ticks[i]), float(self.score[i])
        return EntryHint(
            stop_loss=stop_ticks * size if self.bracket and stop_ticks > 0 else None,
            take_profit=(c + d * int(self.target_ticks[i])) * size if self.bracket else None,
            strength=float(self.confidence[i]),
            confluence=min(1.0, max(0.0, score)),
            grade=grade_of(score, self.thresholds),
        )


def _none(dtype: type[np.generic]) -> npt.NDArray[Any]:
    return np.empty(0, dtype=dtype)


NO_HINTS = HintTable(ts=_none(np.int64), close_ticks=_none(np.int64), direction=_none(np.int8),
                     stop_ticks=_none(np.int64), target_ticks=_none(np.int64), confidence=_none(np.float64),
                     score=_none(np.float64))


class VectorisedBattleNavale:
    """The whole feature + decision pipeline over arrays (see the module docstring)."""

    def __init__(self, config: DecisionConfig, techniques: Sequence[VectorisedTechnique], name: str = "battle_navale"):
        self.name = name
        self.config = config
        self.techniques = tuple(techniques)
        self.hints = NO_HINTS

    def decide(self, bars: BarSeries) -> DecisionArrays:
        """Features then decisions for every bar of ``bars`` (in blocks: ``decision.blocks``)."""
        keys = getattr(self.config, "readings", None)
        reading_keys = {} if keys is None else dict(keys.items())
        needed = {key for _, key in SCORE_KEYS} | set(reading_keys.values())
        columns = feature_columns(bars, self.techniques, keep=needed)
        scores = score_columns(columns, len(bars), unweighted=self.config.weights.unweighted())
        readings = {name: columns[key] for name, key in reading_keys.items() if key in columns}
        return decide_in_blocks(len(bars), lambda lo, hi: tick_columns(bars.slice(lo, hi)), scores, self.config,
                                readings)

    def target_directions(self, bars: BarSeries) -> npt.NDArray[np.int8]:
        """+1/-1 at bars with a long/short entry, 0 elsewhere; each entry's hint is kept by bar time."""
        arrays = self.decide(bars)
        self.hints = self._hints(bars, arrays)
        return arrays.direction

    def _hints(self, bars: BarSeries, arrays: DecisionArrays) -> HintTable:
        entries = np.flatnonzero(arrays.direction)
        size = bars.instrument.tick_size
        return HintTable(
            ts=bars.ts[entries],
            close_ticks=np.round(bars.close[entries] / size).astype(np.int64),  # as tick_columns rounds them
            direction=arrays.direction[entries],
            stop_ticks=arrays.stop_ticks[entries],
            target_ticks=arrays.target_ticks[entries],
            confidence=arrays.confidence[entries],
            score=arrays.score[entries],
            tick_size=size,
            bracket=getattr(self.config, "bracket", True),
            thresholds=self.config.thresholds,
        )

    def hints_filter(self) -> HintsFilter:
        """The signal filter that puts each entry's hint back on the engine's bare signal."""
        return HintsFilter(self)

    def reset(self) -> None:
        """Forget the hints of the last series."""
        self.hints = NO_HINTS

    def on_bar(self, bar: object, context: object) -> None:
        """Not used: this form only runs through ``target_directions``."""
        raise TypeError("VectorisedBattleNavale runs on the vectorised path only (target_directions)")


class HintsFilter:
    """Restores stop/target, strength, confluence and grade on the vectorised path's signals."""

    def __init__(self, owner: VectorisedBattleNavale, name: str = "battle_navale_hints") -> None:
        self.name = name
        self.owner = owner
        self.exit_on_reversal = bool(getattr(owner.config, "exit_on_reversal", True))

    def apply(self, signal: Signal, context: StrategyContext) -> Signal:
        """The signal with its entry's hint; an unwanted reversal becomes the held side (no order)."""
        hint = self.owner.hints.get(signal.ts)
        if hint is None or signal.direction is Direction.FLAT:
            return signal
        held = context.position.quantity
        if held * int(signal.direction) > 0:  # already on that side: the planner places nothing either way
            return signal
        if held and not self.exit_on_reversal:
            return attrs.evolve(signal, direction=Direction.LONG if held > 0 else Direction.SHORT, grade=None)
        return attrs.evolve(
            signal,
            stop_loss=hint.stop_loss,
            take_profit=hint.take_profit,
            strength=hint.strength,
            confluence=hint.confluence,
            grade=hint.grade,
        )
