"""The ``battle_navale`` strategy: the decision pipeline driven by the engine, bar by bar."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Final

from mia_core.compiled import runs_compiled
from mia_core.market import Bar
from mia_core.signals import Direction, Signal
from mia_plugins.battle_navale.config import BattleNavaleConfig as BattleNavaleConfig
from mia_plugins.battle_navale.decision.confluence import grade_of
from mia_plugins.battle_navale.decision.pipeline import Decider, Decision, Fired
from mia_plugins.battle_navale.inputs import SCORE_KEYS, InputReader
from mia_plugins.battle_navale.vectorised import VectorisedBattleNavale
from ports.context import StrategyContext
from ports.technique import VectorisedTechnique

log = logging.getLogger("mia.battle_navale")


#: True when this module runs compiled (setup.py): to_ticks then beats a call to the built-in round
COMPILED: Final = runs_compiled(__file__)


def to_ticks(price: float, size: float) -> int:
    """``round(price / size)``, halves to even, without a call to the built-in ``round`` (compiled)."""
    q = price / size
    whole = math.floor(q)
    rest = q - whole  # exact but for -1 < q < 0, where the rounding cannot change the answer
    if rest > 0.5 or (rest == 0.5 and whole % 2 == 1):
        return whole + 1
    return whole


class BattleNavaleStrategy:
    """Regime-selected trend/range setups gated by the confluence score (docs/decision.md).

    Reads the seven technique scores (``"<feature>.score"``) and dealer's bias from the
    context; enters only when flat (or reverses, if allowed), with stop and target
    hints ``stop_atr`` ATRs and ``reward_risk`` times that away from the close.
    """

    def __init__(self, config: BattleNavaleConfig, name: str = "battle_navale") -> None:
        self.name = name
        self.config = config
        self.decider = Decider(config)
        self.inputs = InputReader(config.dealers_bias_analyzer, config.weights, config.readings)
        # read on every bar: native fields, not attrs lookups (the settings are frozen)
        self._max_hold: int = config.max_hold_bars
        self._exit_on_reversal = bool(config.exit_on_reversal)
        self.reset()

    @property
    def warmup_bars(self) -> int:
        """Bars the regime detector needs before its first decision (the shell warms a window up on them)."""
        return self.decider.periods.warmup_bars

    def reset(self) -> None:
        """Forget every bar."""
        self.decider.reset()
        self._held = 0
        self._checked = False

    def vectorised(self, techniques: Sequence[VectorisedTechnique]) -> VectorisedBattleNavale:
        """This strategy's array form over ``techniques``' ``compute`` (for the engine's vectorised path)."""
        return VectorisedBattleNavale(self.config, techniques, self.name)

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        """Update the pipeline with ``bar``; a signal to enter, reverse or leave on time, else None."""
        config = self.config
        size = bar.instrument.tick_size
        if not self._checked:
            self._checked = True
            unweighted = config.weights.unweighted()
            missing = [key for name, key in SCORE_KEYS if key not in context.features and name not in unweighted]
            if missing:
                log.warning("%s: no technique outputs %s; compose the Battle Navale techniques under their own "
                            "names (the strategy cannot trade without them)", self.name, ", ".join(missing))
        if COMPILED:
            fired = self.decider.step(
                to_ticks(bar.open, size), to_ticks(bar.high, size), to_ticks(bar.low, size), to_ticks(bar.close, size)
            )
        else:
            fired = self.decider.step(
                round(bar.open / size), round(bar.high / size), round(bar.low / size), round(bar.close / size)
            )
        judged = None if fired is None else self._judge(fired, context)
        max_hold = self._max_hold
        if judged is None and not max_hold:
            return None  # nothing reads the position: no entry to gate, no holding time to count
        position = context.position.quantity
        self._held = self._held + 1 if position else 0
        if judged is not None and (position == 0 or (self._exit_on_reversal and position * judged[0].direction < 0)):
            self._held = 0
            return self._entry(bar, *judged)
        if position and max_hold and self._held >= max_hold:
            return Signal(ts=bar.ts, source=self.name, direction=Direction.FLAT, reason="time exit")
        return None

    def _judge(
        self, fired: Fired, context: StrategyContext
    ) -> tuple[Decision, dict[str, float], bool, dict[str, float]] | None:
        """The decision on a setup that fired, with the scores and readings it was made on (read only now)."""
        features, analyses = context.features, context.analyses
        scores, bias_absent = self.inputs.scores(features, analyses)
        readings = self.inputs.readings(features, analyses)
        decision = self.decider.decide(fired, scores, readings)
        return None if decision is None else (decision, scores, bias_absent, readings)

    def _entry(self, bar: Bar, decision: Decision, scores: dict[str, float], bias_absent: bool,
               readings: dict[str, float] | None) -> Signal:
        size = bar.instrument.tick_size
        d = decision.direction
        components = dict(scores)
        components["dealers_bias_absent"] = 1.0 if bias_absent else 0.0
        components["regime"] = float(decision.regime)
        components["setup"] = float(decision.setup)
        components.update({f"elite.{name}": value for name, value in (readings or {}).items() if value == value})
        stop = take = None
        if self.config.bracket:
            stop_ticks = decision.close_ticks - d * decision.stop_ticks
            stop = stop_ticks * size if stop_ticks > 0 else None
            take = (decision.close_ticks + d * decision.target_ticks) * size
        return Signal(
            ts=bar.ts,
            source=self.name,
            direction=Direction.LONG if d > 0 else Direction.SHORT,
            strength=decision.confidence,
            confluence=min(1.0, max(0.0, decision.score)),
            components=components,
            grade=grade_of(decision.score, self.config.thresholds),
            stop_loss=stop,
            take_profit=take,
            reason=f"{decision.setup.name.lower()} in {decision.regime.name.lower()}",
        )
